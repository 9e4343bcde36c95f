"""Every metric summed from the daily roll-ups (fieldapp.metrics.models) instead of the records.

Each function returns what its namesake over the records returns (calls.calls_and_times,
outcomes.encounters_and_equity, ...), through the same folding code, so the two paths give the
same figures; tests/metrics/test_rollups.py compares them over random data. Exact percentiles:
the counts by whole minute say which minute holds each rank, and only that minute's durations
are read (metrics_call_durations, by its index) to take the exact values at those ranks.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, case, false, func, literal, or_, select, union_all

from fieldapp.metrics import program_times, spans, sql
from fieldapp.metrics.buckets import buckets_for
from fieldapp.metrics.calls import DURATIONS, PERCENTILES, RESPONSE_EDGES_MIN, calls_from_counts
from fieldapp.metrics.common import seconds
from fieldapp.metrics.filters import Periods
from fieldapp.metrics.models import (
    ALL_TYPES,
    ALL_UNITS,
    CallDay,
    CallDuration,
    ContactDay,
    DurationDay,
    EncounterDay,
    FollowUpDay,
    ProgramDay,
    ReferralDay,
)
from fieldapp.metrics.outcomes import (
    FOLLOW_UP_COUNTS,
    encounters_from_parts,
    follow_ups_from_totals,
    referrals_from_rows,
)
from fieldapp.metrics.people import people_from_counts
from fieldapp.metrics.rollup_days import next_month


def _in_scope(session, model, periods: Periods, edges: list[date] | None = None) -> list:
    """The rows of the periods' scope and days: in each of the cells between ``edges`` (the periods' first
    days and end, and any chart bucket's), a month's row for each whole month, then a week's row for each
    whole week (from Monday) of what is left, and day rows for the rest. A month or week whose rows are
    behind its days (fieldapp.metrics.spans) is read as its weeks or days instead."""
    span = periods.span
    edges = sorted(set(edges or []) | {period.start_date for period in periods.items} | {span.end_date})
    behind = spans.dirty(session)
    months, weeks, days = [], [], []
    for start, end in zip(edges, edges[1:], strict=False):
        _split(start, end, behind, months, weeks, days)
    in_days = or_(false(), *(and_(model.day >= low, model.day < high) for low, high in days))
    return [model.unit_key == (span.unit_id or ALL_UNITS), model.type_key == (span.call_type or ALL_TYPES),
            model.day >= span.start_date, model.day < span.end_date,
            or_(and_(model.month.is_(True), model.day.in_(months)), and_(model.week.is_(True), model.day.in_(weeks)),
                and_(model.month.is_(False), model.week.is_(False), in_days))]


def _split(start: date, end: date, behind: set, months: list, weeks: list, days: list) -> None:
    """Add [start, end) to ``months`` and ``weeks`` (first days) and ``days`` (runs: (first, day after)):
    whole months that are not ``behind``, then whole weeks that are not and do not cross into such a
    month, then the days left."""
    def whole_month(first):
        return first.day == 1 and next_month(first) <= end and ("month", first) not in behind

    day = start
    while day < end:
        if whole_month(day):
            months.append(day)
            day = next_month(day)
            continue
        after = day + timedelta(days=7)
        crosses = next_month(day) < after and whole_month(next_month(day))
        if day.weekday() == 0 and after <= end and ("week", day) not in behind and not crosses:
            weeks.append(day)
            day = after
            continue
        if days and days[-1][1] == day:
            days[-1] = (days[-1][0], day + timedelta(days=1))
        else:
            days.append((day, day + timedelta(days=1)))
        day += timedelta(days=1)


def _period(model, periods: Periods):
    return sql.bucket_index(model.day, [period.start_date for period in periods.items] + [periods.span.end_date])


def _sums(session, *columns, where):
    inner = select(*columns).where(*where).subquery()
    keys = [column for column in inner.c if column.name != "n"]
    return session.execute(select(*keys, func.sum(inner.c.n).label("n")).group_by(*keys)).all()


def durations(session, periods: Periods) -> list[dict]:
    """Per period, every duration's n, median and 90th percentile, the CAD times' and the program's
    (fieldapp.metrics.program_times.ROLLED_UP), in one pass: for ``calls_and_times(times=...)`` and
    in place of ``program_durations``."""
    return _percentiles(session, periods, (*DURATIONS, *program_times.ROLLED_UP))


def calls_and_times(session, periods: Periods, times: list[dict] | None = None) -> list[dict]:
    c = CallDay
    every, served = Counter(), Counter()
    for row in _sums(session, _period(c, periods).label("period"), c.reason, c.call_type, c.assigned, c.bucket,
                     c.served, c.n, where=_in_scope(session, c, periods)):
        key = (int(row.period), row.reason, row.call_type, bool(row.assigned), row.bucket)
        every[key] += row.n
        served[key] += row.n if row.served else 0
    edges = [minutes * 60 for minutes in RESPONSE_EDGES_MIN]
    results = [calls_from_counts(every, served, index, edges) for index in range(len(periods.items))]
    for index, figures in enumerate(_percentiles(session, periods) if times is None else times):
        results[index]["times"] = {**{kind: figures[kind] for kind in DURATIONS},
                                   "response_distribution": results[index].pop("distribution")}
    return results


def program_durations(session, periods: Periods) -> list[dict]:
    """fields (issue 11): per period, the program's durations kept with the CAD times
    (fieldapp.metrics.program_times.ROLLED_UP: en route to clear, response by priority, police backup,
    referral to accepted and to completed)."""
    return _percentiles(session, periods, program_times.ROLLED_UP)


def _percentiles(session, periods: Periods, kinds=DURATIONS) -> list[dict]:
    """Per period and duration, n, median and 90th percentile: sql.percentile over the sorted durations,
    reading (in one statement) only the durations at the ranks it interpolates between."""
    d = DurationDay
    minutes = defaultdict(list)  # (period, kind) -> [(minute, n)]
    for row in _sums(session, _period(d, periods).label("period"), d.kind, d.minute, d.n,
                     where=[*_in_scope(session, d, periods), d.kind.in_(kinds)]):
        minutes[(int(row.period), row.kind)].append((row.minute, row.n))
    ranks = {}  # (period, kind, fraction) -> (position, [(minute, rank within the minute)] of the two ranks)
    for (index, kind), counts in minutes.items():
        counts.sort()
        n = sum(count for _, count in counts)
        for pct in PERCENTILES:
            position = pct / 100 * (n - 1)
            lower = int(position)
            found = [_minute_of(counts, rank) for rank in (lower, min(lower + 1, n - 1))]
            ranks[(index, kind, pct)] = (position, found)
    values = _ranked_values(session, periods, {(index, kind, *place) for (index, kind, _), (_, found)
                                               in ranks.items() for place in found})
    times = []
    for index in range(len(periods.items)):
        figures = {}
        for kind in kinds:
            n = sum(count for _, count in minutes[(index, kind)])
            result = {}
            for pct in PERCENTILES:
                if not n:
                    result[pct] = None
                    continue
                position, found = ranks[(index, kind, pct)]
                low, high = (values[(index, kind, *place)] for place in found)
                result[pct] = low + (high - low) * (position - int(position))
            figures[kind] = {"n": n, "median": seconds(result[50]), "p90": seconds(result[90])}
        times.append(figures)
    return times


def _minute_of(counts: list[tuple[int, int]], rank: int) -> tuple[int, int]:
    """The minute that holds the duration of this rank (0 = shortest), and its rank within the minute."""
    before = 0
    for minute, count in counts:
        if rank < before + count:
            return minute, rank - before
        before += count
    raise AssertionError("rank beyond the counted durations")  # the counts and the durations disagree


def _ranked_values(session, periods: Periods, wanted: set) -> dict:
    """The duration at each wanted (period, kind, minute, rank within the minute), from
    metrics_call_durations, in one statement: a part per run of consecutive ranks (a percentile's
    two ranks are usually neighbours), each ordering only that minute's durations of that period in
    the database (``OFFSET first rank LIMIT length of the run``)."""
    d = CallDuration
    span = periods.span
    scope = []
    if span.unit_id is not None:
        scope.append(d.unit_id == span.unit_id)
    if span.call_type:
        scope.append(d.call_type == span.call_type)
    runs = []  # (period, kind, minute, first rank, how many)
    for index, kind, minute, rank in sorted(wanted):
        last = runs[-1] if runs else None
        if last and last[:3] == (index, kind, minute) and last[3] + last[4] == rank:
            runs[-1] = (*last[:4], last[4] + 1)
        else:
            runs.append((index, kind, minute, rank, 1))
    if not runs:
        return {}
    parts = [select(literal(number).label("run"), d.value)
             .where(d.kind == kind, d.minute == minute, d.received_at >= periods.items[index].start,
                    d.received_at < periods.items[index].end, *scope)
             .order_by(d.value).offset(first).limit(length).subquery()
             for number, (index, kind, minute, first, length) in enumerate(runs)]
    found = defaultdict(list)
    for run, value in session.execute(union_all(*(select(part.c.run, part.c.value) for part in parts))):
        found[run].append(value)
    values = {}
    for number, (index, kind, minute, first, _) in enumerate(runs):
        for offset, value in enumerate(sorted(found[number])):
            values[(index, kind, minute, first + offset)] = value
    return values


def encounters_and_equity(session, periods: Periods) -> list[tuple[dict, dict]]:
    """The figures by period from rows read by whole months where they can be, and the chart's outcomes
    by its buckets (days and weeks: by month rows only where a bucket holds a whole month)."""
    e = EncounterDay
    buckets = [buckets_for(period) for period in periods.items]
    edges = [day for period in buckets for day in period.starts] + [periods.span.end_date]
    rows = _sums(session, _period(e, periods).label("period"), e.outcome, e.hospitalization_type, e.probable_cause,
                 e.diverted, e.use_of_force, e.force_type, e.enforcement_action, e.races, e.n,
                 where=_in_scope(session, e, periods))
    by_bucket = _sums(session, sql.bucket_index(e.day, edges).label("bucket"), e.outcome, e.n,
                      where=_in_scope(session, e, periods, edges))
    per_period = [[row for row in rows if int(row.period) == index] for index in range(len(periods.items))]
    over_time, first = [], 0
    for period in buckets:
        count = len(period.starts)
        over_time.append([(int(row.bucket) - first, row.outcome, row.n) for row in by_bucket
                          if first <= int(row.bucket) < first + count])
        first += count
    return encounters_from_parts(per_period, over_time, buckets)


def referrals(session, periods: Periods) -> list[dict]:
    r = ReferralDay
    rows = _sums(session, _period(r, periods).label("period"), r.category, r.part2_program, r.status,
                 r.consent_declined, r.n, where=_in_scope(session, r, periods))
    return [referrals_from_rows([row for row in rows if int(row.period) == index])
            for index in range(len(periods.items))]


def follow_ups(session, periods: Periods, now) -> list[dict]:
    f = FollowUpDay
    totals = [dict.fromkeys(FOLLOW_UP_COUNTS, 0) for _ in periods.items]
    # An open one is overdue when its due time is before ``now``: judged in the query, so a few rows come back.
    state = case((f.state != "open", f.state), (f.due_at < now, "overdue"), else_="not_yet_due")
    for row in _sums(session, _period(f, periods).label("period"), state.label("state"), f.n,
                     where=_in_scope(session, f, periods)):
        counts = totals[int(row.period)]
        counts["total"] += row.n
        counts[row.state] += row.n
    return [follow_ups_from_totals(counts) for counts in totals]


def people(session, periods: Periods) -> list[dict]:
    c = ContactDay
    results = []
    for period in periods.items:
        first = or_(c.prev_day.is_(None), c.prev_day < period.start_date)
        repeat_first = and_(c.repeat, or_(c.prev_repeat_day.is_(None), c.prev_repeat_day < period.start_date))
        inner = select(c.gender, c.age_group, c.races, case((first, c.n), else_=0).label("people"),
                       case((repeat_first, c.n), else_=0).label("repeats")).where(
            *_in_scope(session, c, Periods.of(period))).subquery()
        keys = (inner.c.gender, inner.c.age_group, inner.c.races)
        rows = session.execute(select(*keys, func.sum(inner.c.people), func.sum(inner.c.repeats))
                               .group_by(*keys)).all()
        results.append(people_from_counts([(g, a, r, int(n or 0), int(k or 0)) for g, a, r, n, k in rows]))
    return results


def program(session, periods: Periods) -> Counter:
    """fields (issue 11): the counts by (period, kind, key) that program.counts takes from the records."""
    p = ProgramDay
    counted = Counter()
    for row in _sums(session, _period(p, periods).label("period"), p.kind, p.key, p.n,
                     where=_in_scope(session, p, periods)):
        counted[(int(row.period), row.kind, row.key)] += row.n
    return counted
