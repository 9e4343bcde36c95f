"""Each open call's response clock: received -> first unit on scene, against the target of its zone and
priority (``fieldapp.zones``), amber from ``WARN_SHARE`` of the target and red past it; and which calls
have just passed their target (``breached``), for the alert that goes out once per call
(``fieldapp.calls.breaches``)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.calls import constants as c
from fieldapp.calls.models import Call
from fieldapp.clock import utcnow
from fieldapp.extensions import db
from fieldapp.zones import services as zones

WARN_SHARE = 0.75
OK, WARN, OVER = "ok", "warn", "over"


@dataclass
class ResponseClock:
    started_at: datetime  # the call's received time
    target_minutes: int
    seconds: int  # received -> on scene, or -> now while nobody is on scene
    stopped: bool  # a unit is on scene: the clock stands still
    zone_name: str | None

    @property
    def level(self) -> str:
        if self.seconds > self.target_minutes * 60:
            return OVER
        return WARN if self.seconds >= WARN_SHARE * self.target_minutes * 60 else OK

    @property
    def text(self) -> str:
        """'12 of 15 min', 'Over by 3 min' (text, not colour alone); 'On scene in 9 of 15 min' once stopped."""
        minutes, target = self.seconds // 60, self.target_minutes
        if self.level == OVER:
            over = max(1, (self.seconds - target * 60) // 60)
            if self.stopped:
                return _("On scene, over by %(over)s min", over=over)
            return _("Over by %(over)s min", over=over)
        if self.stopped:
            return _("On scene in %(minutes)s of %(target)s min", minutes=minutes, target=target)
        return _("%(minutes)s of %(target)s min", minutes=minutes, target=target)

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(minutes=self.target_minutes)


def clock_of(call: Call, *, now: datetime | None = None, table: dict | None = None) -> ResponseClock:
    now = now or utcnow()
    stop = call.first_on_scene_at
    seconds = max(0, int(((stop or now) - call.received_at).total_seconds()))
    return ResponseClock(call.received_at, zones.target_of(call.zone_id, call.priority, table), seconds,
                         stop is not None, call.zone.name if call.zone else None)


def clocks(calls, *, now: datetime | None = None) -> dict[int, ResponseClock]:
    """{call id: clock} for many calls, reading the targets once."""
    table = zones.targets()
    return {call.id: clock_of(call, now=now, table=table) for call in calls}


# A call received longer ago than this is not alerted: a breach is news while a unit can still be sent.
# Without it, the first sweep after zones are set up would page the supervisors for every old open call.
BREACH_WINDOW = timedelta(hours=24)


def breached(*, now: datetime | None = None) -> list[int]:
    """Open calls received in the last day with nobody on scene, past their target and not yet alerted."""
    now = now or utcnow()
    found = db.session.scalars(select(Call).where(
        Call.status.in_(c.OPEN), Call.first_on_scene_at.is_(None), Call.breach_alerted_at.is_(None),
        Call.received_at >= now - BREACH_WINDOW)).all()
    return [call_id for call_id, clock in clocks(found, now=now).items() if clock.level == OVER]
