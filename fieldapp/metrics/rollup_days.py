"""The days a roll-up rebuild makes again (fieldapp.metrics.rollups), as SQL with bind parameters, and
the calendar of the roll-ups' rows: weeks from Monday, calendar months."""

from datetime import date, timedelta
from functools import cached_property, lru_cache, partial

from sqlalchemy import Date, and_, bindparam, cast, func, literal, or_, select

from fieldapp import clock
from fieldapp.calls.models import Call
from fieldapp.database import dialect_of
from fieldapp.metrics import sql
from fieldapp.metrics.people import REPEAT_WINDOW_DAYS


class Days:
    """Some local days, and the SQL that selects them: a condition on a receipt time and the local day of
    one, written with bind parameters (``params``), not the days themselves.

    So the statements a rebuild runs depend only on the days' *shape* (how many runs of consecutive
    days; on SQLite, how many days they span): two Days of one shape are equal, and the statements
    built for one (``built``) serve the other with its own ``params``. A commit's refresh of one day
    then builds nothing: building the statements was most of its cost.
    """

    def __init__(self, session, days: set[date] | None, zone: str):
        self.zone, self.dialect = zone, dialect_of(session)
        if days is None:  # every day that has a call
            first, last = session.execute(select(func.min(Call.received_at), func.max(Call.received_at))).one()
            days = set() if first is None else days_between(local_day(first, zone), local_day(last, zone))
        self.days = sorted(days)
        self.runs = []  # (first, first day after)
        for day in self.days:
            if self.runs and self.runs[-1][1] == day:
                self.runs[-1] = (self.runs[-1][0], day + timedelta(days=1))
            else:
                self.runs.append((day, day + timedelta(days=1)))
        # SQLite has no local day of a time: the midnights of every day spanned say which it is.
        self._span = [] if self.dialect == "postgresql" or not self.days else \
            sorted(days_between(self.days[0], self.days[-1] + timedelta(days=1)))
        self.shape = (self.dialect, zone, len(self.runs), len(self._span))

    def __eq__(self, other):
        return isinstance(other, Days) and self.shape == other.shape

    def __hash__(self):
        return hash(self.shape)

    @cached_property
    def params(self) -> dict:
        midnight = partial(clock.local_midnight, tz=self.zone)
        found = {f"lo{index}": midnight(first) for index, (first, _) in enumerate(self.runs)}
        found |= {f"hi{index}": midnight(after) for index, (_, after) in enumerate(self.runs)}
        found |= {f"d{index}": midnight(day) for index, day in enumerate(self._span)}
        if self.days:
            found |= {"first": midnight(self.days[0]), "after": midnight(self.days[-1] + timedelta(days=1)),
                      "earliest": midnight(self.days[0] - timedelta(days=REPEAT_WINDOW_DAYS + 1))}
        return found

    def condition(self, column):
        return or_(*(and_(column >= bindparam(f"lo{index}"), column < bindparam(f"hi{index}"))
                     for index in range(len(self.runs)))) if self.runs else literal(False)

    def of(self, column):
        """The local day of a receipt time (SQL): a date on PostgreSQL, an index into the days on SQLite."""
        if self.dialect == "postgresql":
            return cast(func.timezone(self.zone, column), Date)
        return sql.bucket_index(column, [bindparam(f"d{index}") for index in range(len(self._span))])

    def day(self, value) -> date:
        return value if isinstance(value, date) else self._span[value]


def built(build):
    """A statement builder called once per shape of its arguments (a Days, models, flags)."""
    return lru_cache(maxsize=64)(build)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def local_day(moment, zone) -> date:
    return clock.to_local(moment, zone).date()


def days_between(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}
