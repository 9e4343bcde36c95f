"""The board does not say "Live" for what only arrives by the table (issue 22, defect 3): with
REDIS_URL set and Redis killed, the page says "Live, delayed" and a call created meanwhile still
appears within seconds; when Redis is back, "Live" again. Real Chromium at 360x740 against gunicorn
with a private redis-server; each state photographed at 360x740 and 1280x800."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serve
from tests.browser.dispatch import Dispatch
from tests.browser.test_board_live import photograph
from tests.fixtures.servers import PrivateRedis

pytestmark = pytest.mark.browser
LIVE = "Live: changes appear as they happen."
DELAYED = "Live, delayed: changes appear within a few seconds."


@pytest.fixture(scope="module")
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, seeded_database, redis_server):
    """The demo under gunicorn as in conftest, but with REDIS_URL set to the private Redis."""
    yield from serve(tmp_path_factory.mktemp("live_delayed"), seeded_database, REDIS_URL=redis_server.url,
                     LIVE_CHANNEL=f"browser-{redis_server.port}:events")


def test_the_board_says_delayed_while_redis_is_down_and_calls_still_arrive(
        phone_page, browser, live_server, redis_server, browser_screenshot):
    page = phone_page("dispatcher")
    page.goto("/board")
    text = page.locator("#board-live-text")
    expect(text).to_have_text(LIVE)
    context = browser.new_context(base_url=live_server.url, extra_http_headers={"Connection": "close"})
    cad = Dispatch(context.request, live_server)

    redis_server.stop()
    expect(text).to_have_text(DELAYED, timeout=15000)
    try:
        response = context.request.post("/api/v1/calls", headers=cad.headers, data={
            "call_type": "WELFARE", "priority": 2, "location": {"address": "12 Harbor Lane"},
            "narrative": "Made while Redis is down"})
        assert response.status == 201, response.text()
        call_id = response.json()["id"]
    finally:
        context.close()
    expect(page.locator(f"#board tr[data-call-id='{call_id}']")).to_be_visible(timeout=10000)
    expect(text).to_have_text(DELAYED)  # an event arriving does not change what the link is
    photograph(page, browser_screenshot, "delayed")

    redis_server.start()
    expect(text).to_have_text(LIVE, timeout=20000)
    photograph(page, browser_screenshot, "again")
