"""Time buckets for charts over a period: days, weeks or months in the agency's zone."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldapp import clock
from fieldapp.i18n import formats
from fieldapp.metrics.filters import Filters

# What a bucket is called in a sentence ("Encounters per week by outcome").
UNIT_NAMES = {"day": _l("day"), "week": _l("week"), "month": _l("month")}


@dataclass(frozen=True)
class Buckets:
    unit: str  # day | week | month
    starts: list[date]  # first day of each bucket; the last bucket ends at the period's end
    edges: list[datetime]  # UTC: starts + the period's end

    @property
    def labels(self) -> list[str]:
        """Each bucket's name in the user's locale (fieldapp.i18n.formats): "Dec 2026" / "dic 2026",
        "Wk Dec 7" / "Sem. 7 dic", "Dec 7" / "7 dic"."""
        if self.unit == "month":
            return [formats.format_month(day) for day in self.starts]
        if self.unit == "week":
            return [_("Wk %(day)s", day=formats.format_day(day)) for day in self.starts]
        return [formats.format_day(day) for day in self.starts]


def buckets_for(filters: Filters) -> Buckets:
    """Days up to a month, weeks (from Monday) up to about six months, months beyond."""
    start, end = filters.start_date, filters.end_date
    days = (end - start).days
    starts = [start]
    if days <= 31:
        unit = "day"
        starts = [start + timedelta(days=n) for n in range(days)]
    elif days <= 190:
        unit = "week"
        day = start + timedelta(days=(7 - start.weekday()) % 7 or 7)
        while day < end:
            starts.append(day)
            day += timedelta(days=7)
    else:
        unit = "month"
        day = _next_month(start)
        while day < end:
            starts.append(day)
            day = _next_month(day)
    edges = [clock.local_midnight(day, filters.zone) for day in starts] + [filters.end]
    return Buckets(unit=unit, starts=starts, edges=edges)


def months_of(filters: Filters) -> Buckets:
    """Calendar months (the first and last may be partial), for the public summary."""
    starts, day = [filters.start_date], _next_month(filters.start_date)
    while day < filters.end_date:
        starts.append(day)
        day = _next_month(day)
    edges = [clock.local_midnight(day, filters.zone) for day in starts] + [filters.end]
    return Buckets(unit="month", starts=starts, edges=edges)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
