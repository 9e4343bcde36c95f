"""The filters every metric and export takes: a period of days, a unit and a call type.

A period is given as ``from`` (the first day counted) and ``to`` (the last day counted), or as a
preset (fieldapp.metrics.presets), in the agency's zone (``fieldapp.clock``): the first quarter
of 2026 is ``from=2026-01-01&to=2026-03-31``. Inside, ``Filters`` keeps ``end_date``, the day after
the last, so that a period is ``[start, end)`` from midnight to midnight. Calls are placed in a
period by ``calls.received_at``; encounters, referrals and follow-ups by the call they belong to.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from marshmallow import ValidationError, fields, pre_load, validates_schema

from fieldapp import clock
from fieldapp.calls import constants as call_constants
from fieldapp.calls.models import Call
from fieldapp.i18n.messages import N_
from fieldapp.metrics.presets import PRESETS, preset_days
from fieldapp.metrics.sql import bucket_index
from fieldapp.schemas import BaseSchema, Choice, Day, Id

DEFAULT_DAYS = 90
MAX_DAYS = 366 * 5


@dataclass(frozen=True)
class Filters:
    start_date: date  # first day counted
    end_date: date  # the day after the last day counted
    zone: str = "UTC"
    unit_id: int | None = None
    call_type: str | None = None

    @property
    def start(self) -> datetime:
        return clock.local_midnight(self.start_date, self.zone)

    @property
    def end(self) -> datetime:
        return clock.local_midnight(self.end_date, self.zone)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days

    @property
    def last_day(self) -> date:
        return self.end_date - timedelta(days=1)

    def previous(self) -> "Filters":
        """The period of the same length just before this one, with the same unit and call type."""
        return replace(self, start_date=self.start_date - timedelta(days=self.days), end_date=self.start_date)

    def as_dict(self) -> dict:
        """As the query parameters say it: ``to`` is the last day counted."""
        return {"from": self.start_date.isoformat(), "to": self.last_day.isoformat(),
                "unit_id": self.unit_id, "call_type": self.call_type}

    def call_conditions(self, call=Call) -> list:
        """WHERE conditions on ``calls`` (or an alias of it) selecting the calls of these filters."""
        conditions = [call.received_at >= self.start, call.received_at < self.end]
        if self.unit_id is not None:
            conditions.append(call.unit_id == self.unit_id)
        if self.call_type:
            conditions.append(call.call_type == self.call_type)
        return conditions


@dataclass(frozen=True)
class Periods:
    """Back-to-back periods with the same unit and call type, whose metrics are computed together.

    Each query then reads the calls of all the periods once and groups them by ``index``: the
    dashboard's period and the one before it cost one pass over their calls, not two.
    """

    items: tuple[Filters, ...]  # in time order, each ending where the next starts

    @classmethod
    def of(cls, *periods: Filters) -> "Periods":
        items = tuple(sorted(periods, key=lambda period: period.start_date))
        for earlier, later in zip(items, items[1:], strict=False):
            if earlier.end_date != later.start_date or (earlier.unit_id, earlier.call_type) != \
                    (later.unit_id, later.call_type):
                raise ValueError("Periods computed together must be back to back, with one unit and call type.")
        return cls(items)

    @property
    def span(self) -> Filters:
        """One period from the first one's start to the last one's end."""
        return replace(self.items[0], end_date=self.items[-1].end_date)

    def call_conditions(self, call=Call) -> list:
        return self.span.call_conditions(call)

    def index(self, column):
        """Which period (its position in ``items``) a receipt time of the span falls in (SQL).

        For two periods, a comparison (true for the later one): PostgreSQL knows a boolean has two
        values, so it sees that grouping by it gives few groups and may aggregate in parallel; for a
        CASE on the time it would expect as many groups as calls.
        """
        if len(self.items) == 2:
            return column >= self.items[1].start
        return bucket_index(column, [period.start for period in self.items] + [self.items[-1].end])


class FilterSchema(BaseSchema):
    """Query parameters of the metrics API, the dashboard and every export."""

    from_ = Day(data_key="from", metadata={"description": "First day counted (YYYY-MM-DD, agency "
                                           "time). Default: 90 days ending with `to`."})
    to = Day(metadata={"description": "Last day counted (YYYY-MM-DD, agency time): the first quarter "
                       "is from=2026-01-01&to=2026-03-31. Default: today."})
    preset = Choice(PRESETS, N_("Choose a period."), metadata={
        "description": "A named period instead of from/to: " + ", ".join(PRESETS) + " (fieldapp.metrics.presets)."})
    unit_id = Id("unit", strict=False, allow_none=True,
                 metadata={"description": "Only calls (last) assigned to this unit."})
    call_type = Choice(call_constants.CALL_TYPES, N_("Choose a call type."), allow_none=True,
                       metadata={"description": "Only calls of this APCO incident type."})

    @pre_load
    def _drop_empty(self, data, **kwargs):
        """An HTML form sends its empty choices ("All units") as empty strings: they mean "not given"."""
        return {key: value for key, value in data.items() if value not in ("", None)}

    @validates_schema
    def _check_period(self, data, **kwargs):
        start, last = data.get("from_"), data.get("to")
        if data.get("preset") and (start or last):
            raise ValidationError(N_("Choose a named period or dates, not both."), "preset")
        if start and last:
            if last < start:
                raise ValidationError(f"The last day ({last.isoformat()}) is before the first "
                                      f"({start.isoformat()}): swap them, or pick another day.", "to")
            if (last - start).days + 1 > MAX_DAYS:
                raise ValidationError(f"A period is at most {MAX_DAYS} days.", "to")


class ExportFilterSchema(FilterSchema):
    deidentified = fields.Boolean(load_default=False, metadata={
        "description": "1 for the HIPAA Safe Harbor de-identified variant (see docs/exports.md)."})


def filters_from(data: dict, zone: str) -> Filters:
    """Filters from loaded ``FilterSchema`` data, filling the default period (the 90 days to today)."""
    if data.get("preset"):
        start, last = preset_days(data["preset"], clock.today(zone))
    else:
        start, last = data.get("from_"), data.get("to")
    if last is None:
        last = max(clock.today(zone), start) if start else clock.today(zone)
    if start is None:
        start = last - timedelta(days=DEFAULT_DAYS - 1)
    return Filters(start_date=start, end_date=last + timedelta(days=1), zone=zone, unit_id=data.get("unit_id") or None,
                   call_type=data.get("call_type") or None)
