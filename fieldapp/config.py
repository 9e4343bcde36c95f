"""Configuration from environment variables (documented in ``.env.example``)."""

import json
import os
import secrets
from pathlib import Path

from flask_babel import lazy_gettext as _l
from limits import parse_many

from fieldapp.calls.constants import OPEN
from fieldapp.crypto import parse_keys
from fieldapp.database import normalize_database_url
from fieldapp.push import keys
from fieldapp.roles import ROLES

# CJIS Security Policy v6.0 5.5.4 (system use notification): shown before anyone signs in, in the reader's
# language (a lazy string); an agency's own LOGIN_BANNER is shown as the agency wrote it.
LOGIN_BANNER = _l("You are accessing a restricted information system of a criminal-justice and health "
                  "agency. Use is limited to authorized users for official purposes. Activity on this "
                  "system is monitored, recorded and subject to audit; using it means you consent to "
                  "this. Unauthorized use is prohibited and may be subject to criminal and civil penalties.")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _json_object(name: str) -> dict:
    value = os.environ.get(name, "").strip()
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{name} is not valid JSON: {error}") from None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
        raise ConfigError(f'{name} must be a JSON object of strings, e.g. {{"Mental Health Care": "mental_health"}}')
    return parsed
def _roles(name: str, default: tuple) -> tuple:
    """A comma-separated list of role names; empty means none, unknown names refuse to start."""
    value = os.environ.get(name)
    if value is None:
        return default
    roles = tuple(role.strip() for role in value.split(",") if role.strip())
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ConfigError(f"{name} names unknown roles: {', '.join(unknown)} (known: {', '.join(ROLES)}).")
    return roles


def _rate(name: str, default: str) -> str:
    """A Flask-Limiter rate such as "10 per 10 minutes"; a wrong one refuses to start."""
    value = os.environ.get(name, "").strip() or default
    try:
        parse_many(value)
    except ValueError as error:
        raise ConfigError(f"{name} is not a rate such as '10 per 10 minutes': {value!r}") from error
    return value


def _dev_secret(instance_path: str) -> str:
    """A per-checkout secret for the embedded demo, kept under ``instance/``."""
    path = Path(instance_path) / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _encryption_key(development: bool) -> str | None:
    """FIELD_ENCRYPTION_KEY (fieldapp.crypto): required in production, checked at start."""
    value = (os.environ.get("FIELD_ENCRYPTION_KEY") or "").strip()
    if not value:
        if not development:
            raise ConfigError("FIELD_ENCRYPTION_KEY is not set. Production refuses to start without it: "
                              "`flask --app fieldapp mfa new-key` makes one (TOTP secrets are encrypted under it).")
        return None  # the demo: a key derived from SECRET_KEY
    try:
        parse_keys(value)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    return value


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
        "FIELD_ENCRYPTION_KEY": _encryption_key(development),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(os.environ.get("DATABASE_URL", default_db)),
        # The owner's connection, for the retention commands (fieldapp.dbroles); never the web app's.
        "DATABASE_OWNER_URL": os.environ.get("DATABASE_OWNER_URL") or None,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # "transaction": PostgreSQL is reached through PgBouncer in transaction mode (no session state).
        "DATABASE_POOLER": os.environ.get("DATABASE_POOLER", "").strip().lower() or None,
        # Sign-in throttling counts shared by every worker when Redis is there.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "LOGIN_LIMIT_PER_ADDRESS": _rate("LOGIN_LIMIT_PER_ADDRESS", DEFAULTS["LOGIN_LIMIT_PER_ADDRESS"]),
        "LOGIN_LIMIT_PER_ACCOUNT": _rate("LOGIN_LIMIT_PER_ACCOUNT", DEFAULTS["LOGIN_LIMIT_PER_ACCOUNT"]),
        # Roles that must sign in with a second factor: every role in production, none in the demo.
        "MFA_REQUIRED_ROLES": _roles("MFA_REQUIRED_ROLES", () if development else ROLES),
        "LOGIN_BANNER": os.environ.get("LOGIN_BANNER", "").strip() or LOGIN_BANNER,
        "LIVE_CHANNEL": os.environ.get("LIVE_CHANNEL", "fieldapp:live:events"),
        "FIELDAPP_TIMEZONE": os.environ.get("FIELDAPP_TIMEZONE", "America/New_York"),
        **_language_settings(),
        # The call page's Navigate link: {address} becomes the URL-encoded address.
        "MAP_URL_TEMPLATE": os.environ.get("MAP_URL_TEMPLATE", "").strip() or "geo:0,0?q={address}",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not development),
        "PREFERRED_URL_SCHEME": "http" if development else "https",
        # X-Forwarded-For/-Proto are trusted only when this says how many proxies set them.
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", "0")),
        "LIVE_EVENTS_KEEP_HOURS": int(os.environ.get("LIVE_EVENTS_KEEP_HOURS", "24")),
        "SESSION_IDLE_MINUTES": _idle_minutes(),
        "HSDS_CATEGORY_MAP": _json_object("HSDS_CATEGORY_MAP"),
        # Half of each worker's threads may hold live streams (gunicorn.conf.py explains).
        "LIVE_MAX_STREAMS": int(os.environ.get("LIVE_MAX_STREAMS")
                                or max(1, int(os.environ.get("GUNICORN_THREADS", "16")) // 2)),
        "BOARD_STATUS_THRESHOLDS": _board_thresholds(),
        # billing (issue 21): the folder of state billing profiles (default: the repository's billing_profiles/).
        "BILLING_PROFILES_DIR": os.environ.get("BILLING_PROFILES_DIR", "").strip() or None,
        # issue 24: no request waits on an unreachable database longer than these (seconds; 0: no limit).
        "DATABASE_CONNECT_TIMEOUT": float(os.environ.get("DATABASE_CONNECT_TIMEOUT")
                                          or DEFAULTS["DATABASE_CONNECT_TIMEOUT"]),
        "DATABASE_STATEMENT_TIMEOUT": float(os.environ.get("DATABASE_STATEMENT_TIMEOUT")
                                            or DEFAULTS["DATABASE_STATEMENT_TIMEOUT"]),
        # issue 24: records per POST /api/v1/sync, told to the outbox by GET /session/csrf (1-100).
        "SYNC_BATCH": _number("SYNC_BATCH", 1, 100),
        **_integration_settings(),
        **_program_settings(),
        **_push_settings(instance_path, development),
        **_sign_in_settings(),
        **_zone_settings(),
        **_map_settings(),
    }


def _map_settings() -> dict:
    """Unit positions and the map (issue 20): retention, tiles, ETAs, routing, sharing while available."""
    return {"POSITION_RETENTION_DAYS": _number("POSITION_RETENTION_DAYS", 1, 3650),
            "ETA_SPEED_KMH": _number("ETA_SPEED_KMH", 1, 300, float),
            "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", "").strip() or None,
            "MAP_ATTRIBUTION": os.environ.get("MAP_ATTRIBUTION", "").strip(),
            "ROUTING_URL": os.environ.get("ROUTING_URL", "").strip().rstrip("/") or None,
            "SHARE_POSITION_WHEN_AVAILABLE": _bool("SHARE_POSITION_WHEN_AVAILABLE", False)}
def _number(name: str, low, high, kind=int):
    """A number setting from the environment (``kind`` int or float), else its default in DEFAULTS;
    refused with the setting's name when it is not a number or not from ``low`` to ``high``."""
    value = os.environ.get(name, "").strip()
    try:
        parsed = kind(value) if value else DEFAULTS[name]
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}.") from None
    if not low <= parsed <= high:
        raise ConfigError(f"{name} must be from {low} to {high}.")
    return parsed


def _idle_minutes() -> float:
    """SESSION_IDLE_MINUTES: the idle lock (CJIS Security Policy 5.5.5: at most 30). A fraction of a
    minute is allowed, for tests."""
    value = os.environ.get("SESSION_IDLE_MINUTES", "").strip()
    try:
        minutes = float(value) if value else DEFAULTS["SESSION_IDLE_MINUTES"]
    except ValueError:
        raise ConfigError(f"SESSION_IDLE_MINUTES must be a number of minutes, not {value!r}.") from None
    if not 0 < minutes <= 24 * 60:
        raise ConfigError("SESSION_IDLE_MINUTES must be more than 0 and at most 1440 (CJIS: at most 30).")
    return minutes


def _board_thresholds() -> dict:
    """BOARD_STATUS_THRESHOLDS: minutes a call may stay in a status before the board colours it,
    as STATUS=MINUTES,... on top of the defaults (0 turns a status's colour off)."""
    thresholds = dict(DEFAULTS["BOARD_STATUS_THRESHOLDS"])
    value = os.environ.get("BOARD_STATUS_THRESHOLDS", "").strip()
    for pair in filter(None, (part.strip() for part in value.split(","))):
        status, _, minutes = pair.partition("=")
        status = status.strip()
        if status not in OPEN or not minutes.strip().isdigit():
            raise ConfigError(f"BOARD_STATUS_THRESHOLDS must read STATUS=MINUTES,... with statuses from "
                              f"{', '.join(OPEN)}; got {pair!r}.")
        thresholds[status] = int(minutes)
    return thresholds

def _language_settings() -> dict:
    """DEFAULT_LOCALE and TIME_FORMAT_24H (fieldapp.i18n, README "Languages")."""
    locale = os.environ.get("DEFAULT_LOCALE", "").strip() or DEFAULTS["DEFAULT_LOCALE"]
    if locale not in ("en", "es"):
        raise ConfigError(f"DEFAULT_LOCALE must be one of en, es (fieldapp's catalogues), not {locale!r}.")
    hours = os.environ.get("TIME_FORMAT_24H", "").strip()
    return {"DEFAULT_LOCALE": locale, "TIME_FORMAT_24H": _bool("TIME_FORMAT_24H", False) if hours else None}


def _program_settings() -> dict:
    """fields (issue 11): the districts a call may be placed in, and the cost of a unit-hour."""
    districts = tuple(name.strip() for name in os.environ.get("DISTRICTS", "").split(",") if name.strip())
    if any(len(name) > 40 for name in districts) or len(set(districts)) != len(districts):
        raise ConfigError("DISTRICTS must be distinct names of at most 40 characters, comma-separated.")
    cost = os.environ.get("COST_PER_UNIT_HOUR", "").strip()
    try:
        cost_value = float(cost) if cost else None
    except ValueError:
        raise ConfigError(f"COST_PER_UNIT_HOUR must be a number (e.g. 95.50), not {cost!r}.") from None
    if cost_value is not None and not 0 <= cost_value < 100000:
        raise ConfigError("COST_PER_UNIT_HOUR must be from 0 to 100000.")
    return {"DISTRICTS": districts, "COST_PER_UNIT_HOUR": cost_value}


def _zone_settings() -> dict:
    """issue 20: the response target outside every zone, the zones file's size and the geocoder."""
    kind = os.environ.get("GEOCODER_KIND", "").strip().lower()
    if kind not in ("", "nominatim", "pelias"):
        raise ConfigError(f"GEOCODER_KIND must be nominatim or pelias (or empty: told by the answer), not {kind!r}.")
    return {"RESPONSE_TARGET_MINUTES": _number("RESPONSE_TARGET_MINUTES", 1, 1440),
            "ZONES_MAX_BYTES": _number("ZONES_MAX_BYTES", 1024, 16 * 1024 * 1024),
            "GEOCODER_URL": os.environ.get("GEOCODER_URL", "").strip() or None,
            "GEOCODER_KIND": kind or None,
            "GEOCODER_CACHE_DAYS": _number("GEOCODER_CACHE_DAYS", 1, 3650),
            "GEOCODER_TIMEOUT_SECONDS": _number("GEOCODER_TIMEOUT_SECONDS", 0.5, 60, float),
            "GEOCODER_USER_AGENT": os.environ.get("GEOCODER_USER_AGENT", "").strip() or DEFAULTS["GEOCODER_USER_AGENT"]}


def _integration_settings() -> dict:
    """The job queue, webhooks to CAD and EIDO intake (README: "Integrations")."""
    settings = {"JOBS_SWEEP_SECONDS": float(os.environ.get("JOBS_SWEEP_SECONDS", "15")),
                "WEBHOOK_ALLOW_INSECURE_URLS": _bool("WEBHOOK_ALLOW_INSECURE_URLS", False)}
    mapping = os.environ.get("EIDO_INCIDENT_TYPE_MAP", "").strip()
    if mapping:  # CODE=TYPE,CODE=TYPE, e.g. "10-101=DISTURB,PSYCH=MNTL"
        pairs = [pair.partition("=") for pair in mapping.split(",")]
        if any(not code.strip() or not call_type.strip() for code, _, call_type in pairs):
            raise ConfigError("EIDO_INCIDENT_TYPE_MAP must read CODE=TYPE,CODE=TYPE.")
        settings["EIDO_INCIDENT_TYPE_MAP"] = {code.strip().upper(): call_type.strip().upper()
                                              for code, _, call_type in pairs}
    return settings


def _push_settings(instance_path: str, development: bool) -> dict:
    """Web Push (docs/push.md): the VAPID key and contact; the demo makes its own key."""
    try:
        settings = keys.settings(instance_path, development=development)
    except keys.VapidSettingError as error:
        raise ConfigError(str(error)) from None
    settings["WEB_PUSH_ALLOW_INSECURE_ENDPOINTS"] = _bool("WEB_PUSH_ALLOW_INSECURE_ENDPOINTS", False)
    return settings


def _sign_in_settings() -> dict:
    """Single sign-on (OpenID Connect) and passkeys (README "Single sign-on and passkeys")."""
    role_map = _json_object("OIDC_ROLE_MAP")
    unknown = sorted(set(role_map.values()) - set(ROLES))
    if unknown:
        raise ConfigError(f"OIDC_ROLE_MAP names unknown roles: {', '.join(unknown)} (known: {', '.join(ROLES)}).")
    amr = os.environ.get("OIDC_MFA_AMR", "").strip()
    try:
        methods = json.loads(amr) if amr.startswith("[") else [m.strip() for m in amr.split(",") if m.strip()]
    except json.JSONDecodeError as error:
        raise ConfigError(f"OIDC_MFA_AMR is not valid JSON: {error}") from None
    if not isinstance(methods, list) or not all(isinstance(m, str) for m in methods):
        raise ConfigError('OIDC_MFA_AMR must be a JSON list of strings, e.g. ["mfa", "otp", "hwk", "swk"].')
    text = {name: os.environ.get(name, "").strip() or DEFAULTS[name]
            for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_DISPLAY_NAME", "OIDC_ROLE_CLAIM",
                         "OIDC_SCOPES", "WEBAUTHN_RP_ID", "WEBAUTHN_ORIGIN", "WEBAUTHN_RP_NAME")}
    return {**text, "OIDC_ROLE_MAP": role_map, "OIDC_CREATE_USERS": _bool("OIDC_CREATE_USERS", False),
            "OIDC_MFA_AMR": tuple(methods) if amr else DEFAULTS["OIDC_MFA_AMR"],
            "OIDC_CHECK_SECONDS": float(os.environ.get("OIDC_CHECK_SECONDS") or DEFAULTS["OIDC_CHECK_SECONDS"])}


DEFAULTS = {
    # Single sign-on (fieldapp.accounts.oidc): off until OIDC_ISSUER and OIDC_CLIENT_ID are set.
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_DISPLAY_NAME": "Sign in with your agency account",
    "OIDC_SCOPES": "openid email profile",
    "OIDC_ROLE_CLAIM": "groups",
    "OIDC_ROLE_MAP": {},
    "OIDC_CREATE_USERS": False,
    # RFC 8176 methods that show the provider asked for a second factor (then fieldapp's is not asked).
    "OIDC_MFA_AMR": ("mfa", "otp", "hwk", "swk"),
    "OIDC_CHECK_SECONDS": 120.0,  # how often the provider is asked whether a signed-in user is still enabled
    # Passkeys (fieldapp.mfa.passkeys): the request's host and origin unless set.
    "WEBAUTHN_RP_ID": None,
    "WEBAUTHN_ORIGIN": None,
    "WEBAUTHN_RP_NAME": "fieldapp",
    "FIELDAPP_TIMEZONE": "America/New_York",
    # The language (fieldapp.i18n) of a user who chose none and whose browser asks for none fieldapp
    # speaks; whether times read 17:25 (True), 5:25 PM (False) or as the user's locale writes them (None).
    "DEFAULT_LOCALE": "en",
    "TIME_FORMAT_24H": None,
    "MAP_URL_TEMPLATE": "geo:0,0?q={address}",
    "REDIS_URL": None,
    "DATABASE_OWNER_URL": None,
    "DATABASE_POOLER": None,
    # Retention: audit rows are kept at least a year (CJIS Security Policy 5.4.7; `audit prune`
    # refuses anything younger); live events are only for streams catching up, so a day is plenty.
    "LIVE_EVENTS_KEEP_HOURS": 24,
    "SESSION_COOKIE_SECURE": True,
    "PROXY_FIX_HOPS": 0,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "DATABASE_CONNECT_TIMEOUT": 5.0,  # connecting, and data unacknowledged on an open connection (PostgreSQL)
    # PostgreSQL's statement_timeout for the app's connections; 0 (the default): none, since an export
    # streams from one statement for as long as it takes and `flask metrics rebuild` reads years.
    "DATABASE_STATEMENT_TIMEOUT": 0.0,
    "SYNC_BATCH": 100,  # records per POST /api/v1/sync (at most fieldapp.sync.schemas.MAX_RECORDS)
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "fieldapp_session",
    "REMEMBER_COOKIE_DURATION": 0,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the (30 min idle / 12 h) session
    "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
    # Security numbers (CJIS Security Policy v6.0, OWASP ASVS L2).
    "MAX_FAILED_LOGINS": 5,
    "LOCKOUT_MINUTES": 10,
    # Second factor (fieldapp.mfa): which roles must use it (production default: every role, see
    # from_environment), how long the code step of the login page waits, how many recovery codes.
    "MFA_REQUIRED_ROLES": (),
    "MFA_ISSUER": "fieldapp",
    "MFA_CHALLENGE_MINUTES": 5,
    "MFA_RECOVERY_CODES": 10,
    # A browser that signed in with the second factor may still try while the account is locked,
    # under its own 5-failure count, for this many days after its last sign-in.
    "KNOWN_DEVICE_DAYS": 90,
    "LOGIN_BANNER": LOGIN_BANNER,
    # Failed sign-ins allowed per client address and per username (Flask-Limiter notation); only
    # failures count, so a busy station behind one address is not stopped by its own sign-ins.
    "LOGIN_LIMIT_PER_ADDRESS": "50 per 10 minutes",
    "LOGIN_LIMIT_PER_ACCOUNT": "10 per 10 minutes",
    "RATELIMIT_STORAGE_URI": "memory://",
    "FIELD_ENCRYPTION_KEY": None,  # fieldapp.crypto; None (tests, demo): derived from SECRET_KEY
    "RATELIMIT_KEY_PREFIX": "fieldapp-login",
    "RATELIMIT_STRATEGY": "fixed-window",  # accounts.throttle gives reservations back on this window
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,  # a Redis outage must not stop sign-in: fall back to memory
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "SESSION_IDLE_MINUTES": 30,  # the idle lock (fieldapp.accounts.session_lock), CJIS 5.5.5
    "SESSION_ABSOLUTE_HOURS": 12,
    "API_TOKEN_HOURS": 12,
    # Days a referral may stay open before it shows as overdue.
    "REFERRAL_FOLLOW_THROUGH_DAYS": 7,
    # HSDS import: taxonomy term (code, name or "taxonomy:code") -> directory category, on top of
    # fieldapp.integrations.hsds.mapping.DEFAULT_TERMS.
    "HSDS_CATEGORY_MAP": {},
    # Live updates (fieldapp.live): streams per worker process, their lifetime, and how often a
    # stream looks at the event table when no Redis wakes it across processes.
    "LIVE_MAX_STREAMS": 8,
    "LIVE_STREAM_SECONDS": 300,
    "LIVE_POLL_SECONDS": 1.0,
    "LIVE_HEARTBEAT_SECONDS": 5.0,  # also how soon a closed connection frees its thread
    # The job queue and integrations (fieldapp.jobs, fieldapp.integrations; README "Integrations").
    "JOBS_SWEEP_SECONDS": 15.0,
    "WEBHOOK_ALLOW_INSECURE_URLS": False,  # tests only: http and loopback webhook URLs
    "WEBHOOK_TIMEOUT_SECONDS": 10.0,
    "WEBHOOK_MAX_ATTEMPTS": 12,  # then the delivery is 'failed' until an admin retries it
    "WEBHOOK_TOLERANCE_SECONDS": 300,  # documented to receivers: refuse older signatures
    "EIDO_MAX_BYTES": 512 * 1024,
    # Web Push (fieldapp.push, docs/push.md): off without a key.
    "VAPID_PRIVATE_KEY": None,
    "VAPID_SUBJECT": None,
    "WEB_PUSH_ALLOW_INSECURE_ENDPOINTS": False,  # tests only: http and loopback push endpoints
    "WEB_PUSH_TIMEOUT_SECONDS": 10.0,
    "WEB_PUSH_MAX_ATTEMPTS": 6,  # then the message is 'failed' (its 10-minute TTL is past by then anyway)
    "EIDO_INCIDENT_TYPE_MAP": {},  # agency-internal incident codes -> fieldapp call types
    # fields (issue 11): districts or beats a call may be placed in (empty: calls carry none), and what
    # one unit-hour costs the program, for the estimated cost per call (as Denver STAR publishes it).
    "DISTRICTS": (),
    "COST_PER_UNIT_HOUR": None,
    # With Redis: the channel events travel on (one per deployment), and how often each process
    # still reads the table in case Redis dropped a message.
    "LIVE_CHANNEL": "fieldapp:live:events",
    "LIVE_SAFETY_SECONDS": 10.0,
    "LIVE_REDIS_RETRY_SECONDS": 2.0,  # Redis lost: how often to try it again (the table is read meanwhile)
    # The async live process (fieldapp.live.server): its heartbeat, how often it checks that each
    # stream's session is still valid (sign-out, revocation, idle timeout), and its ceiling.
    "LIVE_ASYNC_HEARTBEAT_SECONDS": 20.0,
    "LIVE_AUTH_CHECK_SECONDS": 60.0,
    "LIVE_MAX_CONNECTIONS": 5000,
    "LIVE_THREADS": 12,
    # The board colours a call once it has been this many minutes in its status (amber), and red at
    # twice as long: a pending call waits for a unit, an assigned one for the crew's acknowledgement.
    "BOARD_STATUS_THRESHOLDS": {"pending": 2, "assigned": 2, "acknowledged": 5, "en_route": 20,
                                "on_scene": 60, "transporting": 45},
    # issue 20: a call outside every zone (or in one without a target for its priority) must have a unit
    # on scene within this many minutes; the zones file's size; the geocoder (off without a URL).
    "RESPONSE_TARGET_MINUTES": 30,
    "ZONES_MAX_BYTES": 1024 * 1024,
    "GEOCODER_URL": None,
    "GEOCODER_KIND": None,  # nominatim | pelias; None: told by the answer's shape
    "GEOCODER_CACHE_DAYS": 30,
    "GEOCODER_TIMEOUT_SECONDS": 5.0,
    "GEOCODER_USER_AGENT": "fieldapp geocoding",  # Nominatim's usage policy asks for an identifying agent
    # flask-smorest / OpenAPI
    "API_TITLE": "fieldapp API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_REDOC_PATH": "docs",
    "OPENAPI_REDOC_URL": "/static/vendor/redoc/redoc.standalone.js",
    # Unit positions and the map (issue 20, fieldapp.positions): history kept this many days; ETAs at
    # this speed (or from an OSRM-compatible ROUTING_URL); tiles only when MAP_TILE_URL is set.
    "POSITION_RETENTION_DAYS": 30,
    "ETA_SPEED_KMH": 40.0,
    "MAP_TILE_URL": None,
    "MAP_ATTRIBUTION": "",
    "ROUTING_URL": None,
    "SHARE_POSITION_WHEN_AVAILABLE": False,
}
