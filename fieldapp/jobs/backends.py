"""The two queue backends: RQ on Redis, and a thread of the web process for the embedded demo."""

import logging
import queue
import threading
import time

from flask import Flask

from fieldapp.jobs.runner import run_in_app
from fieldapp.jobs.sweeps import run_sweeps

log = logging.getLogger(__name__)
QUEUE_NAME = "fieldapp"
DEDUPE_SECONDS = 600  # a dedupe key outlives a lost job by at most this long
_WAKE = (object(), (), None)  # not a job: wakes the thread's wait so that stop() need not wait it out


class RQBackend:
    """Jobs go to the RQ queue ``fieldapp``; ``flask --app fieldapp jobs worker`` runs them."""

    name = "rq"

    def __init__(self, redis_url: str, queue_name: str = QUEUE_NAME):
        # Optional at run time: Redis and RQ are used only when REDIS_URL is set.
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(redis_url)
        self.queue = Queue(queue_name, connection=self.connection)

    def _key(self, dedupe):
        return f"fieldapp:jobs:{self.queue.name}:waiting:{dedupe}"

    def enqueue(self, path, args, dedupe):
        if dedupe and not self.connection.set(self._key(dedupe), 1, nx=True, ex=DEDUPE_SECONDS):
            return
        try:
            self.queue.enqueue("fieldapp.jobs.runner.run_job", path, list(args), dedupe,
                               result_ttl=0, failure_ttl=7 * 86400)
        except Exception:
            if dedupe:
                self.release(dedupe)  # else no job could be enqueued for this key until it expires
            raise

    def release(self, dedupe):
        self.connection.delete(self._key(dedupe))

    def finish(self, timeout=120.0) -> bool:
        """Nothing to wait for here: the worker runs the jobs."""
        return True


class ThreadBackend:
    """No Redis (the embedded demo): one daemon thread of this process runs the jobs in order and the
    sweeps between them. Jobs waiting here are lost with the process; their rows are not, and the
    first sweep after a restart enqueues them again."""

    name = "thread"

    def __init__(self, app: Flask):
        self.app = app
        self.jobs = queue.Queue()
        self.waiting = set()
        self.lock = threading.Lock()
        self.thread = None
        self.last_sweep = 0.0
        self.stopping = threading.Event()

    def enqueue(self, path, args, dedupe):
        with self.lock:
            if dedupe:
                if dedupe in self.waiting:
                    return
                self.waiting.add(dedupe)
            self._start()
        self.jobs.put((path, tuple(args), dedupe))

    def release(self, dedupe):
        with self.lock:
            self.waiting.discard(dedupe)

    def ensure_started(self):
        """Start the thread (and so the sweeps) with the first request of the process, so rows left
        due by a restart are sent even before anything new is enqueued."""
        if self.thread is None:
            with self.lock:
                self._start()

    def _start(self):
        if self.thread is None or not self.thread.is_alive():  # the first job, or the first after finish()
            self.stopping.clear()
            self.thread = threading.Thread(target=self._loop, name="fieldapp-jobs", daemon=True)
            self.thread.start()

    def wait_idle(self, timeout=10.0) -> bool:
        """Block until every job enqueued so far has run (tests, and a clean shutdown)."""
        deadline = time.monotonic() + timeout
        while self.jobs.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.jobs.unfinished_tasks

    def finish(self, timeout=120.0) -> bool:
        """Let the jobs enqueued so far run, then stop the thread, so it holds no database connection when
        the process (a command, a test session) closes its engine. Returns whether they all ran."""
        idle = self.wait_idle(timeout)
        self.stop()
        return idle

    def stop(self, timeout=5.0):
        self.stopping.set()
        if self.thread is not None and self.thread.is_alive():
            self.jobs.put(_WAKE)  # the thread is waiting for a job: it wakes, sees ``stopping`` and ends
            self.thread.join(timeout)

    def _loop(self):
        while not self.stopping.is_set():
            every = self.app.config["JOBS_SWEEP_SECONDS"]
            try:
                path, args, dedupe = self.jobs.get(timeout=every)
            except queue.Empty:
                path = None
            if path is _WAKE[0]:
                self.jobs.task_done()
                continue
            if path is not None:
                if dedupe:
                    self.release(dedupe)
                try:
                    run_in_app(self.app, path, args)
                except Exception:  # noqa: BLE001 - the row stays due; the sweep retries it
                    log.exception("job %s failed", path)
                finally:
                    self.jobs.task_done()
            if time.monotonic() - self.last_sweep >= every:
                self.last_sweep = time.monotonic()
                run_sweeps(self.app)


def make_backend(app: Flask):
    url = app.config.get("REDIS_URL")
    if url:
        return RQBackend(url)
    backend = ThreadBackend(app)
    app.before_request(backend.ensure_started)  # no thread in CLI commands (migrations, the worker)
    return backend
