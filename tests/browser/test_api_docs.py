"""The API reference at /api/docs renders from the vendored ReDoc, with nothing fetched off-site.

ReDoc's sidebar footer asks for its logo from cdn.redoc.ly; the docs page's Content-Security-Policy
blocks that, so the check is on requests that actually completed, not on requests attempted.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_render_from_vendored_redoc_without_leaving_the_site(browser, live_server, browser_screenshot):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        origin = urlsplit(live_server.url).netloc
        off_site = []
        page.on("requestfinished", lambda request: request.url.startswith("http")
                and urlsplit(request.url).netloc != origin and off_site.append(request.url))
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        response = page.goto("/api/docs")

        assert response.ok
        expect(page.locator("script[src='/static/vendor/redoc/redoc.standalone.js']")).to_have_count(1)
        # Redoc parses the whole OpenAPI document in the page before it draws: seconds of CPU on a busy
        # 2-core machine (CI ran the PostgreSQL suite beside it: 5 s were not enough), so a longer wait
        expect(page.get_by_role("heading", level=1)).to_contain_text("fieldapp API", timeout=30_000)
        browser_screenshot(page, "api-docs", full_page=False)  # the full page is ~16,000 px tall
        page.set_viewport_size({"width": 360, "height": 740})
        browser_screenshot(page, "api-docs-360x740", full_page=False)
        assert off_site == [], f"the docs page loaded from other sites: {off_site}"
        assert errors == [], "script errors in the docs page:\n" + "\n".join(errors)
    finally:
        context.close()
