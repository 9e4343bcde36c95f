"""Calls: received, assigned, served, not served by reason; CAD times (docs/metrics.md, "Calls")."""

from collections import Counter
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.dialects.postgresql import array

from fieldapp.calls import constants as call_constants
from fieldapp.calls.models import Call
from fieldapp.database import dialect_of
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import sql
from fieldapp.metrics.common import seconds, share
from fieldapp.metrics.filters import Periods

# Reasons a call was not served; dispositions other than "encounter_logged" are reasons too.
NOT_SERVED_REASONS = {
    "never_assigned": _l("Never assigned (no unit available, or still pending)"),
    "cancelled_before_dispatch": _l("Cancelled before a unit was dispatched"),
    "cancelled_after_dispatch": _l("Cancelled after dispatch"),
    **{code: label for code, label in call_constants.DISPOSITIONS.items() if code != "encounter_logged"},
    "no_encounter_recorded": _l("Cleared as 'encounter logged' but no encounter recorded"),
    "disposition_not_recorded": _l("Cleared with no known disposition"),
    "still_open": _l("Still open (assigned, not cleared)"),
}
# Response-time histogram: bucket edges in minutes; the last bucket is open-ended.
RESPONSE_EDGES_MIN = (0, 5, 10, 15, 20, 30, 45, 60)
DURATIONS = ("queue", "response", "on_scene")
PERCENTILES = (50, 90)


def call_facts(periods: Periods, *, served_only: bool = False):
    """One row per call of the periods: its period, why it would not be served, and its CAD durations.

    The milestones are the call's own columns (``first_assigned_at``, ``first_on_scene_at``,
    ``cleared_at``), which calls.services copies from the timeline as each entry is written: the
    first dispatch, and the device's ``recorded_at`` of on scene and cleared (the time the unit
    tapped, even when it was offline). A negative duration is a device clock error: left out.

    ``reason`` is the first reason of docs/metrics.md after "served"; ``served_only`` keeps the calls
    with an encounter (a semi-join, which PostgreSQL hashes or probes the index for, as the period's
    size suits), whose reason is "served" whatever this column says.
    """
    columns = call_columns()
    query = select(periods.index(Call.received_at).label("period"), columns["reason"], Call.call_type,
                   columns["assigned"], *(columns[name] for name in DURATIONS)).where(*periods.call_conditions())
    if served_only:
        query = query.where(exists().where(Encounter.call_id == Call.id))
    return query.subquery("call_facts")


def call_columns() -> dict:
    """A call's reason it would not be served, whether it was dispatched and its CAD durations (SQL)."""
    return dict(_call_columns())


@cache  # the same expressions each time: built once (every roll-up refresh asks for them several times)
def _call_columns() -> dict:
    def nonnegative(seconds):
        return case((seconds >= 0, seconds))

    known = [code for code in NOT_SERVED_REASONS if code in call_constants.DISPOSITIONS]
    cleared = Call.status == call_constants.CLEARED
    reason = case(
        (and_(Call.status == call_constants.CANCELLED, Call.first_assigned_at.is_(None)), "cancelled_before_dispatch"),
        (Call.status == call_constants.CANCELLED, "cancelled_after_dispatch"),
        (Call.first_assigned_at.is_(None), "never_assigned"),
        (and_(cleared, Call.disposition == "encounter_logged"), "no_encounter_recorded"),
        (and_(cleared, Call.disposition.in_(known)), Call.disposition),
        (cleared, "disposition_not_recorded"),
        else_="still_open")
    return {
        "reason": reason.label("reason"), "assigned": Call.first_assigned_at.is_not(None).label("assigned"),
        "queue": nonnegative(sql.float_seconds_between(Call.received_at, Call.first_assigned_at)).label("queue"),
        "response": nonnegative(sql.float_seconds_between(Call.received_at, Call.first_on_scene_at))
        .label("response"),
        "on_scene": nonnegative(sql.float_seconds_between(Call.first_on_scene_at, Call.cleared_at)).label("on_scene"),
    }


def calls_and_times(session, periods: Periods) -> list[dict]:
    """Per period: calls by reason (served or why not), type and response-time bucket; CAD time percentiles.

    The calls are counted by (period, reason, type, dispatched, response-time bucket), and so are
    the served ones among them: a served call counts as "served", the others by their reason. Then
    the durations' percentiles per period (PostgreSQL's ``percentile_cont``; on SQLite the same
    interpolation over the sorted durations).
    """
    def counts(facts):
        # bucket_of numbers the buckets from 1 (0 is below the first edge): -1 is a call with no response time.
        bucket = func.coalesce(sql.bucket_of(facts.c.response, edges), 0) - 1
        shaped = select(facts.c.period, facts.c.reason, facts.c.call_type, facts.c.assigned,
                        bucket.label("bucket")).subquery("calls_shaped")
        rows = session.execute(select(*shaped.c, func.count().label("n")).group_by(*shaped.c)).all()
        return Counter({(int(row.period), row.reason, row.call_type, row.assigned, row.bucket): row.n for row in rows})

    edges = [minutes * 60 for minutes in RESPONSE_EDGES_MIN]
    facts = call_facts(periods)
    every, served = counts(facts), counts(call_facts(periods, served_only=True))
    results = [calls_from_counts(every, served, index, edges) for index in range(len(periods.items))]
    for index, times in enumerate(_percentiles(session, facts, len(periods.items))):
        results[index]["times"] = {**times, "response_distribution": results[index].pop("distribution")}
    return results


def calls_from_counts(every: Counter, served_calls: Counter, period: int, edges: list[int]) -> dict:
    """One period's call figures from the calls counted by (period, reason, type, dispatched, bucket)."""
    received = assigned = 0
    reasons, types, types_served, buckets = Counter(), Counter(), Counter(), Counter()
    for key, n in every.items():
        index, reason, call_type, dispatched, bucket = key
        if index != period:
            continue
        served = served_calls[key]
        received += n
        assigned += n if dispatched else 0
        reasons["served"] += served
        reasons[reason] += n - served
        types[call_type] += n
        types_served[call_type] += served
        buckets[bucket] += n
    served = reasons["served"]
    bounds = [*edges, None]
    return {
        "calls": {
            "received": received, "assigned": assigned, "assigned_share": share(assigned, received),
            "served": served, "served_share": share(served, received),
            "not_served": {"total": received - served,
                           "by_reason": {code: reasons[code] for code in NOT_SERVED_REASONS}},
            "by_type": [{"call_type": code, "received": types[code], "served": types_served[code],
                         "served_share": share(types_served[code], types[code])}
                        for code in sorted(types, key=lambda code: (-types[code], code))],
        },
        "distribution": [
            {"from_seconds": low, "to_seconds": high, "label": _minutes_label(low, high), "count": buckets[index]}
            for index, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False))],
    }


def _percentiles(session, facts, count: int) -> list[dict]:
    """Per period, each duration's ``n``, median and 90th percentile (continuous)."""
    times = [{name: {"n": 0, "median": None, "p90": None} for name in DURATIONS} for _ in range(count)]
    if dialect_of(session) == "postgresql":
        fractions = array([pct / 100 for pct in PERCENTILES])
        columns = [facts.c.period]
        for name in DURATIONS:
            columns += [func.count(facts.c[name]), func.percentile_cont(fractions).within_group(facts.c[name])]
        for period, *values in session.execute(select(*columns).group_by(facts.c.period)).all():
            for name, n, quantiles in zip(DURATIONS, values[::2], values[1::2], strict=True):
                median, p90 = quantiles or (None, None)
                times[int(period)][name] = {"n": n, "median": seconds(median), "p90": seconds(p90)}
        return times
    for name in DURATIONS:  # SQLite has no percentile_cont: the same interpolation over the sorted durations
        column = facts.c[name]
        ordered = [[] for _ in range(count)]
        for period, value in session.execute(select(facts.c.period, column).where(column.is_not(None))
                                             .order_by(facts.c.period, column)).all():
            ordered[int(period)].append(value)
        for period, values in enumerate(ordered):
            times[period][name] = {"n": len(values), "median": seconds(sql.percentile(values, 0.5)),
                                   "p90": seconds(sql.percentile(values, 0.9))}
    return times


def _minutes_label(low, high):
    return f"{low // 60}+ min" if high is None else f"{low // 60}-{high // 60} min"
