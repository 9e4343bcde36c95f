"""Program metrics, each defined in docs/metrics.md and computed in SQL.

``compute(session, filters)`` returns every metric for one period as plain JSON-ready values
(counts, shares as fractions, durations in seconds). Each query aggregates in the database; where
one grouped query serves several metrics, Python only adds up its few grouped rows.
"""

from datetime import datetime

from sqlalchemy import literal, select, text

from fieldapp.calls.models import Call
from fieldapp.database import utcnow
from fieldapp.metrics.calls import NOT_SERVED_REASONS, calls_and_times
from fieldapp.metrics.common import dialect_of
from fieldapp.metrics.filters import Filters
from fieldapp.metrics.outcomes import encounters, follow_ups, referrals
from fieldapp.metrics.people import AGE_GROUP_LABELS, AGE_GROUPS, outcomes_by_race, people

__all__ = ["AGE_GROUPS", "AGE_GROUP_LABELS", "NOT_SERVED_REASONS", "compute", "has_any_call", "report"]


def compute(session, filters: Filters, *, now: datetime | None = None) -> dict:
    """Every metric of docs/metrics.md for one period, unit and call type."""
    if dialect_of(session) == "postgresql":
        # These queries run in a fraction of a second: compiling them (JIT) costs more than it saves,
        # and their sorts and hashes of a year of rows fit in memory rather than spill to disk.
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    result = calls_and_times(session, filters)
    result.update({
        "encounters": encounters(session, filters),
        "referrals": referrals(session, filters),
        "follow_ups": follow_ups(session, filters, now or utcnow()),
        **people(session, filters),
    })
    result["demographics"]["outcomes_by_race_ethnicity"] = outcomes_by_race(session, filters)
    return result


def report(session, filters: Filters, *, now: datetime | None = None) -> dict:
    """The period and the one of equal length before it, as the dashboard and the API show them."""
    previous = filters.previous()
    return {
        "period": {**filters.as_dict(), "days": filters.days, "timezone": filters.zone},
        "previous_period": {**previous.as_dict(), "days": previous.days},
        "current": compute(session, filters, now=now),
        "previous": compute(session, previous, now=now),
    }


def has_any_call(session) -> bool:
    return session.scalar(select(literal(1)).select_from(Call).limit(1)) is not None
