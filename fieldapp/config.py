"""Configuration from environment variables (documented in ``.env.example``)."""

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app."""


def normalize_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` URLs hosting platforms hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret(instance_path: str) -> str:
    """A per-checkout secret for the embedded demo, kept under ``instance/``."""
    path = Path(instance_path) / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: str) -> dict:
    env = os.environ.get("FIELDAPP_ENV", "production").strip().lower()
    development = env == "development"
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if not development:
            raise ConfigError(
                "SECRET_KEY is not set. Production refuses to start without it; "
                "set FIELDAPP_ENV=development only for the local demo."
            )
        secret = _dev_secret(instance_path)
    default_db = "sqlite:///" + str(Path(instance_path) / "fieldapp.db")
    return {
        "FIELDAPP_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(os.environ.get("DATABASE_URL", default_db)),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "LIVE_CHANNEL": os.environ.get("LIVE_CHANNEL", "fieldapp:live:events"),
        "FIELDAPP_TIMEZONE": os.environ.get("FIELDAPP_TIMEZONE", "America/New_York"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not development),
        "PREFERRED_URL_SCHEME": "http" if development else "https",
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", "0" if development else "1")),
        # Half of each worker's threads may hold live streams (gunicorn.conf.py explains).
        "LIVE_MAX_STREAMS": int(os.environ.get("LIVE_MAX_STREAMS")
                                or max(1, int(os.environ.get("GUNICORN_THREADS", "16")) // 2)),
    }


DEFAULTS = {
    "FIELDAPP_TIMEZONE": "America/New_York",
    "REDIS_URL": None,
    "SESSION_COOKIE_SECURE": True,
    "PROXY_FIX_HOPS": 0,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "fieldapp_session",
    "REMEMBER_COOKIE_DURATION": 0,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the (30 min idle / 12 h) session
    "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
    # Security numbers (CJIS Security Policy v6.0, OWASP ASVS L2).
    "MAX_FAILED_LOGINS": 5,
    "LOCKOUT_MINUTES": 10,
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    "API_TOKEN_HOURS": 12,
    # Days a referral may stay open before it shows as overdue.
    "REFERRAL_FOLLOW_THROUGH_DAYS": 7,
    # Live updates (fieldapp.live): streams per worker process, their lifetime, and how often a
    # stream looks at the event table when no Redis wakes it across processes.
    "LIVE_MAX_STREAMS": 8,
    "LIVE_STREAM_SECONDS": 300,
    "LIVE_POLL_SECONDS": 1.0,
    "LIVE_HEARTBEAT_SECONDS": 5.0,  # also how soon a closed connection frees its thread
    # With Redis: the channel events travel on (one per deployment), and how often each process
    # still reads the table in case Redis dropped a message.
    "LIVE_CHANNEL": "fieldapp:live:events",
    "LIVE_SAFETY_SECONDS": 10.0,
    # The async live process (fieldapp.live.server): its heartbeat, how often it checks that each
    # stream's session is still valid (sign-out, revocation, idle timeout), and its ceiling.
    "LIVE_ASYNC_HEARTBEAT_SECONDS": 20.0,
    "LIVE_AUTH_CHECK_SECONDS": 60.0,
    "LIVE_MAX_CONNECTIONS": 5000,
    "LIVE_THREADS": 12,
    # flask-smorest / OpenAPI
    "API_TITLE": "fieldapp API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_REDOC_PATH": "docs",
    "OPENAPI_REDOC_URL": "/static/vendor/redoc/redoc.standalone.js",
}
