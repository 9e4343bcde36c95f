"""Daily roll-ups of the metrics: the dashboard's figures summed from days instead of every record.

Each row counts the records of one local day (the agency's zone; the day a call was received), of
one calendar month (``month``: the sum of its days, so long periods read twelve rows where they
would read 365), or of one week from Monday (``week``: for the parts of a period that are not whole
months, and the weekly chart buckets), in one *scope*: all units and call types (``unit_key`` 0,
``type_key`` ''), one unit, one call type, or both. A call without a unit is only in the scopes of
every unit. Rows are never edited: the rows of a day (and its week and month) are deleted and made
again from the records (``fieldapp.metrics.rollups``) whenever a record of that day changes, in the
same transaction (``fieldapp.metrics.tracking``), and all of them by ``flask metrics rebuild``.
docs/metrics.md, "Performance", says what each table holds.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import Date, Float, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.database import Base

ALL_UNITS = 0
ALL_TYPES = ""
NO_RECORD = uuid.UUID(int=0)  # CallDuration.record_id of a call's own durations


class RollupState(Base):
    """One row once roll-ups exist: the zone their days are in, and whether they must be rebuilt.

    No row: nothing was rolled up yet (an empty database), so the roll-ups are complete. ``stale``:
    records were written that the roll-ups do not know (a migration over existing data, a bulk load),
    so the figures are computed from the records until ``flask metrics rebuild`` has run.
    """

    __tablename__ = "metrics_rollup_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(String(64))
    stale: Mapped[bool] = mapped_column(default=False)


class DirtySpan(Base):
    """A month or week (``span``, its first ``day``) whose rows are behind its day rows: a commit re-rolled
    one of its days. A job (fieldapp.metrics.jobs) makes its rows again and deletes the mark if no
    commit marked it meanwhile (``generation``); until then the figures read its weeks or days."""

    __tablename__ = "metrics_dirty_spans"

    span: Mapped[str] = mapped_column(String(5), primary_key=True)  # month | week
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer)


class _Scoped:
    """``ix_<table>_scope`` finds a scope's rows for the figures; ``ix_<table>_by_day`` finds every scope's
    rows of a day (a commit's refresh) or of a span (fieldapp.metrics.spans)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[bool] = mapped_column(default=False)  # a month's sum of its day rows (``day``: its first day)
    week: Mapped[bool] = mapped_column(default=False)  # a week's sum of its day rows (``day``: its Monday)
    day: Mapped[date] = mapped_column(Date)
    unit_key: Mapped[int] = mapped_column(Integer)
    type_key: Mapped[str] = mapped_column(String(20))
    n: Mapped[int] = mapped_column(Integer)


class CallDay(_Scoped, Base):
    """Calls by served or not, the reason they would not be, dispatched, and response-time bucket."""

    __tablename__ = "metrics_call_days"
    __table_args__ = (Index("ix_metrics_call_days_scope", "unit_key", "type_key", "month", "day"),
                      Index("ix_metrics_call_days_by_day", "month", "day", "week"))

    call_type: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))
    assigned: Mapped[bool]
    served: Mapped[bool]
    bucket: Mapped[int] = mapped_column(Integer)  # response-time bucket, -1: no response time


class DurationDay(_Scoped, Base):
    """How many calls had each CAD duration (queue, response, on scene) in each whole minute."""

    __tablename__ = "metrics_duration_days"
    __table_args__ = (Index("ix_metrics_duration_days_scope", "unit_key", "type_key", "month", "day"),
                      Index("ix_metrics_duration_days_by_day", "month", "day", "week"))

    kind: Mapped[str] = mapped_column(String(10))
    minute: Mapped[int] = mapped_column(Integer)


class CallDuration(Base):
    """Each call's durations, found by (kind, minute): the exact values of the one minute that holds a
    percentile's rank are read from here (fieldapp.metrics.fast). Most are the call's own (its CAD
    times, en route to clear: ``record_id`` is NO_RECORD); some are of one of its records, counted in the call's
    day and scope (an encounter's police backup, a referral's times: ``record_id`` is that record's id)."""

    __tablename__ = "metrics_call_durations"
    # Covering on PostgreSQL: a percentile's lookup reads the minute's durations from an index alone, by
    # receipt time for a short period (then sorts the few in it), or in value order for a long one (a
    # year holds thousands in a minute: no sort, the rows outside the period are skipped).
    __table_args__ = (Index("ix_metrics_call_durations_lookup", "kind", "minute", "received_at",
                            postgresql_include=["value"]),
                      Index("ix_metrics_call_durations_by_value", "kind", "minute", "value",
                            postgresql_include=["received_at"]),
                      Index("ix_metrics_call_durations_received_at", "received_at"))

    call_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=NO_RECORD)
    minute: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    received_at: Mapped[datetime]
    unit_id: Mapped[int | None]
    call_type: Mapped[str] = mapped_column(String(20))


class EncounterDay(_Scoped, Base):
    """Encounters by what happened, with the person's race/ethnicity (the equity table)."""

    __tablename__ = "metrics_encounter_days"
    __table_args__ = (Index("ix_metrics_encounter_days_scope", "unit_key", "type_key", "month", "day"),
                      Index("ix_metrics_encounter_days_by_day", "month", "day", "week"))

    outcome: Mapped[str] = mapped_column(String(20))
    hospitalization_type: Mapped[str | None] = mapped_column(String(20))
    probable_cause: Mapped[bool]
    diverted: Mapped[bool]
    use_of_force: Mapped[bool]
    force_type: Mapped[str | None] = mapped_column(String(30))
    enforcement_action: Mapped[bool]
    races: Mapped[str | None] = mapped_column(Text)  # the person's race/ethnicity (JSON text); NULL: no person


class ReferralDay(_Scoped, Base):
    """Referrals by the service's category, Part 2, status now, and declined consent."""

    __tablename__ = "metrics_referral_days"
    __table_args__ = (Index("ix_metrics_referral_days_scope", "unit_key", "type_key", "month", "day"),
                      Index("ix_metrics_referral_days_by_day", "month", "day", "week"))

    category: Mapped[str] = mapped_column(String(40))
    part2_program: Mapped[bool]
    status: Mapped[str] = mapped_column(String(20))
    consent_declined: Mapped[bool]


class FollowUpDay(_Scoped, Base):
    """Follow-ups done on time, done late, or open (with their due time: overdue is judged when asked)."""

    __tablename__ = "metrics_follow_up_days"
    __table_args__ = (Index("ix_metrics_follow_up_days_scope", "unit_key", "type_key", "month", "day"),
                      Index("ix_metrics_follow_up_days_by_day", "month", "day", "week"))

    state: Mapped[str] = mapped_column(String(10))  # on_time | late | open
    due_at: Mapped[datetime | None]  # open ones only


class ContactDay(_Scoped, Base):
    """A person's contacts (their first encounter on a call) with the day of their previous contact.

    People served in ``[a, b)`` are the contacts of those days whose previous contact *in the same
    scope* is before ``a`` (or none): each person once, at their first call in the period, whose
    day gives the age. Repeat contacts likewise, counting the contacts that followed another call
    within 90 days, by the previous such contact (``prev_repeat_day``). In a month's row a previous
    day inside the month is the month's first day: a period that holds the whole month starts on
    or before it, so such a contact is not its person's first there either way, and the rows merge.
    """

    __tablename__ = "metrics_contact_days"
    __table_args__ = (Index("ix_metrics_contact_days_scope", "unit_key", "type_key", "month", "day"),
                      Index("ix_metrics_contact_days_by_day", "month", "day", "week"))

    prev_day: Mapped[date | None] = mapped_column(Date)
    repeat: Mapped[bool]
    prev_repeat_day: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(30))
    age_group: Mapped[str] = mapped_column(String(10))
    races: Mapped[str | None] = mapped_column(Text)


class ProgramDay(_Scoped, Base):
    """fields (issue 11): calls, encounters and follow-up contacts by one key of one kind (a call's source,
    an encounter's destination, ...: fieldapp.metrics.program), a row per (kind, key) of a day."""

    __tablename__ = "metrics_program_days"
    __table_args__ = (Index("ix_metrics_program_days_scope", "unit_key", "type_key", "month", "day"),
                      Index("ix_metrics_program_days_by_day", "month", "day", "week"))

    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(40))


ROLLUPS = (CallDay, DurationDay, EncounterDay, ReferralDay, FollowUpDay, ContactDay, ProgramDay)
