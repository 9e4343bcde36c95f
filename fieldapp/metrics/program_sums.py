"""Program figures that are counted over calls but are not one key of a call (docs/metrics.md, "Unit time
and cost" and "Repeat addresses"): the time units were committed (whole seconds, summed), the calls
dispatched, and the calls at an address with an earlier call within 90 days.

They are counted by (kind, key) like fieldapp.metrics.program's keys, so one Counter holds them: the
direct computation (``program.counts``, per period) and the daily roll-ups (``ProgramDay``, per day,
by fieldapp.metrics.rollups) call the same functions here, with a different ``lead`` (the period; or
the day, unit and call type).
"""

from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from fieldapp.calls.models import Call
from fieldapp.metrics import sql
from fieldapp.metrics.people import REPEAT_WINDOW_DAYS

UNITS, ADDRESS = "units", "address"
COMMITTED, ASSIGNED = "committed_seconds", "assigned"  # keys of UNITS
REPEAT, FIRST = "repeat", "first"  # keys of ADDRESS (calls with an address only)


def committed_seconds():
    """A call's time committed (SQL): from its first 'en route' (else its dispatch) to 'cleared', in
    whole seconds; 0 when it was never cleared or a device clock makes it negative."""
    value = sql.float_seconds_between(func.coalesce(Call.first_en_route_at, Call.first_assigned_at), Call.cleared_at)
    return case((value >= 0, sql.whole_seconds(value)), else_=0)


def rows(session, lead: list, where: list, low: datetime, high: datetime) -> list[tuple]:
    """(*lead, kind, key, n) of the calls meeting ``where``, all received in [``low``, ``high``).

    ``lead``: labelled columns of Call to count by (a period's index; or a day, unit and type)."""
    unit_time, addresses = statements(lead, where, low - timedelta(days=REPEAT_WINDOW_DAYS + 1), high)
    return from_rows(session.execute(unit_time), session.execute(addresses))


def statements(lead: list, where: list, earliest, high) -> tuple:
    """The two statements ``rows`` runs (``earliest``: ``low`` less the repeat window and a day, for the
    earlier calls at the counted calls' addresses; a value or a bind parameter, as ``high``)."""
    return _unit_time(lead, where), _addresses(lead, where, earliest, high)


def from_rows(unit_time, addresses) -> list[tuple]:
    """``rows`` from the results of ``statements``."""
    found = []
    for *head, seconds, assigned in unit_time:
        found += [(*head, UNITS, COMMITTED, int(seconds or 0)), (*head, UNITS, ASSIGNED, int(assigned))]
    return found + [(*head, ADDRESS, key, n) for *head, key, n in addresses]


def _unit_time(lead, where):
    inner = select(*lead, committed_seconds().label("seconds"), Call.first_assigned_at.label("assigned")) \
        .where(*where).subquery()
    keys = [inner.c[column.name] for column in lead]
    return select(*keys, func.sum(inner.c.seconds), func.count(inner.c.assigned)).group_by(*keys)


def _addresses(lead, where, earliest, high):
    """A call with an address is a repeat when the nearest earlier call at its address (``calls.address_key``;
    any unit or type; ties by call id) was received at most 90 days before it.

    One pass in time order over the calls at these calls' addresses: ``lag`` over the address, by receipt
    then id, gives each call's nearest earlier one, which is within the window exactly when any earlier
    one is. Earlier calls are read from the window's days before the first (a day more for a change of
    clock: ``earliest``); only the addresses of the counted calls are read, so a refresh of one day stays
    small."""
    earlier = aliased(Call, name="earlier")
    addresses = select(Call.address_key).where(*where, Call.address_key != "")
    nearest = select(earlier.id, func.lag(earlier.received_at).over(
        partition_by=earlier.address_key, order_by=(earlier.received_at, earlier.id)).label("at")) \
        .where(earlier.address_key.in_(addresses), earlier.received_at >= earliest, earlier.received_at < high) \
        .subquery("nearest")
    repeat = case((sql.within_days_before(nearest.c.at, Call.received_at, REPEAT_WINDOW_DAYS), REPEAT), else_=FIRST)
    inner = select(*lead, repeat.label("key")).select_from(Call).join(nearest, nearest.c.id == Call.id) \
        .where(*where, Call.address_key != "").subquery()
    keys = list(inner.c)
    return select(*keys, func.count()).group_by(*keys)


def for_units(counted) -> tuple[int, int]:
    """(committed seconds, calls dispatched) of one period's counts by (kind, key)."""
    return counted[(UNITS, COMMITTED)], counted[(UNITS, ASSIGNED)]


def for_addresses(counted) -> tuple[int, int]:
    """(calls with an address, repeat calls) of one period's counts by (kind, key)."""
    return counted[(ADDRESS, FIRST)] + counted[(ADDRESS, REPEAT)], counted[(ADDRESS, REPEAT)]
