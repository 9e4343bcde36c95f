"""Make the daily roll-ups (fieldapp.metrics.models) of some days again from the records.

``rebuild(session, days, zone)`` deletes every roll-up row of those days and counts the records
of those days again, with the same SQL expressions the direct computation uses (so the figures
summed from days are the same numbers), and marks their months and weeks to be summed again by a
job (fieldapp.metrics.spans); ``rebuild(session, None, zone)`` does every day, month and week. Nothing
here commits: the caller's transaction holds the records and their roll-ups together. Each statement
is built once per shape of the days (fieldapp.metrics.rollup_days.Days) and run with their values.
"""

from collections import Counter
from datetime import date

from sqlalchemy import (
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    true,
)

from fieldapp.calls.models import Call
from fieldapp.database import dialect_of
from fieldapp.directory.models import Service
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import contacts, program, program_sums, program_times, spans, sql
from fieldapp.metrics.calls import DURATIONS, RESPONSE_EDGES_MIN, call_columns
from fieldapp.metrics.models import (
    ALL_TYPES,
    ALL_UNITS,
    ROLLUPS,
    CallDay,
    CallDuration,
    ContactDay,
    DirtySpan,
    DurationDay,
    EncounterDay,
    FollowUpDay,
    ProgramDay,
    ReferralDay,
)
from fieldapp.metrics.outcomes import counted_outcome
from fieldapp.metrics.rollup_days import Days, built
from fieldapp.notes.models import FollowUp
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral

BATCH = 5000


def scopes(unit_id, call_type) -> list[tuple[int, str]]:
    """The scopes a record of this unit and call type is counted in (models: ``unit_key``, ``type_key``)."""
    both = [(ALL_UNITS, ALL_TYPES), (ALL_UNITS, call_type)]
    return both if unit_id is None else [*both, (unit_id, ALL_TYPES), (unit_id, call_type)]


def rebuild(session, days: set[date] | None, zone: str) -> None:
    """Delete and make again every day row of ``days`` (local days) and mark their months and weeks for
    fieldapp.metrics.spans; None: every row of every day, month and week."""
    chosen = Days(session, days, zone)
    if days is None:
        for model in (*ROLLUPS, CallDuration, DirtySpan):
            session.execute(delete(model.__table__))
    else:
        for start in range(0, len(chosen.days), BATCH):
            for model in ROLLUPS:
                session.execute(_delete_days(model), {"days": chosen.days[start:start + BATCH]})
        session.execute(_delete_durations(chosen), chosen.params)
    if not chosen.days:
        return
    _calls(session, chosen)
    _durations(session, chosen)
    _encounters(session, chosen)
    _referrals(session, chosen)
    _follow_ups(session, chosen)
    _program(session, chosen)
    _write(session, ContactDay, ("prev_day", "repeat", "prev_repeat_day", "gender", "age_group", "races"),
           contacts.rows(session, chosen), scoped=True)
    if days is None:
        spans.make(session, spans.of_days(chosen.days))
    else:  # made again by a job (fieldapp.metrics.spans), not in this commit
        spans.mark(session, chosen.days)


@built
def _delete_days(model):
    table = model.__table__
    return delete(table).where(table.c.month.is_(False), table.c.week.is_(False),
                               table.c.day.in_(bindparam("days", expanding=True)))


@built
def _delete_durations(days: Days):
    return delete(CallDuration.__table__).where(days.condition(CallDuration.received_at))


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


def _grouped(days: Days, *columns, select_from):
    """The statement counting the records of ``days`` by day, unit, call type and ``columns``."""
    inner = select(days.of(Call.received_at).label("day"), Call.unit_id, Call.call_type, *columns) \
        .select_from(select_from).where(days.condition(Call.received_at)).subquery()
    return select(*inner.c, func.count()).group_by(*inner.c)


def _rows(session, days: Days, statement) -> list[tuple]:
    return [(days.day(row[0]), *row[1:]) for row in session.execute(statement, days.params)]


def _calls(session, days: Days) -> None:
    _write(session, CallDay, ("call_type", "reason", "assigned", "served", "bucket"),
           _rows(session, days, _calls_statement(days)))


@built
def _calls_statement(days: Days):
    columns = call_columns()
    edges = [minutes * 60 for minutes in RESPONSE_EDGES_MIN]
    bucket = func.coalesce(sql.bucket_of(columns["response"], edges), 0) - 1
    served = case((exists().where(Encounter.call_id == Call.id), True), else_=False)
    return _grouped(days, Call.call_type.label("type"), columns["reason"], columns["assigned"],
                    served.label("served"), bucket.label("bucket"), select_from=Call.__table__)


def _durations(session, days: Days) -> None:
    """Each call's durations into metrics_call_durations, then their counts by day and minute."""
    copies, counted = _duration_statements(days)
    for statement in copies:
        session.execute(statement, days.params)
    _write(session, DurationDay, ("kind", "minute"), _rows(session, days, counted))


@built
def _duration_statements(days: Days) -> tuple[list, object]:
    columns = call_columns()
    in_days = days.condition(Call.received_at)
    every = [(kind, columns[kind], program_times.own_record(), Call.__table__, true()) for kind in DURATIONS]
    copies = [insert(CallDuration.__table__).from_select(
        ["call_id", "kind", "record_id", "minute", "value", "received_at", "unit_id", "call_type"],
        select(Call.id, literal(kind), record_id, sql.whole_minutes(value), value, Call.received_at,
               Call.unit_id, Call.call_type).select_from(select_from).where(in_days, condition, value.is_not(None)))
        for kind, value, record_id, select_from, condition in every + program_times.durations([in_days])]
    d = CallDuration
    inner = select(days.of(d.received_at).label("day"), d.unit_id, d.call_type, d.kind, d.minute) \
        .where(days.condition(d.received_at)).subquery()
    return copies, select(*inner.c, func.count()).group_by(*inner.c)


ENCOUNTER_KEYS = ("outcome", "hospitalization_type", "probable_cause", "diverted", "use_of_force", "force_type",
                  "enforcement_action")


def _encounters(session, days: Days) -> None:
    _write(session, EncounterDay, (*ENCOUNTER_KEYS, "races"), _rows(session, days, _encounters_statement(days)))


@built
def _encounters_statement(days: Days):
    e = Encounter
    return _grouped(days, *(counted_outcome() if key == "outcome" else getattr(e, key) for key in ENCOUNTER_KEYS),
                    cast(Person.race_ethnicity, Text),
                    select_from=e.__table__.join(Call.__table__, Call.id == e.call_id)
                    .outerjoin(Person.__table__, Person.id == e.person_id))


def _referrals(session, days: Days) -> None:
    _write(session, ReferralDay, ("category", "part2_program", "status", "consent_declined"),
           _rows(session, days, _referrals_statement(days)))


@built
def _referrals_statement(days: Days):
    return _grouped(days, Service.category, Service.part2_program, Referral.status,
                    (Referral.consent_type == "declined"),
                    select_from=Referral.__table__.join(Encounter.__table__, Encounter.id == Referral.encounter_id)
                    .join(Call.__table__, Call.id == Encounter.call_id)
                    .join(Service.__table__, Service.id == Referral.service_id))


def _follow_ups(session, days: Days) -> None:
    _write(session, FollowUpDay, ("state", "due_at"), _rows(session, days, _follow_ups_statement(days)))


@built
def _follow_ups_statement(days: Days):
    done, due = FollowUp.done_at, FollowUp.due_at
    state = case((and_(done.is_not(None), done <= due), "on_time"), (done.is_not(None), "late"), else_="open")
    return _grouped(days, state, case((done.is_(None), due)),
                    select_from=FollowUp.__table__.join(Encounter.__table__, Encounter.id == FollowUp.encounter_id)
                    .join(Call.__table__, Call.id == Encounter.call_id))


def _program(session, days: Days) -> None:
    """fields (issue 11): the program's counts by kind and key (fieldapp.metrics.program), per day."""
    by_keys, sums = _program_statements(days)
    counts = Counter()
    for names, statement in by_keys:
        counts.update(program.spread(_rows(session, days, statement), names, 3))
    unit_time, addresses = (session.execute(statement, days.params) for statement in sums)
    for day, *rest, n in program_sums.from_rows(unit_time, addresses):
        counts[(days.day(day), *rest)] += n
    _write(session, ProgramDay, ("kind", "key"), [(*key, n) for key, n in counts.items()])


@built
def _program_statements(days: Days) -> tuple[list, tuple]:
    in_days = days.condition(Call.received_at)
    attempted, reached = program.first_contact(False, in_days), program.first_contact(True, in_days)
    by_keys = []
    for keys, select_from in ((program.call_keys(), Call.__table__),
                              (program.encounter_keys(attempted, reached), program.encounters_from(attempted, reached)),
                              (program.contact_keys(), program.contacts_from())):
        by_keys.append((list(keys), _grouped(days, *(expression.label(name) for name, expression in keys.items()),
                                             select_from=select_from)))
    lead = [days.of(Call.received_at).label("day"), Call.unit_id, Call.call_type]
    return by_keys, program_sums.statements(lead, [in_days], bindparam("earliest"), bindparam("after"))
