"""gunicorn settings for fieldapp (read by `make run` and the Procfile's web process).

gthread workers: each worker process serves WORKERS x THREADS requests at once, so a slow phone
on a bad connection holds a thread, not a whole process. Override with environment variables.
"""

import os

bind = os.environ.get("BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 60
graceful_timeout = 30
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
