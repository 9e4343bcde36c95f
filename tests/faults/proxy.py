"""A TCP fault proxy for the tests: put it between the app and PostgreSQL or Redis and make trouble.

    proxy = FaultProxy(("127.0.0.1", 5432)).start()   # then connect to 127.0.0.1:proxy.port
    proxy.latency = 0.5                               # every answer from upstream 500 ms late
    proxy.cut_when(b"COMMIT\\x00", before=True)       # cut the connection as the app sends COMMIT
    proxy.cut()                                       # cut every connection now
    proxy.partition(30)                               # a partition of 30 s (heal() ends it sooner)

The fault model, as the app sees it:
  * latency: each chunk from upstream is handed on ``latency`` seconds after it arrived (one way,
    as toxiproxy's latency toxic; chunks keep their order and the delay does not add up);
  * a cut: both sides of a connection are reset at once, as when a firewall or a host in between
    drops the connection's state;
  * a partition: the connections open at its start are reset (what TCP does to a connection that
    carries data across a partition once ``tcp_user_timeout`` passes; on loopback the proxy's own
    kernel would acknowledge the data, so the proxy does it), and new connections are accepted but
    get no answer until the partition ends (a black hole: only the client's connect timeout frees
    it). When it ends, the held connections go through, as SYNs retried across a healed network do.
"""

import contextlib
import queue
import socket
import struct
import threading
import time

CHUNK = 65536


class _Link:
    """One client connection and its upstream connection, with a pump each way."""

    def __init__(self, proxy, client: socket.socket):
        self.proxy, self.client, self.upstream = proxy, client, None
        self.closed = threading.Event()
        self.answer_lost = False

    def run(self):
        proxy = self.proxy
        proxy._flowing.wait()  # a partition holds a new connection here, unanswered
        if self.closed.is_set():
            return
        try:
            self.upstream = socket.create_connection(proxy.upstream, timeout=5)
            self.upstream.settimeout(None)
        except OSError:
            self.reset()
            return
        threading.Thread(target=self._pump, args=(self.client, self.upstream, False), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.upstream, self.client, True), daemon=True).start()

    def _pump(self, source, target, downstream: bool):
        late = queue.SimpleQueue() if downstream else None  # (due, bytes): the latency's sender reads it
        if late is not None:
            threading.Thread(target=self._send_late, args=(late, target), daemon=True).start()
        try:
            while not self.closed.is_set():
                data = source.recv(CHUNK)
                if not data:
                    break
                if late is not None:
                    if self.answer_lost:  # upstream acted on the marked bytes and answered: now the cut
                        break
                    late.put((time.monotonic() + self.proxy.latency, data))
                    continue
                trigger = self.proxy._trigger
                if trigger is not None and trigger[0] in data:
                    self.proxy._trigger = None
                    self.proxy.triggered.set()
                    if trigger[1]:  # before it reaches upstream
                        break
                    # After: upstream must get and act on it (a reset sent at once could make its
                    # kernel drop the unread bytes), so the cut waits for upstream's answer.
                    self.answer_lost = True
                target.sendall(data)
        except OSError:
            pass
        if late is not None:
            late.put((0.0, b""))  # the sender hands on what came before, then resets
            return
        self.reset()

    def _send_late(self, late, target):
        """Each chunk from upstream at its due time (in order; the delays do not add up)."""
        try:
            while not self.closed.is_set():
                due, data = late.get()
                if not data:
                    break
                wait = due - time.monotonic()
                if wait > 0 and self.closed.wait(wait):
                    return
                target.sendall(data)
        except OSError:
            pass
        self.reset()

    def reset(self):
        """Both sides reset (RST, not FIN): the peers see the connection broken, not ended."""
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.upstream):
            if sock is None:
                continue
            # Linger 0 makes close() send RST; SHUT_RD first wakes the pump blocked in recv() on it
            # (a close alone would wait for that recv to return).
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RD)
            with contextlib.suppress(OSError):
                sock.close()
        self.proxy._forget(self)


class FaultProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.latency = 0.0
        self.triggered = threading.Event()
        self._trigger = None
        self._links: set[_Link] = set()
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self._heal_timer = None
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.partitioned_at = self.healed_at = None

    def start(self) -> "FaultProxy":
        self._server.listen(128)
        threading.Thread(target=self._accept, name=f"fault-proxy-{self.port}", daemon=True).start()
        return self

    def _accept(self):
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed
            link = _Link(self, client)
            with self._lock:
                self._links.add(link)
            threading.Thread(target=link.run, daemon=True).start()

    def _forget(self, link):
        with self._lock:
            self._links.discard(link)

    def url(self, url: str) -> str:
        """``url`` (postgresql://user@host:port/db or redis://host:port/n) pointed at this proxy."""
        scheme, rest = url.split("://", 1)
        userinfo, _, hostpart = rest.rpartition("@")
        _, _, path = hostpart.partition("/")
        return f"{scheme}://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}/{path}"

    # --- faults ------------------------------------------------------------------------
    def cut(self) -> int:
        """Reset every open connection now; how many there were."""
        with self._lock:
            links = list(self._links)
        for link in links:
            link.reset()
        return len(links)

    def cut_when(self, marker: bytes, *, before: bool) -> None:
        """Reset the first connection whose client sends ``marker`` (e.g. b"COMMIT\\x00"), either
        before those bytes reach upstream or right after (then upstream acts on them, but its answer
        never comes back)."""
        self.triggered.clear()
        self._trigger = (marker, before)

    def partition(self, seconds: float | None = None) -> None:
        """Start a partition; it ends after ``seconds`` (or at ``heal()``)."""
        self._flowing.clear()
        self.partitioned_at, self.healed_at = time.monotonic(), None
        self.cut()
        if seconds is not None:
            self._heal_timer = threading.Timer(seconds, self.heal)
            self._heal_timer.daemon = True
            self._heal_timer.start()

    def heal(self) -> None:
        if self._heal_timer is not None:
            self._heal_timer.cancel()
            self._heal_timer = None
        if not self._flowing.is_set():
            self.healed_at = time.monotonic()
            self._flowing.set()

    @property
    def partitioned(self) -> bool:
        return not self._flowing.is_set()

    def clear(self) -> None:
        """No more faults: no latency, no trigger, the partition healed."""
        self.latency, self._trigger = 0.0, None
        self.heal()

    def close(self) -> None:
        self.clear()
        self._server.close()
        self.cut()
