"""Live events: durable, per-audience, resumable after Last-Event-ID."""

import json
import os
import uuid

import pytest

from tests.fixtures.waiting import wait_until


def read_stream(client, headers=None, path="/events"):
    """Read a whole (short-lived, in tests) event stream into a list of (id, event, data)."""
    response = client.get(path, headers=headers or {}, buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    text = b"".join(response.response).decode()
    response.close()
    frames = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if fields.get("event") == "call":
            frames.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
    return frames


@pytest.fixture
def short_streams(app):
    saved = {key: app.config[key] for key in ("LIVE_STREAM_SECONDS", "LIVE_POLL_SECONDS")}
    app.config.update(LIVE_STREAM_SECONDS=0.3, LIVE_POLL_SECONDS=0.1)
    yield
    app.config.update(saved)


def test_unit_stream_carries_its_assignment_and_resumes_after_last_event_id(
        api, pages, dispatcher, new_call, shift, other_shift, short_streams):
    crew = pages(shift.officer)
    other = pages(other_shift.officer)
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    frames = read_stream(crew.client, {"Last-Event-ID": "0"})
    assert [(f[2]["type"], f[2]["call_id"]) for f in frames] == [("call.assigned", call["id"])]
    assert frames[0][2]["call_type"] == "Emotionally disturbed person" and frames[0][2]["status"] == "assigned"
    assert read_stream(other.client, {"Last-Event-ID": "0"}) == []  # another unit hears nothing
    # Missed while disconnected: resumes after the last id it saw.
    api.post(f"/api/v1/calls/{call['id']}/status", {"id": str(uuid.uuid4()), "status": "acknowledged"},
             user=shift.clinician)
    resumed = read_stream(crew.client, {"Last-Event-ID": str(frames[-1][0])})
    assert [f[2]["status"] for f in resumed] == ["acknowledged"]


def test_dispatch_stream_sees_every_call_and_reassignment_tells_the_old_unit(
        api, pages, dispatcher, new_call, shift, other_shift, short_streams):
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    board = read_stream(pages(dispatcher).client, {"Last-Event-ID": "0"})
    assert [f[2]["type"] for f in board] == ["call.created", "call.assigned", "call.assigned", "call.reassigned"]
    old_unit = read_stream(pages(shift.officer).client, {"Last-Event-ID": "0"})
    assert [f[2]["type"] for f in old_unit] == ["call.assigned", "call.reassigned"]


def test_a_new_client_starts_from_now(api, pages, dispatcher, new_call, shift, short_streams):
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert read_stream(pages(shift.officer).client) == []


def test_polling_fallback_returns_the_same_events(api, pages, dispatcher, new_call, shift):
    crew = pages(shift.officer).client
    start = crew.get("/events/poll").get_json()
    call = new_call()
    api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    body = crew.get(f"/events/poll?after={start['last_id']}").get_json()
    assert [(e["type"], e["call_id"]) for e in body["events"]] == [("call.assigned", call["id"])]
    assert body["last_id"] == body["events"][-1]["id"]


def test_streams_are_refused_beyond_the_worker_limit(app, pages, shift, short_streams):
    from fieldapp.live import views

    app.config["LIVE_MAX_STREAMS"], saved = 0, app.config["LIVE_MAX_STREAMS"]
    try:
        response = pages(shift.officer).client.get("/events", headers={"Accept": "application/json"})
        assert response.status_code == 503 and response.get_json()["error"]["code"] == "busy"
    finally:
        app.config["LIVE_MAX_STREAMS"] = saved
    assert views._streams["open"] == 0


def test_program_managers_get_no_stream(pages, make_user):
    assert pages(make_user("program_manager")).client.get("/events").status_code == 403


REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def test_events_travel_between_processes_through_redis_with_their_payload(app, db):
    """Two hubs on one Redis stand for two processes: what one publishes, the other delivers to
    its streams of that audience, without reading the table."""
    import queue

    import redis

    from fieldapp.live import services
    from fieldapp.live.broker import Hub
    from fieldapp.live.events import Event

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_SERVICES"):
            raise
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")

    class Inbox(queue.SimpleQueue):
        put = queue.SimpleQueue.put

    saved = app.config["LIVE_CHANNEL"]
    app.config["LIVE_CHANNEL"] = f"test-live-{uuid.uuid4().hex}:events"
    try:
        publisher, listener = Hub(app, REDIS_TEST_URL), Hub(app, REDIS_TEST_URL)
        unit_inbox, other_inbox = Inbox(), Inbox()
        listener.subscribe(7, unit_inbox)
        listener.subscribe(8, other_inbox)
        with redis.Redis.from_url(REDIS_TEST_URL) as server:  # the listener's thread has subscribed
            channel = app.config["LIVE_CHANNEL"]
            wait_until(lambda: server.pubsub_numsub(channel)[0][1] == 1, what="the listener to subscribe")
        first = services.latest_id() + 1
        publisher.publish([Event.of(first, 7, {"type": "call.assigned", "call_id": 1})])
        event = unit_inbox.get(timeout=3)
        assert (event.id, event.payload["type"]) == (first, "call.assigned")
        assert other_inbox.empty()
    finally:
        app.config["LIVE_CHANNEL"] = saved


def test_signed_out_scripts_get_401_not_the_login_page(client):
    """A page's scripts keep calling after a session ends; answering them with the login page would
    start new sessions behind the user's back (and break the CSRF token of the form they are on)."""
    for path, headers in (("/events", {"Accept": "text/event-stream"}), ("/events/poll", {}),
                          ("/session/csrf", {})):
        response = client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert "Set-Cookie" not in response.headers
