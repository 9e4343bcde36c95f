"""A partition between a process's live hub and Redis (tests.faults.proxy in between): meanwhile the
streams get other processes' events from the table, and within 5 s of the partition's end the hub is
back on Redis (an event only on the wire reaches the stream)."""

import time
import uuid

import pytest
import redis

from fieldapp.live import services
from fieldapp.live.broker import Hub
from fieldapp.live.events import ALL, Event
from tests.faults.conftest import PARTITION_SECONDS, REDIS_URL
from tests.faults.figures import note
from tests.fixtures.waiting import wait_until
from tests.live.test_redis_outage import Inbox

pytestmark = pytest.mark.faults
RECOVERY_SECONDS = 5


def subscribed(channel) -> bool:
    with redis.Redis.from_url(REDIS_URL) as server:
        return server.pubsub_numsub(channel)[0][1] == 1


def test_the_live_channel_rides_out_a_redis_partition_and_is_back_within_5_s_of_its_end(
        app, db, new_call, redis_proxy, channel, request):
    listener = Hub(app, redis_proxy.url(REDIS_URL))  # a live process whose Redis is behind the proxy
    request.addfinalizer(listener.stop)
    inbox, notices = Inbox(), []
    listener.subscribe(ALL, inbox)
    wait_until(lambda: subscribed(channel), what="the hub to subscribe")

    redis_proxy.partition(PARTITION_SECONDS)
    wait_until(lambda: listener.delayed, timeout=PARTITION_SECONDS, what="the hub to notice the partition")
    call = new_call()  # another process commits: its event reaches the stream from the table meanwhile
    event = inbox.next_event(5, notices)
    assert (event.payload["type"], event.payload["call_id"]) == ("call.created", call["id"])
    assert redis_proxy.partitioned, "the partition ended before the test could look: make it longer"

    wait_until(lambda: not redis_proxy.partitioned, timeout=PARTITION_SECONDS + 5, what="the partition's end")
    wait_until(lambda: not listener.delayed and subscribed(channel), timeout=RECOVERY_SECONDS + 5,
               interval=0.05, what="the hub back on Redis")
    back = time.monotonic() - redis_proxy.healed_at
    publisher = Hub(app, REDIS_URL)  # another process, straight to Redis: this event is only on the wire
    marker = uuid.uuid4().hex
    publisher.publish([Event.of(services.latest_id() + 1, None, {"type": "call.created", "marker": marker})])
    assert inbox.next_event(3, notices).payload.get("marker") == marker
    delivered = time.monotonic() - redis_proxy.healed_at
    assert [notice.delayed for notice in notices] == [True, False]  # the streams were told both ways
    note(f"Redis partition of {PARTITION_SECONDS:g} s: the live hub back on Redis {back:.2f} s after its end, "
         f"an event only on the wire delivered {delivered:.2f} s after it (target <= {RECOVERY_SECONDS} s)")
    assert back <= RECOVERY_SECONDS
