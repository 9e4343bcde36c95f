"""The program figures that are not counts by day (docs/metrics.md, "Unit time and cost" and after):
durations' median and 90th percentile (en route to clear, response by priority, police backup,
referral to accepted and to completed), repeat addresses, shift hours, the daily not-sent counts.

These read the records of the period (the few rows they need: the backups, the referrals, the shifts)
or, for the call durations, the period's calls as calls.py does; both the direct path and the
roll-ups' path call them, so they are the same figures either way.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.dialects.postgresql import array

from fieldapp.calls import constants as call_constants
from fieldapp.calls.models import Call, CallEvent
from fieldapp.eligibility.models import NotSentCount
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import sql
from fieldapp.metrics.calls import PERCENTILES, call_columns
from fieldapp.metrics.common import dialect_of, seconds, share
from fieldapp.metrics.filters import Periods
from fieldapp.metrics.people import REPEAT_WINDOW_DAYS
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.units.models import Shift

EMPTY = {"n": 0, "median": None, "p90": None}


def _nonnegative(value):
    return case((value >= 0, value))


def quantiles(session, query, count: int) -> dict:
    """{(period, group): {n, median, p90}} of ``query``'s columns (period, group, value): continuous
    percentiles (PostgreSQL's percentile_cont; the same interpolation in Python on SQLite)."""
    facts = query.subquery("durations")
    found = {}
    if dialect_of(session) == "postgresql":
        fractions = array([pct / 100 for pct in PERCENTILES])
        for period, group, n, values in session.execute(
                select(facts.c.period, facts.c.group, func.count(facts.c.value),
                       func.percentile_cont(fractions).within_group(facts.c.value))
                .where(facts.c.value.is_not(None)).group_by(facts.c.period, facts.c.group)):
            median, p90 = values or (None, None)
            found[(int(period), group)] = {"n": n, "median": seconds(median), "p90": seconds(p90)}
        return found
    ordered = defaultdict(list)
    for period, group, value in session.execute(select(facts.c.period, facts.c.group, facts.c.value)
                                                .where(facts.c.value.is_not(None)).order_by(facts.c.value)):
        ordered[(int(period), group)].append(value)
    return {key: {"n": len(values), "median": seconds(sql.percentile(values, 0.5)),
                  "p90": seconds(sql.percentile(values, 0.9))} for key, values in ordered.items()}


def _en_route(conditions):
    """Each call's first 'en route' status (device time), for the calls meeting ``conditions`` only."""
    return select(CallEvent.call_id, func.min(CallEvent.recorded_at).label("at")) \
        .where(CallEvent.call_id.in_(select(Call.id).where(*conditions)),
               CallEvent.kind == "status", CallEvent.status == call_constants.EN_ROUTE) \
        .group_by(CallEvent.call_id).subquery("en_route")


def _to_clear(en_route):
    return _nonnegative(sql.float_seconds_between(en_route.c.at, Call.cleared_at))


def call_durations(conditions) -> list[tuple]:
    """The per-call durations the roll-ups keep for these figures (fieldapp.metrics.rollups, with the
    CAD times in metrics_call_durations): (kind, value, FROM, extra condition). ``to_clear`` is en
    route to clear; ``prio_N`` the response time of the calls of priority N."""
    en_route = _en_route(conditions)
    response = call_columns()["response"]
    return [("to_clear", _to_clear(en_route), Call.__table__.join(en_route, en_route.c.call_id == Call.id), True),
            *((f"prio_{priority}", response, Call.__table__, Call.priority == priority)
              for priority in call_constants.PRIORITIES)]


ROLLED_UP = ("to_clear", *(f"prio_{priority}" for priority in call_constants.PRIORITIES))


def _from_rollups(times: list[dict]) -> tuple[dict, dict]:
    """fieldapp.metrics.fast.program_durations' figures as the two quantiles() answers below."""
    to_clear, by_priority = {}, {}
    for index, figures in enumerate(times):
        to_clear[(index, "all")] = figures["to_clear"]
        for priority in call_constants.PRIORITIES:
            by_priority[(index, priority)] = figures[f"prio_{priority}"]
    return to_clear, by_priority


def program_times(session, periods: Periods, now: datetime, durations=None) -> list[dict]:
    """``durations``: fieldapp.metrics.fast.program_durations on the roll-ups' path (en route to clear
    and response by priority from the roll-ups); None computes them from the calls."""
    count = len(periods.items)
    period = periods.index(Call.received_at).label("period")
    where = periods.call_conditions()
    en_route = _en_route(where)
    committed_from = func.coalesce(en_route.c.at, Call.first_assigned_at)
    committed = _nonnegative(sql.float_seconds_between(committed_from, Call.cleared_at))
    from_calls = Call.__table__.outerjoin(en_route, en_route.c.call_id == Call.id)
    if durations is not None:
        to_clear, by_priority = _from_rollups(durations(session, periods))
    else:
        to_clear = quantiles(session, select(period, literal("all").label("group"), _to_clear(en_route)
                                             .label("value")).select_from(from_calls).where(*where), count)
        by_priority = quantiles(session, select(period, Call.priority.label("group"),
                                                call_columns()["response"].label("value")).where(*where), count)
    backup_value = _nonnegative(sql.float_seconds_between(Encounter.backup_requested_at, Encounter.backup_arrived_at))
    backup = quantiles(session, select(period, literal("all").label("group"), backup_value.label("value"))
                       .select_from(Encounter).join(Call, Call.id == Encounter.call_id)
                       .where(*where, Encounter.backup_requested.is_(True)), count)
    referral_times = _referral_times(session, periods, period)
    totals = {int(row[0]): (row[1] or 0.0, row[2]) for row in session.execute(
        select(period, func.sum(committed), func.count(Call.first_assigned_at)).select_from(from_calls)
        .where(*where).group_by(period))}
    repeats = _repeat_addresses(session, periods, period)
    shifts = _shift_hours(session, periods, now)
    not_sent = _not_sent(session, periods)
    cost_per_hour = current_app.config.get("COST_PER_UNIT_HOUR") if has_app_context() else None
    results = []
    for index in range(count):
        committed_seconds, assigned = totals.get(index, (0.0, 0))
        shift_hours, shifts_started = shifts[index]
        calls_in, repeat_calls = repeats.get(index, (0, 0))
        results.append({
            "times": {
                "en_route_to_clear": to_clear.get((index, "all"), EMPTY),
                "response_by_priority": {str(priority): by_priority.get((index, priority), EMPTY)
                                         for priority in call_constants.PRIORITIES},
                "backup_response": backup.get((index, "all"), EMPTY),
                "referral_to_accepted": referral_times.get((index, "accepted"), EMPTY),
                "referral_to_completed": referral_times.get((index, "completed"), EMPTY),
            },
            "repeat_addresses": {"calls": calls_in, "repeat_calls": repeat_calls,
                                 "share": share(repeat_calls, calls_in), "window_days": REPEAT_WINDOW_DAYS},
            "units": {
                "shift_hours": round(shift_hours, 2), "shifts": shifts_started, "calls_assigned": assigned,
                "committed_hours": round(committed_seconds / 3600, 2),
                "utilisation": round(committed_seconds / 3600 / shift_hours, 4) if shift_hours else None,
                "calls_per_shift": round(assigned / shifts_started, 2) if shifts_started else None,
            },
            "cost": {
                "cost_per_unit_hour": cost_per_hour,
                "per_call": round(cost_per_hour * shift_hours / assigned, 2)
                if cost_per_hour is not None and assigned else None,
            },
            "not_sent": not_sent[index],
        })
    return results


def _referral_times(session, periods: Periods, period) -> dict:
    """Per period and status (accepted, completed): from each referral's making to its first event of
    that status; both statuses in one statement, the period's referrals found once (with their call's
    period) and only their events read."""
    made = select(period, Referral.id, Referral.recorded_at).join(Encounter, Encounter.id == Referral.encounter_id) \
        .join(Call, Call.id == Encounter.call_id).where(*periods.call_conditions()).subquery("made")
    reached = select(made.c.period, ReferralEvent.status, made.c.recorded_at,
                     func.min(ReferralEvent.recorded_at).label("at")) \
        .join(made, made.c.id == ReferralEvent.referral_id) \
        .where(ReferralEvent.status.in_(("accepted", "completed"))) \
        .group_by(made.c.id, made.c.period, made.c.recorded_at, ReferralEvent.status).subquery("reached")
    value = _nonnegative(sql.float_seconds_between(reached.c.recorded_at, reached.c.at))
    return quantiles(session, select(reached.c.period, reached.c.status.label("group"), value.label("value")),
                     len(periods.items))


def _repeat_addresses(session, periods: Periods, period) -> dict:
    """Per period: calls with an address, and of them those with an earlier call at the same address
    (``calls.address_key``) at most 90 days before (any unit or type; ties broken by call id).

    One pass in time order: each call's nearest earlier call at its address (``lag`` over the address,
    by receipt then id) is within the window exactly when any earlier one is, so the calls are sorted
    once instead of each searching its address (14.6 s to about 1 s for a year of 500,000 calls)."""
    span = periods.span
    # Earlier calls that can count: from the window's days before the first period (a day more for a
    # change of clock in the zone), of any unit or type.
    nearest = select(Call.id, func.lag(Call.received_at).over(partition_by=Call.address_key,
                                                              order_by=(Call.received_at, Call.id)).label("at")) \
        .where(Call.address_key != "", Call.received_at >= span.start - timedelta(days=REPEAT_WINDOW_DAYS + 1),
               Call.received_at < span.end).subquery("nearest")
    repeat = case((sql.within_days_before(nearest.c.at, Call.received_at, REPEAT_WINDOW_DAYS), 1), else_=0)
    inner = select(period, repeat.label("repeat")).select_from(Call).join(nearest, nearest.c.id == Call.id) \
        .where(*periods.call_conditions(), Call.address_key != "").subquery()
    found = defaultdict(lambda: [0, 0])
    for index, is_repeat, n in session.execute(select(inner.c.period, inner.c.repeat, func.count())
                                               .group_by(inner.c.period, inner.c.repeat)):
        found[int(index)][0] += n
        found[int(index)][1] += n if is_repeat else 0
    return {index: tuple(value) for index, value in found.items()}


def _shift_hours(session, periods: Periods, now: datetime) -> list[tuple[float, int]]:
    """Per period: the hours of unit shifts inside it (an open shift runs to now) and the shifts started in it."""
    span = periods.span
    query = select(Shift.started_at, Shift.ended_at).where(
        Shift.started_at < span.end, or_(Shift.ended_at.is_(None), Shift.ended_at > span.start))
    if span.unit_id is not None:
        query = query.where(Shift.unit_id == span.unit_id)
    results = [[0.0, 0] for _ in periods.items]
    for started, ended in session.execute(query):
        ended = ended or now
        for index, item in enumerate(periods.items):
            low, high = max(started, item.start), min(ended, item.end)
            if high > low:
                results[index][0] += (high - low).total_seconds() / 3600
            if item.start <= started < item.end:
                results[index][1] += 1
    return [tuple(value) for value in results]


def _not_sent(session, periods: Periods) -> list[dict]:
    """Per period: eligible calls never sent to the team, recorded by day (none under a unit or type filter)."""
    from fieldapp.calls.constants import SOURCES
    from fieldapp.eligibility.constants import NOT_SENT_REASONS

    results = []
    for item in periods.items:
        applies = item.unit_id is None and item.call_type is None
        rows = session.execute(select(NotSentCount.reason, NotSentCount.source, func.sum(NotSentCount.count))
                               .where(NotSentCount.day >= item.start_date, NotSentCount.day < item.end_date)
                               .group_by(NotSentCount.reason, NotSentCount.source)).all() if applies else []
        by_reason, by_source = defaultdict(int), defaultdict(int)
        for reason, source, n in rows:
            by_reason[reason or "not_recorded"] += int(n)
            by_source[source or "not_recorded"] += int(n)
        results.append({"applies": applies, "total": sum(by_reason.values()),
                        "by_reason": {code: by_reason[code] for code in (*NOT_SENT_REASONS, "not_recorded")},
                        "by_source": {code: by_source[code] for code in (*SOURCES, "not_recorded")}})
    return results
