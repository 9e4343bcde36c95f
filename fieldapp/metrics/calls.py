"""Calls: received, assigned, served, not served by reason; CAD times (docs/metrics.md, "Calls")."""

from collections import Counter

from sqlalchemy import and_, case, exists, func, or_, select, tuple_

from fieldapp.calls import constants as call_constants
from fieldapp.calls.models import Call, CallEvent
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import sql
from fieldapp.metrics.common import dialect_of, seconds, share
from fieldapp.metrics.filters import Filters

# Reasons a call was not served; dispositions other than "encounter_logged" are reasons too.
NOT_SERVED_REASONS = {
    "never_assigned": "Never assigned (no unit available, or still pending)",
    "cancelled_before_dispatch": "Cancelled before a unit was dispatched",
    "cancelled_after_dispatch": "Cancelled after dispatch",
    **{code: label for code, label in call_constants.DISPOSITIONS.items() if code != "encounter_logged"},
    "no_encounter_recorded": "Cleared as 'encounter logged' but no encounter recorded",
    "disposition_not_recorded": "Cleared with no known disposition",
    "still_open": "Still open (assigned, not cleared)",
}
# Response-time histogram: bucket edges in minutes; the last bucket is open-ended.
RESPONSE_EDGES_MIN = (0, 5, 10, 15, 20, 30, 45, 60)


def milestone_events(event=CallEvent):
    """The timeline entries that mark a CAD milestone: the first dispatch, on scene, cleared.

    (An index on ``call_events (call_id) WHERE`` this condition keeps the scan to these rows.)
    """
    return or_(event.kind == "assigned",
               and_(event.kind == "status", event.status.in_((call_constants.ON_SCENE, call_constants.CLEARED))))


def call_facts(filters: Filters):
    """One row per call of the filters: its milestones from the timeline and whether it was served.

    Milestones use the device's ``recorded_at``: the time the unit tapped, even when it was offline.
    The timeline is aggregated per call first (only the milestone entries of the period's calls),
    then joined to the calls.
    """
    event = CallEvent
    is_status = event.kind == "status"
    period_calls = select(Call.id).where(*filters.call_conditions())
    milestones = (
        select(event.call_id,
               func.min(case((event.kind == "assigned", event.recorded_at))).label("assigned_at"),
               func.min(case((and_(is_status, event.status == call_constants.ON_SCENE), event.recorded_at)))
               .label("on_scene_at"),
               func.max(case((and_(is_status, event.status == call_constants.CLEARED), event.recorded_at)))
               .label("cleared_at"))
        .where(milestone_events(event), event.call_id.in_(period_calls))
        .group_by(event.call_id).subquery("milestones"))
    facts = (
        select(Call.received_at, Call.status, Call.disposition, Call.call_type, milestones.c.assigned_at,
               milestones.c.on_scene_at, milestones.c.cleared_at,
               exists().where(Encounter.call_id == Call.id).label("served"))
        .select_from(Call).outerjoin(milestones, milestones.c.call_id == Call.id)
        .where(*filters.call_conditions())
    ).subquery("call_facts")

    def nonnegative(seconds):  # a negative duration is a device clock error: left out
        return case((seconds >= 0, seconds))

    known = [code for code in NOT_SERVED_REASONS if code in call_constants.DISPOSITIONS]
    reason = case(
        (facts.c.served, "served"),
        (and_(facts.c.status == call_constants.CANCELLED, facts.c.assigned_at.is_(None)),
         "cancelled_before_dispatch"),
        (facts.c.status == call_constants.CANCELLED, "cancelled_after_dispatch"),
        (facts.c.assigned_at.is_(None), "never_assigned"),
        (and_(facts.c.status == call_constants.CLEARED, facts.c.disposition == "encounter_logged"),
         "no_encounter_recorded"),
        (and_(facts.c.status == call_constants.CLEARED, facts.c.disposition.in_(known)), facts.c.disposition),
        (facts.c.status == call_constants.CLEARED, "disposition_not_recorded"),
        else_="still_open")
    return select(
        reason.label("reason"), facts.c.assigned_at, facts.c.call_type,
        nonnegative(sql.seconds_between(facts.c.received_at, facts.c.assigned_at)).label("queue"),
        nonnegative(sql.seconds_between(facts.c.received_at, facts.c.on_scene_at)).label("response"),
        nonnegative(sql.seconds_between(facts.c.on_scene_at, facts.c.cleared_at)).label("on_scene"),
    ).subquery("call_durations")


DURATIONS = ("queue", "response", "on_scene")


def calls_and_times(session, filters: Filters) -> dict:
    """Calls by reason (served or why not), type and response-time bucket, and the CAD time percentiles.

    On PostgreSQL one statement: GROUPING SETS gives the grouped counts and, in its grand-total row,
    ``percentile_cont`` over all the calls. SQLite groups the same way and gets the percentiles
    from the sorted durations.
    """
    facts = call_facts(filters)
    postgres = dialect_of(session) == "postgresql"
    edges = [minutes * 60 for minutes in RESPONSE_EDGES_MIN]
    bucket = case((facts.c.response.is_(None), -1),
                  *[(facts.c.response < high, index) for index, high in enumerate(edges[1:])], else_=len(edges) - 1)
    shaped = select(facts.c.reason, facts.c.call_type, facts.c.assigned_at.is_not(None).label("assigned"),
                    bucket.label("bucket"), *(facts.c[name] for name in DURATIONS)).subquery("calls_shaped")
    keys = (shaped.c.reason, shaped.c.call_type, shaped.c.assigned, shaped.c.bucket)
    columns = [*keys, func.count().label("n")]
    if postgres:
        columns.append(func.grouping(shaped.c.reason).label("grand_total"))
        for name in DURATIONS:
            columns += [func.count(shaped.c[name]).label(f"{name}_n"),
                        *(func.percentile_cont(pct / 100).within_group(shaped.c[name]).label(f"{name}_p{pct}")
                          for pct in (50, 90))]
        rows = session.execute(select(*columns).group_by(func.grouping_sets(tuple_(*keys), tuple_()))).all()
    else:
        rows = session.execute(select(*columns).group_by(*keys)).all()
    received = assigned = 0
    reasons, types, types_served, buckets = Counter(), Counter(), Counter(), Counter()
    total_row = None
    for row in rows:
        if postgres and row.grand_total:
            total_row = row._mapping
            continue
        received += row.n
        assigned += row.n if row.assigned else 0
        reasons[row.reason] += row.n
        types[row.call_type] += row.n
        types_served[row.call_type] += row.n if row.reason == "served" else 0
        buckets[row.bucket] += row.n
    times = {}
    for name in DURATIONS:
        if postgres:
            n = total_row[f"{name}_n"] if total_row else 0
            median, p90 = (total_row[f"{name}_p50"], total_row[f"{name}_p90"]) if total_row else (None, None)
        else:  # SQLite has no percentile_cont: the same interpolation over the sorted durations
            ordered = session.scalars(select(shaped.c[name]).where(shaped.c[name].is_not(None))
                                      .order_by(shaped.c[name])).all()
            n, median, p90 = len(ordered), sql.percentile(ordered, 0.5), sql.percentile(ordered, 0.9)
        times[name] = {"n": n, "median": seconds(median), "p90": seconds(p90)}
    bounds = [*edges, None]
    times["response_distribution"] = [
        {"from_seconds": low, "to_seconds": high, "label": _minutes_label(low, high), "count": buckets[index]}
        for index, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False))]
    served = reasons["served"]
    calls = {
        "received": received, "assigned": assigned, "assigned_share": share(assigned, received),
        "served": served, "served_share": share(served, received),
        "not_served": {"total": received - served, "by_reason": {code: reasons[code] for code in NOT_SERVED_REASONS}},
        "by_type": [{"call_type": code, "received": types[code], "served": types_served[code],
                     "served_share": share(types_served[code], types[code])}
                    for code in sorted(types, key=lambda code: (-types[code], code))],
    }
    return {"calls": calls, "times": times}


def _minutes_label(low, high):
    return f"{low // 60}+ min" if high is None else f"{low // 60}-{high // 60} min"
