"""Month and week rows (models: ``month``, ``week``): the sums of their day rows, made again apart from
the commits that change those days.

A commit re-rolls only its days (fieldapp.metrics.tracking) and *marks* their month and week
(``metrics_dirty_spans``): summing a month's day rows in the commit cost seconds per status tap on a
year of a large program's data. A job (fieldapp.metrics.jobs, enqueued after the commit; the worker's
sweep enqueues it again if it was lost) makes each marked span's rows again from its day rows and
deletes the mark, unless a commit marked it again meanwhile (its ``generation`` moved on): then the
span stays marked for the next job. Until then the dashboard reads a marked span's weeks or days
(fieldapp.metrics.fast), so every figure is right at every moment; the spans only make it faster.
"""

from datetime import date, timedelta

from sqlalchemy import Date, and_, bindparam, case, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldapp import locks
from fieldapp.database import dialect_of
from fieldapp.metrics.models import ROLLUPS, DirtySpan, RollupState
from fieldapp.metrics.rollup_days import built, monday, next_month

SPANS_PER_STATEMENT = 100  # under SQLite's 500 terms of a compound SELECT


def of_days(days) -> list[tuple[str, date, date]]:
    """The months and weeks holding these days: (span, first day, day after)."""
    months = sorted({day.replace(day=1) for day in days})
    weeks = sorted({monday(day) for day in days})
    return [("month", first, next_month(first)) for first in months] + \
        [("week", first, first + timedelta(days=7)) for first in weeks]


def mark(session, days) -> None:
    """Mark the months and weeks of these days as behind their day rows (in this transaction)."""
    upsert = pg_insert if dialect_of(session) == "postgresql" else sqlite_insert
    for span, first, _ in sorted(of_days(days)):  # one order for every transaction: no deadlock
        statement = upsert(DirtySpan).values(span=span, day=first, generation=1)
        session.execute(statement.on_conflict_do_update(
            index_elements=["span", "day"], set_={"generation": DirtySpan.generation + 1}))


def dirty(session) -> set[tuple[str, date]]:
    """The marked spans: (span, first day)."""
    return {(span, day) for span, day in session.execute(select(DirtySpan.span, DirtySpan.day))}


def refresh(session) -> int:
    """Make every marked span's rows again, one span per transaction; returns how many were made.

    On PostgreSQL each transaction holds the roll-up state FOR SHARE, as a commit's refresh does, so
    ``flask metrics rebuild`` (which locks it) never runs beside it and finds its rows half made."""
    made = 0
    marked = session.execute(select(DirtySpan.span, DirtySpan.day, DirtySpan.generation)
                             .order_by(DirtySpan.day)).all()
    session.commit()
    postgresql = dialect_of(session) == "postgresql"
    for span, first, generation in marked:
        state = select(RollupState.stale).where(RollupState.id == 1)
        if session.scalar(state.with_for_update(read=True) if postgresql else state) is not False:
            session.rollback()  # nothing rolled up yet, or a rebuild is due: it makes every span
            return made
        locks.xact_lock(session, locks.METRIC_SPANS, first.toordinal() * 2 + (span == "week"))  # jobs take turns
        after = next_month(first) if span == "month" else first + timedelta(days=7)
        make(session, [(span, first, after)])
        session.execute(delete(DirtySpan).where(DirtySpan.span == span, DirtySpan.day == first,
                                                DirtySpan.generation == generation))
        session.commit()
        made += 1
    return made


def make(session, spans: list[tuple[str, date, date]]) -> None:
    """Each span's rows: the sums of its day rows. ``spans``: (span, first day, day after); one DELETE and
    one INSERT per table for up to 100 of them."""
    for start in range(0, len(spans), SPANS_PER_STATEMENT):
        batch = spans[start:start + SPANS_PER_STATEMENT]
        flags = tuple(flag for flag, _, _ in batch)
        params = {f"first{index}": first for index, (_, first, _) in enumerate(batch)}
        params |= {f"after{index}": after for index, (_, _, after) in enumerate(batch)}
        for model in ROLLUPS:
            removed, made = _statements(model, flags)
            session.execute(removed, params)
            session.execute(made, params)


@built
def _statements(model, flags: tuple[str, ...]) -> tuple:
    """The DELETE and the INSERT of ``make`` for spans of these flags (their days: bind parameters)."""
    table = model.__table__
    firsts = [bindparam(f"first{index}", type_=Date) for index in range(len(flags))]
    removed = delete(table).where(or_(*(and_(table.c.month.is_(flag == "month"), table.c.week.is_(flag == "week"),
                                             table.c.day == first)  # by ix_<table>_by_day
                                        for flag, first in zip(flags, firsts, strict=True))))
    keys = [column for column in table.c
            if column.name not in ("id", "month", "week", "day", "unit_key", "type_key", "n")]
    parts = []
    for index, (flag, first) in enumerate(zip(flags, firsts, strict=True)):
        # A previous contact inside the span is its first day: a period holding the whole span starts
        # on or before it, so it is not a first contact there either way (models.ContactDay).
        values = [case((column >= first, first), else_=column).label(column.name)
                  if column.name in ("prev_day", "prev_repeat_day") else column for column in keys]
        inner = select(table.c.unit_key, table.c.type_key, *values, table.c.n).where(
            table.c.month.is_(False), table.c.week.is_(False), table.c.day >= first,
            table.c.day < bindparam(f"after{index}", type_=Date)).subquery()
        grouped = [column for column in inner.c if column.name != "n"]
        parts.append(select(literal(flag == "month"), literal(flag == "week"), first, *grouped, func.sum(inner.c.n))
                     .group_by(*grouped))
    names = ["month", "week", "day", "unit_key", "type_key", *(column.name for column in keys), "n"]
    return removed, insert(table).from_select(names, union_all(*parts) if len(parts) > 1 else parts[0])
