"""The program figures that are not counts by a key (docs/metrics.md, "Unit time and cost" and after):
durations' median and 90th percentile (en route to clear, response by priority, police backup,
referral to accepted and to completed), unit time and repeat addresses (from the counts of
fieldapp.metrics.program_sums), shift hours and the daily not-sent counts.

The durations are defined once (``durations``): the direct path takes their quantiles from the
records, the roll-ups keep each one in metrics_call_durations and take the same exact quantiles
from there (fieldapp.metrics.fast). Shifts and not-sent counts are a few rows, read either way.
"""

from collections import Counter, defaultdict
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import Uuid, case, func, literal, or_, select, true, union_all
from sqlalchemy.dialects.postgresql import array

from fieldapp.calls import constants as call_constants
from fieldapp.calls.constants import SOURCES
from fieldapp.calls.models import Call
from fieldapp.database import dialect_of
from fieldapp.eligibility.constants import NOT_SENT_REASONS
from fieldapp.eligibility.models import NotSentCount
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import program_sums, sql
from fieldapp.metrics.calls import PERCENTILES, call_columns
from fieldapp.metrics.common import seconds, share
from fieldapp.metrics.filters import Periods
from fieldapp.metrics.models import NO_RECORD
from fieldapp.metrics.people import REPEAT_WINDOW_DAYS
from fieldapp.metrics.program import for_period
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


def own_record():
    """The record id (SQL) of a call's own duration in metrics_call_durations."""
    return literal(NO_RECORD, Uuid())


def _referral_reached(status: str, conditions):
    """Each referral's first event of ``status`` (device time), for the referrals of the calls meeting
    ``conditions`` only."""
    referrals = select(Referral.id).join(Encounter, Encounter.id == Referral.encounter_id) \
        .join(Call, Call.id == Encounter.call_id).where(*conditions)
    return select(ReferralEvent.referral_id, func.min(ReferralEvent.recorded_at).label("at")) \
        .where(ReferralEvent.referral_id.in_(referrals), ReferralEvent.status == status) \
        .group_by(ReferralEvent.referral_id).subquery(f"reached_{status}")


def durations(conditions) -> list[tuple]:
    """The per-record durations of these figures, of the calls meeting ``conditions``: (kind, value, record
    id, FROM, extra condition). The roll-ups keep them with the CAD times in metrics_call_durations
    (fieldapp.metrics.rollups); the direct path takes their quantiles here. ``to_clear`` is en route to
    clear; ``prio_N`` the response time of the calls of priority N; ``backup`` an encounter's police
    backup, requested to arrived; ``ref_acc``/``ref_comp`` a referral's making to its first 'accepted'
    / 'completed' event. Each is counted in its call's period (or day) and scope."""
    on_call = Encounter.__table__.join(Call.__table__, Call.id == Encounter.call_id)
    found = [("to_clear", _nonnegative(sql.float_seconds_between(Call.first_en_route_at, Call.cleared_at)),
              own_record(), Call.__table__, true()),
             *((f"prio_{priority}", call_columns()["response"], own_record(), Call.__table__, Call.priority == priority)
               for priority in call_constants.PRIORITIES),
             ("backup", _nonnegative(sql.float_seconds_between(Encounter.backup_requested_at,
                                                               Encounter.backup_arrived_at)),
              Encounter.id, on_call, Encounter.backup_requested.is_(True))]
    for kind, status in (("ref_acc", "accepted"), ("ref_comp", "completed")):
        reached = _referral_reached(status, conditions)
        found.append((kind, _nonnegative(sql.float_seconds_between(Referral.recorded_at, reached.c.at)), Referral.id,
                      Referral.__table__.join(on_call, Encounter.id == Referral.encounter_id)
                      .join(reached, reached.c.referral_id == Referral.id), true()))
    return found


ROLLED_UP = ("to_clear", *(f"prio_{priority}" for priority in call_constants.PRIORITIES), "backup", "ref_acc",
             "ref_comp")


def durations_from_records(session, periods: Periods) -> list[dict]:
    """Per period, {kind: {n, median, p90}} of every duration above, from the records (one statement);
    fieldapp.metrics.fast.program_durations gives the same from the roll-ups."""
    period = periods.index(Call.received_at).label("period")
    where = periods.call_conditions()
    parts = [select(period, literal(kind).label("group"), value.label("value")).select_from(select_from)
             .where(*where, condition) for kind, value, _, select_from, condition in durations(where)]
    found = quantiles(session, union_all(*parts), len(periods.items))
    return [{kind: found.get((index, kind), EMPTY) for kind in ROLLED_UP} for index in range(len(periods.items))]


def program_times(session, periods: Periods, now: datetime, counted: Counter, times: list[dict]) -> list[dict]:
    """The figures beside the counts: ``counted`` is the counts by (period, kind, key) (program.counts or
    fast.program), ``times`` the durations (durations_from_records or fast.program_durations); shift
    hours and not-sent counts are read here (a few rows)."""
    shifts = _shift_hours(session, periods, now)
    not_sent = _not_sent(session, periods)
    cost_per_hour = current_app.config.get("COST_PER_UNIT_HOUR") if has_app_context() else None
    results = []
    for index, figures in enumerate(times):
        counts = for_period(counted, index)
        committed_seconds, assigned = program_sums.for_units(counts)
        calls_in, repeat_calls = program_sums.for_addresses(counts)
        shift_hours, shifts_started = shifts[index]
        results.append({
            "times": {
                "en_route_to_clear": figures["to_clear"],
                "response_by_priority": {str(priority): figures[f"prio_{priority}"]
                                         for priority in call_constants.PRIORITIES},
                "backup_response": figures["backup"],
                "referral_to_accepted": figures["ref_acc"],
                "referral_to_completed": figures["ref_comp"],
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
