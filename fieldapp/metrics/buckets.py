"""Time buckets for charts over a period: days, weeks or months in the agency's zone."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fieldapp import clock
from fieldapp.metrics.filters import Filters


@dataclass(frozen=True)
class Buckets:
    unit: str  # day | week | month
    starts: list[date]  # first day of each bucket; the last bucket ends at the period's end
    edges: list[datetime]  # UTC: starts + the period's end

    @property
    def labels(self) -> list[str]:
        if self.unit == "month":
            return [day.strftime("%b %Y") for day in self.starts]
        if self.unit == "week":
            return [f"Wk {day.strftime('%b')} {day.day}" for day in self.starts]
        return [f"{day.strftime('%b')} {day.day}" for day in self.starts]


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
