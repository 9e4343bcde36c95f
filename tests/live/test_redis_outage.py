"""Redis lost with REDIS_URL set (issue 22, defect 3): a process's streams still get the events
other processes commit, from the table within 5 s, and go back to Redis when it returns; streams
are told the channel is delayed, so a page does not say "Live" for what only arrives by the table."""

import queue
import time
import uuid

import pytest
import redis

from fieldapp.live import services
from fieldapp.live.broker import Hub
from fieldapp.live.events import ALL, Event
from tests.fixtures.waiting import wait_until
from tests.live.test_events import short_streams  # noqa: F401 - a fixture

FALLBACK_SECONDS = 5


class Inbox(queue.SimpleQueue):
    put = queue.SimpleQueue.put

    def next_event(self, timeout, seen):
        """The next event (not a state notice) within ``timeout`` seconds; notices go to ``seen``."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                item = self.get(timeout=left)
            except queue.Empty:
                break
            if isinstance(item, Event):
                return item
            seen.append(item)
        raise AssertionError(f"no event within {timeout} s")


@pytest.fixture
def channel(app):
    saved = app.config["LIVE_CHANNEL"]
    app.config["LIVE_CHANNEL"] = f"test-live-{uuid.uuid4().hex}:events"
    yield app.config["LIVE_CHANNEL"]
    app.config["LIVE_CHANNEL"] = saved


def subscribed(url, channel):
    with redis.Redis.from_url(url) as server:
        return server.pubsub_numsub(channel)[0][1] == 1


def test_with_redis_down_streams_get_other_processes_events_from_the_table_then_redis_again(
        app, db, new_call, private_redis, channel, request):
    listener = Hub(app, private_redis.url)  # this process, with REDIS_URL set
    request.addfinalizer(listener.stop)
    inbox, notices = Inbox(), []
    listener.subscribe(ALL, inbox)
    wait_until(lambda: subscribed(private_redis.url, channel), what="the hub to subscribe")

    private_redis.stop()
    # Another process commits a call: its own publish to Redis fails, so only the table has it
    # (the test app's hub, without Redis, stands for that process).
    committed = time.monotonic()
    call = new_call()
    event = inbox.next_event(FALLBACK_SECONDS, notices)
    assert time.monotonic() - committed <= FALLBACK_SECONDS
    assert (event.payload["type"], event.payload["call_id"]) == ("call.created", call["id"])
    assert listener.delayed is True
    assert [notice.delayed for notice in notices] == [True]  # the streams were told

    private_redis.start()
    wait_until(lambda: not listener.delayed, timeout=10, what="the hub to go back to Redis")
    wait_until(lambda: subscribed(private_redis.url, channel), what="the hub to subscribe again")
    # Back on Redis: an event that is only on the wire (not in the table) reaches the stream.
    publisher = Hub(app, private_redis.url)
    marker = uuid.uuid4().hex
    publisher.publish([Event.of(services.latest_id() + 1, None, {"type": "call.created", "marker": marker})])
    event = inbox.next_event(3, notices)
    assert event.payload.get("marker") == marker
    assert [notice.delayed for notice in notices] == [True, False]


def test_a_stream_opened_while_redis_is_down_says_it_is_delayed(
        app, pages, dispatcher, private_redis, channel, short_streams):  # noqa: F811
    saved = app.extensions["fieldapp_live"]
    hub = app.extensions["fieldapp_live"] = Hub(app, private_redis.url)
    try:
        private_redis.stop()
        hub.start()
        wait_until(lambda: hub.delayed, what="the hub to notice Redis is gone")
        response = pages(dispatcher).client.get("/events", buffered=False)
        text = b"".join(response.response).decode()
        response.close()
        assert 'event: hello\ndata: {"delayed":true}' in text
    finally:
        hub.stop()
        app.extensions["fieldapp_live"] = saved
