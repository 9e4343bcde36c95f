"""Light, cached pages (issue 19): static files by hashed name, compressed, cached for a year
(fieldapp/web/assets.py, scripts/build-static.mjs)."""

import re

import pytest

IMMUTABLE = "public, max-age=31536000, immutable"


def static_urls(html):
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def fetch(client, url, encoding=None):
    response = client.get(url, headers={"Accept-Encoding": encoding} if encoding else {})
    body = response.get_data()
    response.close()
    return response, body


def test_a_page_names_its_files_by_content_hash_and_loads_one_script(pages, shift):
    html = pages(shift.officer).get("/my/calls").get_data(as_text=True)
    urls = static_urls(html)
    assert urls and all(re.fullmatch(r"/static/dist/[a-z0-9-]+-[0-9a-f]{12}\.(js|css|png)", url) for url in urls), urls
    assert len(re.findall(r"<script ", html)) == 1


def test_a_signed_out_page_loads_the_small_bundle(client):
    scripts = re.findall(r'<script src="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert len(scripts) == 1 and scripts[0].startswith("/static/dist/app-")


@pytest.mark.parametrize("encoding, expected", [("br", "br"), ("gzip, deflate", "gzip"), ("gzip, deflate, br", "br")])
def test_hashed_files_are_served_compressed_and_cached_for_a_year(client, encoding, expected):
    url = next(u for u in static_urls(client.get("/login").get_data(as_text=True)) if u.endswith(".css"))
    plain, body = fetch(client, url)
    response, compressed = fetch(client, url, encoding)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == expected
    assert response.headers["Cache-Control"] == IMMUTABLE and "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Type"].startswith("text/css")
    assert len(compressed) < len(body) / 3 and plain.headers.get("Content-Encoding") is None
    assert plain.headers["X-Content-Type-Options"] == "nosniff"


def test_files_without_a_hash_are_revalidated(client):
    response, _ = fetch(client, "/static/vendor/redoc/redoc.standalone.js")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert response.headers.get("ETag") or response.headers.get("Last-Modified")


def test_the_service_worker_keeps_its_address_and_is_checked_each_visit(client):
    response, body = fetch(client, "/sw.js")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert b"fieldapp-static" in body
