"""Every error in the one shape the README promises (issue 22, defect 6), under gunicorn: an
over-long address is a JSON 414 (the app's own limit, and gunicorn's refusals beyond it), and while
the database is unreachable requests answer 503 with Retry-After (JSON for the API, a page for
pages), never a 500."""

import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.servers import free_port
from tests.fixtures.waiting import wait_until

# gunicorn pointed at a PostgreSQL port where nothing listens, whichever database the suite runs on
pytestmark = pytest.mark.no_database
REPO = Path(__file__).resolve().parents[2]
SECRET = "s" * 32
GUNICORN = Path(sys.executable).parent / "gunicorn"


def listening(port) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory):
    """The app under gunicorn (gunicorn.conf.py) whose PostgreSQL port nothing listens on."""
    port, log = free_port(), tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {**os.environ, "FIELDAPP_ENV": "development", "SECRET_KEY": SECRET, "REDIS_URL": "",
           "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/fieldapp", "WEB_CONCURRENCY": "1",
           "GUNICORN_THREADS": "2", "ACCESS_LOG": "off", "JOBS_SWEEP_SECONDS": "3600"}
    with open(log, "w") as out:
        process = subprocess.Popen([str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                                    "fieldapp:create_app()"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: process.poll() is not None or listening(port), timeout=60, interval=0.2,
                   what="gunicorn to listen")
        assert process.poll() is None, log.read_text()
        yield port
    finally:
        process.terminate()
        process.wait(10)


def request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def assert_json_error(headers, body, code):
    import json
    assert headers["Content-Type"].startswith("application/json"), body[:200]
    error = json.loads(body)["error"]
    assert error["code"] == code and error["message"] and error["fields"] == {}
    return error


@pytest.mark.parametrize("length", [5000, 8000, 20000])
def test_an_over_long_address_answers_json_414(server_without_database, length):
    status, headers, body = request(server_without_database, "GET", "/api/v1/calls?q=" + "a" * length,
                                    {"Accept": "application/json"})
    assert status == 414
    assert_json_error(headers, body, "uri_too_long")


def test_the_api_answers_503_with_retry_after_while_the_database_is_unreachable(server_without_database):
    for method, path, body in (("GET", "/api/v1/calls", None), ("GET", "/api/v1/me", None),
                               ("POST", "/api/v1/auth/token", '{"username": "a", "password": "b"}'),
                               ("GET", "/healthz", None)):
        status, headers, text = request(server_without_database, method, path,
                                        {"Authorization": "Bearer not-checked-yet", "Accept": "application/json",
                                         "Content-Type": "application/json"}, body)
        assert status == 503, (path, text[:300])
        assert int(headers["Retry-After"]) > 0
        error = assert_json_error(headers, text, "database_unavailable")
        assert "cannot be reached" in error["message"]


def signed_in_cookie() -> str:
    """A browser's session cookie as the app signs it, naming a sign-in the database would hold."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    signer = Flask("cookie")
    signer.secret_key = SECRET
    value = SecureCookieSessionInterface().get_signing_serializer(signer).dumps({"_user_id": "a-token", "_fresh": True})
    return f"fieldapp_session={value}"


def test_pages_answer_a_503_page_while_the_database_is_unreachable(server_without_database):
    status, headers, text = request(server_without_database, "GET", "/board",
                                    {"Accept": "text/html", "Cookie": signed_in_cookie()})
    assert status == 503 and int(headers["Retry-After"]) > 0
    assert headers["Content-Type"].startswith("text/html")
    assert "fieldapp is briefly unavailable" in text and "cannot be reached" in text


def test_the_app_refuses_an_over_long_address_itself(client):
    response = client.get("/api/v1/calls?q=" + "a" * 5000)
    assert response.status_code == 414
    assert response.get_json()["error"]["code"] == "uri_too_long"
