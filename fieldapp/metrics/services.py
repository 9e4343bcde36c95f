"""Program metrics, each defined in docs/metrics.md and computed in SQL.

``compute(session, filters)`` returns every metric for one period as plain JSON-ready values
(counts, shares as fractions, durations in seconds). Each query aggregates in the database; where
one grouped query serves several metrics, Python only adds up its few grouped rows.
"""

from datetime import datetime
from functools import partial

from sqlalchemy import literal, select, text

from fieldapp.calls.models import Call
from fieldapp.clock import utcnow
from fieldapp.database import dialect_of
from fieldapp.metrics import fast, program, program_times, tracking
from fieldapp.metrics.calls import NOT_SERVED_REASONS, calls_and_times
from fieldapp.metrics.filters import Filters, Periods
from fieldapp.metrics.languages import languages
from fieldapp.metrics.outcomes import encounters_and_equity, follow_ups, referrals
from fieldapp.metrics.people import AGE_GROUP_LABELS, AGE_GROUPS, people

__all__ = ["AGE_GROUPS", "AGE_GROUP_LABELS", "NOT_SERVED_REASONS", "compute", "compute_together", "has_any_call",
           "report"]


def compute(session, filters: Filters, *, now: datetime | None = None) -> dict:
    """Every metric of docs/metrics.md for one period, unit and call type."""
    return compute_together(session, Periods.of(filters), now=now)[0]


def compute_together(session, periods: Periods, *, now: datetime | None = None, source: str = "auto") -> list[dict]:
    """Every metric for each of back-to-back periods.

    ``source``: "rollups" sums the daily roll-ups (fieldapp.metrics.fast), "records" computes from the
    records themselves, each query reading all the periods' calls once; "auto" takes the roll-ups
    when they are complete and in the agency's zone (fieldapp.metrics.tracking.ready).
    """
    if source == "auto":
        source = "rollups" if tracking.ready(session, periods.items[0].zone) else "records"
    if dialect_of(session) == "postgresql":
        # Compiling these queries (JIT) costs more than it saves, and the sorts and hashes of two
        # years of rows (a period and the one before) fit in memory rather than spill to disk.
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '128MB'"))
    if source == "rollups":
        times = fast.durations(session, periods)  # the CAD times and the program's, in one pass
        return _with_program(session, periods, now, (fast.program, lambda *_: times),
                             _together(session, periods, now, partial(fast.calls_and_times, times=times),
                                       fast.encounters_and_equity, fast.referrals, fast.follow_ups, fast.people))
    return _with_program(session, periods, now, (program.counts, program_times.durations_from_records),
                         _together(session, periods, now, calls_and_times, encounters_and_equity, referrals,
                                   follow_ups, people))


def _with_program(session, periods, now, parts, results):
    """fields (issue 11): each period's ``program`` figures (docs/metrics.md, "Eligible calls served" on);
    issue 23: calls by the person's language and interpreter needed."""
    for result, spoken in zip(results, languages(session, periods), strict=True):
        result["language"] = spoken
    counts_part, durations_part = parts
    counted = counts_part(session, periods)
    extras = program_times.program_times(session, periods, now or utcnow(), counted, durations_part(session, periods))
    for index, (result, extra) in enumerate(zip(results, extras, strict=True)):
        result["program"] = program.figures(program.for_period(counted, index), extra)
    return results


def _together(session, periods, now, calls_part, encounters_part, referrals_part, follow_ups_part, people_part):
    results = calls_part(session, periods)
    parts = zip(encounters_part(session, periods), referrals_part(session, periods),
                follow_ups_part(session, periods, now or utcnow()), people_part(session, periods), strict=True)
    for result, ((on_scene, equity), referred, followed, served) in zip(results, parts, strict=True):
        result.update({"encounters": on_scene, "referrals": referred, "follow_ups": followed, **served})
        result["demographics"]["outcomes_by_race_ethnicity"] = equity
    return results


def report(session, filters: Filters, *, now: datetime | None = None) -> dict:
    """The period and the one of equal length before it, as the dashboard and the API show them."""
    previous = filters.previous()
    earlier, current = compute_together(session, Periods.of(previous, filters), now=now)
    return {
        "period": {**filters.as_dict(), "days": filters.days, "timezone": filters.zone},
        "previous_period": {**previous.as_dict(), "days": previous.days},
        "current": current,
        "previous": earlier,
    }


def has_any_call(session) -> bool:
    return session.scalar(select(literal(1)).select_from(Call).limit(1)) is not None
