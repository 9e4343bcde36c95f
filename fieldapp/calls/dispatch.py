"""The dispatchers' board: open calls in the order they need attention, time in status against the
agency's thresholds, the units to choose from, and the search of closed calls.

Reads only; assignment itself is ``calls.services.assign`` (the API uses the same rule).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from fieldapp.audit import services as audit
from fieldapp.calls import constants as c
from fieldapp.calls import response_clock
from fieldapp.calls.models import Call
from fieldapp.calls.services import address_key, board
from fieldapp.clock import local_midnight, utcnow
from fieldapp.extensions import db
from fieldapp.positions import ranking
from fieldapp.units import services as units

OK, WARN, ALERT = "ok", "warn", "alert"
SEARCH_PAGE_SIZE = 20


@dataclass
class BoardRow:
    call: Call
    since: datetime  # when the call entered its current status
    seconds: int  # time in the current status
    level: str  # OK, WARN (past the status's threshold) or ALERT (past twice the threshold)
    threshold_minutes: int | None
    clock: response_clock.ResponseClock  # received -> on scene against the zone's target (issue 20)

    @property
    def in_status(self) -> str:
        """'45 s', '12 min', '1 h 05 min'."""
        if self.seconds < 60:
            return _("%(seconds)s s", seconds=self.seconds)
        minutes = self.seconds // 60
        if minutes < 60:
            return _("%(minutes)s min", minutes=minutes)
        return _("%(hours)s h %(minutes)s min", hours=minutes // 60, minutes=format(minutes % 60, "02d"))

    @property
    def pending(self) -> bool:
        return self.call.status == c.PENDING

    @property
    def can_assign(self) -> bool:
        return self.call.status == c.PENDING or self.call.status in c.REASSIGNABLE


def status_since(call: Call) -> datetime:
    """When the call's current status began: the time of the last change the server received (the
    device's time for a unit's tap, which may have been made offline)."""
    return call.timeline[-1].recorded_at if call.timeline else call.received_at


def level_of(seconds: float, threshold_minutes: int | None) -> str:
    if not threshold_minutes:
        return OK
    if seconds >= 2 * threshold_minutes * 60:
        return ALERT
    return WARN if seconds >= threshold_minutes * 60 else OK


def rows(calls, *, now: datetime | None = None) -> list[BoardRow]:
    """The calls as board rows, by priority (1 first), then age (the longest waiting first)."""
    now = now or utcnow()
    thresholds = current_app.config["BOARD_STATUS_THRESHOLDS"]
    clocks = response_clock.clocks(calls, now=now)
    made = []
    for call in calls:
        since = status_since(call)
        seconds = max(0, int((now - since).total_seconds()))
        limit = thresholds.get(call.status)
        made.append(BoardRow(call, since, seconds, level_of(seconds, limit), limit, clocks[call.id]))
    return sorted(made, key=lambda row: (row.call.priority, row.call.received_at, row.call.id))


def board_now() -> datetime:
    """The moment a board is drawn at (its clocks tick on from it in the browser)."""
    return utcnow()


def board_rows(user, *, poll: bool, now: datetime | None = None) -> list[BoardRow]:
    return rows(board(user, poll=poll), now=now)


# --- choosing a unit ------------------------------------------------------------------------

_CHOICE_ORDER = {units.AVAILABLE: 0, c.ASSIGNED: 1, c.EN_ROUTE: 2, c.ON_SCENE: 3, c.TRANSPORTING: 4,
                 units.OUT_OF_SERVICE: 5}


def unit_choices(call: Call) -> tuple[list[units.UnitView], dict]:
    """Every active unit for assigning ``call``: available first, then the least committed, then off
    duty; within each, the nearest to the call first (by the unit's last position, ETA beside it), and
    units whose position is not known after those that are. Returns the units and unit id -> Distance."""
    views = units.unit_views()
    near = ranking.distances(call.lat, call.lon, {v.unit.id for v in views})
    far = float("inf")
    return sorted(views, key=lambda v: (v.unit.id == call.unit_id, _CHOICE_ORDER[v.status],
                                        near[v.unit.id].km if v.unit.id in near else far,
                                        v.unit.call_sign)), near


# --- closed calls ---------------------------------------------------------------------------

@dataclass
class SearchResult:
    calls: list
    total: int
    page: int
    pages: int


def search_closed(user, *, text: str = "", day: date | None = None, page: int = 1) -> SearchResult:
    """Closed (cleared or cancelled) calls matching an address, a CAD id or a call number, and/or
    received on ``day`` in the agency's time zone; newest first, SEARCH_PAGE_SIZE a page. Audited."""
    query = select(Call).where(Call.status.in_(c.CLOSED))
    text = (text or "").strip()
    if text:
        matches = [func.lower(Call.external_id) == text.lower()]
        key = address_key(text)
        if key:
            matches.append(Call.address_key.contains(key, autoescape=True))
        number = text.removeprefix("#")
        if number.isdigit() and len(number) < 10:
            matches.append(Call.id == int(number))
        query = query.where(or_(*matches))
    if day is not None:
        start, end = local_midnight(day), local_midnight(day + timedelta(days=1))
        query = query.where(Call.received_at >= start, Call.received_at < end)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // SEARCH_PAGE_SIZE))
    page = min(page, pages)
    found = db.session.scalars(query.order_by(Call.received_at.desc(), Call.id.desc())
                               .offset((page - 1) * SEARCH_PAGE_SIZE).limit(SEARCH_PAGE_SIZE)).all()
    audit.record_read("call.search", user=user, details={
        "text": text, "day": day.isoformat() if day else None, "page": page, "count": len(found),
        "calls": [call.id for call in found]})
    return SearchResult(list(found), total, page, pages)
