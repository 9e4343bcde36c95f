"""gunicorn settings for fieldapp's web process (read by `make run` and the Procfile's `web:`).

Worker class: gthread. Each worker process runs THREADS threads; a request holds one thread.
Live updates (Server-Sent Events, `/events`) are served by the Procfile's `live:` process
(`python -m fieldapp.live`, aiohttp: one asyncio loop holds every stream of the host), which the
proxy in front routes `/events` to (deploy/haproxy.cfg, deploy/nginx.conf). So these threads serve
ordinary requests only, whatever the number of phones.

Without the live process (the embedded demo, `make run`), this server answers `/events` itself:
a stream then holds a thread, at most LIVE_MAX_STREAMS (default half of THREADS) per worker; a
phone that finds no free slot polls /events/poll. Streams close after 5 minutes and the browser
reconnects with Last-Event-ID (nothing is missed).

Why not gevent: psycopg 3 and the rest of the stack would need monkey-patching everywhere; the
streams, the only long-lived requests, live in their own async process instead.
Sizing: 2 workers x 16 threads per 2-core host; scale WEB_CONCURRENCY with cores, and hosts behind
the proxy (PostgreSQL and REDIS_URL are shared).
"""

import json
import os
from pathlib import Path

from gunicorn import util
from gunicorn.glogging import Logger

bind = os.environ.get("BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
timeout = 60  # a stream writes a heartbeat every 5 s, well inside this
graceful_timeout = 30
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's largest request line: the app's own limit (fieldapp.inputs.MAX_URL_LENGTH, 4096) is
# below it, so an over-long address normally gets the app's JSON 414.
limit_request_line = 8190

# What gunicorn refuses itself, before the app sees it (a request line over 8190 bytes, headers too
# large, a malformed request): answered in the app's one error shape, not gunicorn's HTML.
ERROR_CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "expectation_failed",
               431: "headers_too_large", 500: "internal_error", 501: "not_implemented"}


def write_json_error(sock, status_int, reason, mesg):
    body = json.dumps({"error": {"code": ERROR_CODES.get(status_int, "bad_request"),
                                 "message": f"{reason}: {mesg}"[:300], "fields": {}}})
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body.encode())}\r\n\r\n")
    util.write_nonblock(sock, (head + body).encode("latin-1", "replace"))


util.write_error = write_json_error  # gunicorn's workers call util.write_error for these refusals

# The access log: ACCESS_LOG=pages (default) logs one line per page view: a request the browser made to
# show a page (Sec-Fetch-Mode: navigate, a link followed or a form sent) or from a client that does not
# say (curl, an API client). Not static files, the service worker, the manifest or health checks, and
# not what a page's scripts fetch in the background: the live stream (/events), the pages kept ready
# for offline use (/session/offline-pages and the pages it lists), the outbox's sync; except when
# the server fails them (5xx). ACCESS_LOG=all logs every request; ACCESS_LOG=off none.
ACCESS_LOG = os.environ.get("ACCESS_LOG", "pages").strip().lower()
QUIET_PATHS = ("/static/", "/healthz", "/sw.js", "/manifest.webmanifest", "/favicon.ico", "/events")
accesslog = None if ACCESS_LOG == "off" else "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")


def page_view(path: str, environ: dict, status: str) -> bool:
    """Whether ACCESS_LOG=pages logs this request (see above)."""
    if str(status).startswith("5"):
        return True
    if path.startswith(QUIET_PATHS):
        return False
    mode = environ.get("HTTP_SEC_FETCH_MODE")
    return mode is None or mode == "navigate"


class AccessLogger(Logger):
    """gunicorn's logger with one line per page view unless ACCESS_LOG=all (``page_view``)."""

    def access(self, resp, req, environ, request_time):
        if ACCESS_LOG != "all" and not page_view(req.path, environ, resp.status):
            return
        super().access(resp, req, environ, request_time)


logger_class = AccessLogger


def when_ready(server):
    """`make run`: once the server listens, print the file FIELDAPP_BANNER names (the URL and the demo
    logins), so the last thing on the screen says where to go and how to sign in."""
    banner = os.environ.get("FIELDAPP_BANNER")
    if banner and Path(banner).is_file():
        print(Path(banner).read_text(), flush=True)
