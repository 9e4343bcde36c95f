"""The outbox sends what waits in batch requests, as many records in each as the server says it takes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.browser.conftest import serve
from tests.browser.test_offline import badge, visit

pytestmark = pytest.mark.browser
SERVER_BATCH = 2  # this module's server takes two records per POST /api/v1/sync (SYNC_BATCH)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, seeded_database):
    yield from serve(tmp_path_factory.mktemp("outbox_batch"), seeded_database, SYNC_BATCH=str(SERVER_BATCH))


def test_records_saved_offline_go_out_in_one_request(phone_page, dispatch):
    call = dispatch.new_call("5 Batch Row")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    page.context.set_offline(True)
    for step, waiting in (("Acknowledged", 1), ("En route", 2)):
        page.get_by_role("button", name=step).click()
        expect(badge(page)).to_have_text(f"{waiting} waiting to send")
        assert axe_violations(page) == []  # offline, a record waiting
        page.reload()
        # the reloaded page draws its badge from the outbox: until then "hidden" below would pass at once
        expect(badge(page)).to_have_text(f"{waiting} waiting to send")
    sent = []
    # The context's requests: the page's and its service worker's (either may be the one that flushes).
    page.context.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge(page)).to_be_hidden(timeout=10000)
    assert [url for url in sent if re.search(r"/api/v1/sync$", url)] and \
        not [url for url in sent if re.search(r"/calls/\d+/status$", url)], sent
    assert len([url for url in sent if url.endswith("/api/v1/sync")]) == 1
    statuses = [e["status"] for e in dispatch.call(call["id"])["timeline"]]
    assert [s for s in statuses if s in ("acknowledged", "en_route")] == ["acknowledged", "en_route"]


def test_the_outbox_sends_as_many_records_per_request_as_the_server_takes(phone_page, dispatch):
    call = dispatch.new_call("7 Batch Size Row")
    dispatch.assign(call["id"], "CR-1")
    page = phone_page("officer1")
    visit(page, f"/calls/{call['id']}")
    page.context.set_offline(True)
    for waiting, step in enumerate(("Acknowledged", "En route", "On scene"), start=1):
        page.get_by_role("button", name=step).click()
        expect(badge(page)).to_have_text(f"{waiting} waiting to send")
    batches = []
    page.context.on("request", lambda request: batches.append(len(request.post_data_json["records"]))
                    if request.method == "POST" and request.url.endswith("/api/v1/sync") else None)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(badge(page)).to_be_hidden(timeout=10000)
    assert batches == [SERVER_BATCH, 1]  # three records: the server's two, then the one left
    statuses = [e["status"] for e in dispatch.call(call["id"])["timeline"]]
    assert [s for s in statuses if s in ("acknowledged", "en_route", "on_scene")] == \
        ["acknowledged", "en_route", "on_scene"]
