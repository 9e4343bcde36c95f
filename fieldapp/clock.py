"""The agency's clock: the only place that knows the agency's time zone and the test clock.

Times are stored as timezone-aware UTC and shown, typed and counted in the agency's zone (the
``FIELDAPP_TIMEZONE`` setting, an IANA name such as ``America/New_York``). ``utcnow`` is the one
"now" of the app: inside ``clock_at`` (``flask seed-demo`` writes its history this way) it is the
moment given, and ``now``, ``today`` and every default built on them follow it.

Functions taking ``tz`` accept a zone name for code that carries it as text (the metrics'
roll-ups, the exports, SQLite's SQL functions, jobs without an app context); without one they use
the agency's setting, which needs an app context.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from flask import current_app

INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # an HTML datetime-local value

_CLOCK: ContextVar[datetime | None] = ContextVar("fieldapp_clock", default=None)


def utcnow() -> datetime:
    """Now (UTC); inside ``clock_at``, the moment it was given."""
    return _CLOCK.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Run the services as of a past moment (``flask seed-demo`` writes its history this way)."""
    token = _CLOCK.set(moment)
    try:
        yield
    finally:
        _CLOCK.reset(token)


def zone_name(app=None) -> str:
    """The agency's zone name (``FIELDAPP_TIMEZONE``) of ``app`` (by default the current one), for
    code that passes it on as text."""
    return (app or current_app).config["FIELDAPP_TIMEZONE"]


@cache
def _zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(name: str | None = None) -> ZoneInfo:
    """The zone called ``name``, by default the agency's; one ``ZoneInfo`` per name."""
    return _zone_named(name or zone_name())


def now(tz: str | None = None) -> datetime:
    """Now in the agency's zone (or ``tz``), following ``clock_at``."""
    return utcnow().astimezone(zone(tz))


def today(tz: str | None = None) -> date:
    """Today's date in the agency's zone (or ``tz``), following ``clock_at``."""
    return now(tz).date()


def to_local(moment: datetime, tz: str | None = None) -> datetime:
    """An aware moment in the agency's zone (or ``tz``)."""
    return moment.astimezone(zone(tz))


def local_time(day: date, at: time = time(0), tz: str | None = None) -> datetime:
    """The aware local moment of the wall-clock time ``at`` on ``day`` in the agency's zone (or
    ``tz``). A time skipped or repeated by a daylight-saving change takes the offset in force
    before the change (``fold=0``), as ``datetime.combine`` does."""
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone(tz))


def local_midnight(day: date, tz: str | None = None) -> datetime:
    """The UTC instant at which ``day`` starts in the agency's zone (or ``tz``)."""
    return local_time(day, time(0), tz).astimezone(UTC)


def from_input(text: str) -> str:
    """A datetime-local value ("2026-11-27T09:00") as ISO 8601 in the agency's zone; a value with
    an offset as given; other text passed on for the schema to refuse."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    return moment.isoformat()


def to_input(moment: datetime) -> str:
    """A moment as a datetime-local value in the agency's zone ("2026-11-27T09:00")."""
    return to_local(moment).strftime(INPUT_FORMAT)


def format_local(moment: datetime | None, fmt: str = "%H:%M") -> str:
    """A moment as text in the agency's zone (templates' ``localtime``). A time stored before the
    input rules (year 1, say) cannot be moved into the zone: it is shown as stored, in UTC."""
    if moment is None:
        return ""
    try:
        return to_local(moment).strftime(fmt)
    except (OverflowError, ValueError):
        return moment.strftime("%Y-%m-%d %H:%M UTC")


def local_iso(moment: datetime | None, tz: str | None = None) -> str | None:
    """A moment as ISO 8601 in the agency's zone (or ``tz``) to the second, with that moment's
    offset: ``2026-03-01T14:05:00-05:00``. A naive moment is taken as UTC (SQLite stores UTC). The
    exports' SQL spelling of it is ``fieldapp.metrics.sql.iso_local``."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return to_local(aware, tz).replace(microsecond=0).isoformat()
