"""Daily counts of eligible calls never sent to the team: set by day, reason and source."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.eligibility.models import NotSentCount
from fieldapp.extensions import db


def record(data: dict, *, by) -> tuple[NotSentCount, bool]:
    """Set the count of (day, reason, source). Returns (row, created). Recording it again replaces the
    count (a correction, or the same form sent twice), so nothing is ever counted twice."""
    key = {"day": data["day"], "reason": data.get("reason") or "", "source": data.get("source") or ""}
    for attempt in (1, 2):
        row = db.session.scalar(select(NotSentCount).filter_by(**key).with_for_update())
        created = row is None
        if created:
            row = NotSentCount(**key, count=data["count"])
            db.session.add(row)
        previous = None if created else row.count
        row.count, row.recorded_at, row.recorded_by_id = data["count"], utcnow(), by.id
        audit.record("not_sent.record", user=by, details={**key, "day": key["day"].isoformat(),
                                                          "count": data["count"], "previous": previous})
        try:
            db.session.commit()
        except IntegrityError:  # the same day, reason and source recorded at the same moment: update it
            db.session.rollback()
            if attempt == 2:
                raise
            continue
        return row, created
    raise AssertionError("unreachable")


def listed(first: date | None, last: date | None, today: date) -> list[NotSentCount]:
    last = last or today
    first = first or last - timedelta(days=29)
    return db.session.scalars(select(NotSentCount).where(NotSentCount.day >= first, NotSentCount.day <= last)
                              .order_by(NotSentCount.day.desc(), NotSentCount.reason, NotSentCount.source)).all()
