"""The per-process hub: committed events in, each stream's share out.

Committed events reach a process three ways: from its own commits (``publish``), from Redis when
``REDIS_URL`` is set (one message per commit, the payload in it, on one channel), and from the
``live_events`` table when ids are missing or no Redis links the processes (one read per process,
never one per stream). Listening starts with the first stream, so web workers that serve no
streams only publish.

When Redis is set but unreachable, the hub reads the table every LIVE_POLL_SECONDS (other
processes' commits reach its streams within seconds, not never) and tries Redis again every
LIVE_REDIS_RETRY_SECONDS; ``delayed`` says so, and the streams are told (``Notice``), so a page
does not say "Live" while events only arrive by the table.
"""

import contextlib
import json
import logging
import threading
import time

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.live import services
from fieldapp.live.events import Audiences, Event, Notice, Sequencer
from fieldapp.live.models import LiveEvent

log = logging.getLogger(__name__)
READ_PAGE = 1000


class Hub:
    def __init__(self, app, redis_url: str | None = None):
        self.app = app
        self.channel = app.config["LIVE_CHANNEL"]
        self.audiences = Audiences()
        self.sequencer: Sequencer | None = None
        self._lock = threading.RLock()
        self._redis = None
        self.delayed = False  # Redis is set but lost: events from other processes come from the table
        self._stopping = threading.Event()
        if redis_url:
            import redis  # optional at run time: only when REDIS_URL is set

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=2,
                                               health_check_interval=5)
            # Whether Redis is back, asked while it is lost: one quick try, no retries, so that across
            # a partition (no answer at all, not a refusal) reading the table is not held up (issue 24).
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            self._probe = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1,
                                               retry=Retry(NoBackoff(), 0))

    @property
    def cross_process(self) -> bool:
        return self._redis is not None

    # --- in -------------------------------------------------------------------------------
    def publish(self, events: list[Event]) -> None:
        """Called after a commit in the committing process."""
        if self._redis is not None and not self.delayed:  # lost: the others read the table meanwhile
            try:
                self._redis.publish(self.channel, json.dumps([e.to_message() for e in events]))
                return
            except Exception:  # noqa: BLE001 - Redis down: this process still delivers; others read the table
                log.warning("Redis publish failed; delivering in this process only", exc_info=True)
        self.receive(events)

    def receive(self, events) -> None:
        with self._lock:
            if self.sequencer is None:
                return  # nobody listens in this process
            ready = self.sequencer.take(events)
            if ready is None:  # ids missing: the table has them (or they were never committed)
                ready = self.sequencer.fill(self._read_after(self.sequencer.last_id))
            for event in ready:
                self.audiences.deliver(event)

    def catch_up(self) -> None:
        with self._lock:
            if self.sequencer is None:
                return
            for event in self.sequencer.fill(self._read_after(self.sequencer.last_id)):
                self.audiences.deliver(event)

    # --- out ------------------------------------------------------------------------------
    def subscribe(self, key, subscriber) -> None:
        self.start()
        self.audiences.add(key, subscriber)

    def unsubscribe(self, key, subscriber) -> None:
        self.audiences.discard(key, subscriber)

    def start(self) -> None:
        with self._lock:
            if self.sequencer is not None:
                return
            self.sequencer = Sequencer(self._latest_id())
        target = self._listen if self._redis is not None else self._poll
        threading.Thread(target=target, name="fieldapp-live-hub", daemon=True).start()

    # --- the table and the wire -----------------------------------------------------------
    def _latest_id(self) -> int:
        with self.app.app_context():
            return services.latest_id()

    def _read_after(self, last_id: int) -> list[Event]:
        found = []
        with self.app.app_context():
            while True:
                rows = db.session.scalars(select(LiveEvent).where(LiveEvent.id > last_id)
                                          .order_by(LiveEvent.id).limit(READ_PAGE)).all()
                found.extend(Event.of_row(row) for row in rows)
                if len(rows) < READ_PAGE:
                    return found
                last_id = rows[-1].id

    def _poll(self) -> None:
        """No Redis: look at the table once a second while this process has streams."""
        while True:
            time.sleep(self.app.config["LIVE_POLL_SECONDS"])
            if len(self.audiences):
                try:
                    self.catch_up()
                except Exception:  # noqa: BLE001 - a database hiccup: next round
                    log.warning("live: reading events failed", exc_info=True)

    def stop(self) -> None:
        """End the listening thread (a test's hub; a process's ends with the process)."""
        self._stopping.set()

    def _listen(self) -> None:
        while not self._stopping.is_set():
            try:
                self._follow_redis()
            except Exception:  # noqa: BLE001 - a Redis (or database) outage: read the table meanwhile
                log.warning("live: Redis subscription lost; reading the table until it is back", exc_info=True)
            if not self._stopping.is_set():
                self._fall_back()

    def _follow_redis(self) -> None:
        safety = self.app.config["LIVE_SAFETY_SECONDS"]
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            self.catch_up()  # whatever was published while not subscribed
            self._set_delayed(False)
            next_check = time.monotonic() + safety
            while not self._stopping.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message and message.get("type") == "message":
                    self._on_message(message["data"])
                if time.monotonic() >= next_check:  # a message Redis dropped costs at most this
                    self.catch_up()
                    next_check = time.monotonic() + safety
        finally:
            with contextlib.suppress(Exception):  # the connection is gone already
                pubsub.close()

    def _fall_back(self) -> None:
        """Redis is lost: read the table like a hub without Redis until Redis answers again."""
        self._set_delayed(True)
        retry_at = 0.0
        while not self._stopping.is_set():
            try:
                self.catch_up()
            except Exception:  # noqa: BLE001 - the database may be down too: next round
                log.warning("live: reading events failed", exc_info=True)
            if time.monotonic() >= retry_at:
                try:
                    self._probe.ping()
                    return
                except Exception:  # noqa: BLE001 - still down
                    retry_at = time.monotonic() + self.app.config["LIVE_REDIS_RETRY_SECONDS"]
            self._stopping.wait(self.app.config["LIVE_POLL_SECONDS"])

    def _set_delayed(self, delayed: bool) -> None:
        if delayed != self.delayed:
            self.delayed = delayed
            self.audiences.tell_all(Notice(delayed))

    def _on_message(self, data) -> None:
        try:
            events = [Event.from_message(item) for item in json.loads(data)]
        except (ValueError, KeyError, TypeError):
            log.warning("live: ignoring a malformed message on %s", self.channel)
            return
        self.receive(events)


def make_broker(app) -> Hub:
    return Hub(app, app.config.get("REDIS_URL"))
