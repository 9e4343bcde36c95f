"""Make the daily roll-ups (fieldapp.metrics.models) of some days again from the records.

``rebuild(session, days, zone)`` deletes every roll-up row of those days and counts the records
of those days again, with the same SQL expressions the direct computation uses (so the figures
summed from days are the same numbers); ``rebuild(session, None, zone)`` does every day. Nothing
here commits: the caller's transaction holds the records and their roll-ups together.
"""

from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Text, and_, case, cast, delete, exists, func, insert, literal, or_, select, true, union_all

from fieldapp.calls.models import Call
from fieldapp.directory.models import Service
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import contacts, program, program_sums, program_times, sql
from fieldapp.metrics.calls import DURATIONS, RESPONSE_EDGES_MIN, call_columns
from fieldapp.metrics.common import dialect_of
from fieldapp.metrics.filters import local_midnight
from fieldapp.metrics.models import (
    ALL_TYPES,
    ALL_UNITS,
    ROLLUPS,
    CallDay,
    CallDuration,
    ContactDay,
    DurationDay,
    EncounterDay,
    FollowUpDay,
    ProgramDay,
    ReferralDay,
)
from fieldapp.metrics.outcomes import counted_outcome
from fieldapp.notes.models import FollowUp
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral

BATCH = 5000


def scopes(unit_id, call_type) -> list[tuple[int, str]]:
    """The scopes a record of this unit and call type is counted in (models: ``unit_key``, ``type_key``)."""
    both = [(ALL_UNITS, ALL_TYPES), (ALL_UNITS, call_type)]
    return both if unit_id is None else [*both, (unit_id, ALL_TYPES), (unit_id, call_type)]


class Days:
    """Some local days, as SQL: a condition on a receipt time and the local day of one."""

    def __init__(self, session, days: set[date] | None, zone: str):
        self.zone, self.dialect = zone, dialect_of(session)
        if days is None:  # every day that has a call
            first, last = session.execute(select(func.min(Call.received_at), func.max(Call.received_at))).one()
            days = set() if first is None else _days_between(_local_day(first, zone), _local_day(last, zone))
        self.days = sorted(days)

    def runs(self) -> list[tuple[date, date]]:
        """The days as runs of consecutive days: (first, first day after)."""
        runs = []
        for day in self.days:
            if runs and runs[-1][1] == day:
                runs[-1][1] = day + timedelta(days=1)
            else:
                runs.append([day, day + timedelta(days=1)])
        return [tuple(run) for run in runs]

    def condition(self, column):
        return or_(*(and_(column >= local_midnight(start, self.zone), column < local_midnight(end, self.zone))
                     for start, end in self.runs())) if self.days else literal(False)

    def of(self, column):
        """The local day of a receipt time (SQL): a date on PostgreSQL, an index into the days on SQLite."""
        if self.dialect == "postgresql":
            return cast(func.timezone(self.zone, column), Date)
        span = _days_between(self.days[0], self.days[-1] + timedelta(days=1)) if self.days else []
        self._span = sorted(span)
        return sql.bucket_index(column, [local_midnight(day, self.zone) for day in self._span])

    def day(self, value) -> date:
        return value if isinstance(value, date) else self._span[value]


def rebuild(session, days: set[date] | None, zone: str) -> None:
    """Delete and make again every roll-up row of ``days`` (local days; None: every day)."""
    chosen = Days(session, days, zone)
    if days is None:
        for model in (*ROLLUPS, CallDuration):
            session.execute(delete(model))
    else:
        for start in range(0, len(chosen.days), BATCH):
            batch = chosen.days[start:start + BATCH]
            for model in ROLLUPS:
                session.execute(delete(model).where(model.month.is_(False), model.week.is_(False),
                                                    model.day.in_(batch)))
        session.execute(delete(CallDuration).where(chosen.condition(CallDuration.received_at)))
    if not chosen.days:
        return
    in_days = chosen.condition(Call.received_at)
    _calls(session, chosen, in_days)
    _durations(session, chosen, in_days)
    _encounters(session, chosen, in_days)
    _referrals(session, chosen, in_days)
    _follow_ups(session, chosen, in_days)
    _program(session, chosen, in_days)
    _write(session, ContactDay, ("prev_day", "repeat", "prev_repeat_day", "gender", "age_group", "races"),
           contacts.rows(session, chosen, in_days), scoped=True)
    months = sorted({day.replace(day=1) for day in chosen.days})
    weeks = sorted({monday(day) for day in chosen.days})
    _spans(session, [("month", first, next_month(first)) for first in months]
           + [("week", first, first + timedelta(days=7)) for first in weeks])


SPANS_PER_STATEMENT = 100  # under SQLite's 500 terms of a compound SELECT


def _spans(session, spans: list[tuple[str, date, date]]) -> None:
    """Each month's and week's rows: the sums of its day rows (models, ``month`` and ``week``). ``spans``:
    (flag, first day, day after); one DELETE and one INSERT per table for up to 100 of them."""
    for start in range(0, len(spans), SPANS_PER_STATEMENT):
        batch = spans[start:start + SPANS_PER_STATEMENT]
        for model in ROLLUPS:
            table = model.__table__
            session.execute(delete(model).where(or_(*(and_(getattr(model, flag).is_(True), model.day == first)
                                                      for flag, first, _ in batch))))
            keys = [column for column in table.c
                    if column.name not in ("id", "month", "week", "day", "unit_key", "type_key", "n")]
            parts = []
            for flag, first, after in batch:
                values = [case((column >= first, first), else_=column).label(column.name)
                          if column.name in ("prev_day", "prev_repeat_day") else column for column in keys]
                inner = select(table.c.unit_key, table.c.type_key, *values, table.c.n).where(
                    table.c.month.is_(False), table.c.week.is_(False), table.c.day >= first,
                    table.c.day < after).subquery()
                grouped = [column for column in inner.c if column.name != "n"]
                parts.append(select(literal(flag == "month"), literal(flag == "week"), literal(first, Date),
                                    *grouped, func.sum(inner.c.n)).group_by(*grouped))
            names = ["month", "week", "day", "unit_key", "type_key", *(column.name for column in keys), "n"]
            session.execute(insert(model).from_select(names, union_all(*parts) if len(parts) > 1 else parts[0]))


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _write(session, model, keys: tuple[str, ...], rows, *, scoped: bool = False) -> None:
    """Insert ``rows`` ((day, unit_id, call_type, *keys, n)) into ``model``, counted in each of their scopes
    (``scoped``: the rows are (day, unit_key, type_key, *keys, n) already)."""
    counts = Counter()
    for day, unit_id, call_type, *values, n in rows:
        for unit_key, type_key in [(unit_id, call_type)] if scoped else scopes(unit_id, call_type):
            counts[(day, unit_key, type_key, *values)] += n
    names = ("day", "unit_key", "type_key", *keys, "month", "week", "n")
    # In scope order: a scope's rows of a rebuild lie together on disk, and a period reads few pages.
    rows = [(*key, False, False, n) for key, n in sorted(counts.items(), key=lambda item: (item[0][1:3], item[0][0]))]
    table = model.__table__
    if dialect_of(session) == "postgresql":  # COPY: the roll-ups of two years load in seconds
        with session.connection().connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    for start in range(0, len(rows), BATCH):
        session.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows[start:start + BATCH]])


def _grouped(session, days: Days, *columns, select_from, where):
    inner = select(days.of(Call.received_at).label("day"), Call.unit_id, Call.call_type, *columns) \
        .select_from(select_from).where(where).subquery()
    rows = session.execute(select(*inner.c, func.count()).group_by(*inner.c)).all()
    return [(days.day(row[0]), *row[1:]) for row in rows]


def _calls(session, days: Days, in_days) -> None:
    columns = call_columns()
    edges = [minutes * 60 for minutes in RESPONSE_EDGES_MIN]
    bucket = func.coalesce(sql.bucket_of(columns["response"], edges), 0) - 1
    served = case((exists().where(Encounter.call_id == Call.id), True), else_=False)
    rows = _grouped(session, days, Call.call_type.label("type"), columns["reason"], columns["assigned"],
                    served.label("served"), bucket.label("bucket"), select_from=Call, where=in_days)
    _write(session, CallDay, ("call_type", "reason", "assigned", "served", "bucket"), rows)


def _durations(session, days: Days, in_days) -> None:
    """Each call's durations into metrics_call_durations, then their counts by day and minute."""
    columns = call_columns()
    every = [(kind, columns[kind], program_times.own_record(), Call.__table__, true()) for kind in DURATIONS]
    for kind, value, record_id, select_from, condition in every + program_times.durations([in_days]):
        session.execute(insert(CallDuration).from_select(
            ["call_id", "kind", "record_id", "minute", "value", "received_at", "unit_id", "call_type"],
            select(Call.id, literal(kind), record_id, sql.whole_minutes(value), value, Call.received_at,
                   Call.unit_id, Call.call_type).select_from(select_from).where(in_days, condition,
                                                                                 value.is_not(None))))
    d = CallDuration
    inner = select(days.of(d.received_at).label("day"), d.unit_id, d.call_type, d.kind, d.minute) \
        .where(days.condition(d.received_at)).subquery()
    rows = session.execute(select(*inner.c, func.count()).group_by(*inner.c)).all()
    _write(session, DurationDay, ("kind", "minute"), [(days.day(row[0]), *row[1:]) for row in rows])


def _encounters(session, days: Days, in_days) -> None:
    e = Encounter
    keys = ("outcome", "hospitalization_type", "probable_cause", "diverted", "use_of_force", "force_type",
            "enforcement_action")
    rows = _grouped(session, days, *(counted_outcome() if key == "outcome" else getattr(e, key) for key in keys),
                    cast(Person.race_ethnicity, Text),
                    select_from=e.__table__.join(Call.__table__, Call.id == e.call_id)
                    .outerjoin(Person.__table__, Person.id == e.person_id), where=in_days)
    _write(session, EncounterDay, (*keys, "races"), rows)


def _referrals(session, days: Days, in_days) -> None:
    rows = _grouped(session, days, Service.category, Service.part2_program, Referral.status,
                    (Referral.consent_type == "declined"),
                    select_from=Referral.__table__.join(Encounter.__table__, Encounter.id == Referral.encounter_id)
                    .join(Call.__table__, Call.id == Encounter.call_id)
                    .join(Service.__table__, Service.id == Referral.service_id), where=in_days)
    _write(session, ReferralDay, ("category", "part2_program", "status", "consent_declined"), rows)


def _follow_ups(session, days: Days, in_days) -> None:
    done, due = FollowUp.done_at, FollowUp.due_at
    state = case((and_(done.is_not(None), done <= due), "on_time"), (done.is_not(None), "late"), else_="open")
    rows = _grouped(session, days, state, case((done.is_(None), due)),
                    select_from=FollowUp.__table__.join(Encounter.__table__, Encounter.id == FollowUp.encounter_id)
                    .join(Call.__table__, Call.id == Encounter.call_id), where=in_days)
    _write(session, FollowUpDay, ("state", "due_at"), rows)


def _program(session, days: Days, in_days) -> None:
    """fields (issue 11): the program's counts by kind and key (fieldapp.metrics.program), per day."""
    attempted, reached = program.first_contact(False, in_days), program.first_contact(True, in_days)
    counts = Counter()
    for keys, select_from in ((program.call_keys(), Call.__table__),
                              (program.encounter_keys(attempted, reached), program.encounters_from(attempted, reached)),
                              (program.contact_keys(), program.contacts_from())):
        rows = _grouped(session, days, *(expression.label(name) for name, expression in keys.items()),
                        select_from=select_from, where=in_days)
        counts.update(program.spread(rows, list(keys), 3))
    lead = [days.of(Call.received_at).label("day"), Call.unit_id, Call.call_type]
    first, last = days.days[0], days.days[-1] + timedelta(days=1)
    for day, *rest, n in program_sums.rows(session, lead, [in_days], local_midnight(first, days.zone),
                                           local_midnight(last, days.zone)):
        counts[(days.day(day), *rest)] += n
    _write(session, ProgramDay, ("kind", "key"), [(*key, n) for key, n in counts.items()])


def _local_day(moment, zone) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def _days_between(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}
