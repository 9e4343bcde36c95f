"""Wake-ups for open streams. The event rows are the truth; a missed wake-up costs one poll."""

import logging
import threading

log = logging.getLogger(__name__)
CHANNEL = "fieldapp:live"


class LocalBroker:
    """Wakes streams in this process."""

    def __init__(self):
        self._condition = threading.Condition()
        self.version = 0

    def notify(self):
        with self._condition:
            self.version += 1
            self._condition.notify_all()

    def wait(self, seen_version: int, timeout: float) -> int:
        with self._condition:
            if self.version == seen_version:
                self._condition.wait(timeout)
            return self.version

    publish = notify
    cross_process = False


class RedisBroker(LocalBroker):
    """Publishes wake-ups through Redis; a listener thread per process wakes its local streams."""

    cross_process = True

    def __init__(self, url: str):
        super().__init__()
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3)
        self._listener = threading.Thread(target=self._listen, name="fieldapp-live-redis", daemon=True)
        self._listener.start()

    def publish(self):
        try:
            self._redis.publish(CHANNEL, "1")
        except Exception:  # noqa: BLE001 - Redis down: streams still poll the table
            log.warning("Redis publish failed; local wake-up only", exc_info=True)
            self.notify()

    def _listen(self):
        import time

        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                for message in pubsub.listen():
                    if message and message.get("type") == "message":
                        self.notify()
            except Exception:  # noqa: BLE001 - reconnect after a Redis outage
                log.warning("Redis subscription lost; retrying in 2 s", exc_info=True)
                time.sleep(2)


def make_broker(redis_url: str | None) -> LocalBroker:
    return RedisBroker(redis_url) if redis_url else LocalBroker()
