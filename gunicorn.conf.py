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

import os

bind = os.environ.get("BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
timeout = 60  # a stream writes a heartbeat every 5 s, well inside this
graceful_timeout = 30
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
