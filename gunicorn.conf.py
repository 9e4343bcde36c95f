"""gunicorn settings for fieldapp (read by `make run` and the Procfile's web process).

Worker class: gthread. Each worker process runs THREADS threads; a request holds one thread.
Live updates are Server-Sent Events (fieldapp.live): an open stream also holds a thread, so a
worker lets at most LIVE_MAX_STREAMS (default 8) of its 16 threads stream at once; the rest stay
free for ordinary requests, and a phone that finds no free stream slot polls /events/poll instead.
Streams close after 5 minutes and the browser reconnects with Last-Event-ID (nothing is missed).

Why not gevent: psycopg 3 and the rest of the stack would need monkey-patching everywhere for a
gain we do not need at a co-responder program's scale (tens of phones, a few dispatch screens).
Sizing: 2 workers x 16 threads serve 16 streaming devices and 16 concurrent requests per host;
scale WEB_CONCURRENCY with cores, and hosts behind the proxy (REDIS_URL fans events out).
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
