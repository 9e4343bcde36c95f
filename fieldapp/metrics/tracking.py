"""Keep the daily roll-ups right as records change, in the transaction that changes them.

Whatever writes a call, a timeline entry, an encounter, a referral, a follow-up, a person or a
service through the ORM (the services, a replay, a late offline record, a sync batch), the session
notes which local days it touches when it flushes; just before the commit those days' roll-up rows
are made again from the records (fieldapp.metrics.rollups), and their months and weeks are marked
for a job to sum again (fieldapp.metrics.spans). A record that arrives late or offline
only dirties the day its call was received, however long ago. A person's day is every day of
their contacts (their previous contact moves when one is added); a call's address dirties the days of
the later calls at that address within the repeat window (whether they are repeat calls may change).
Writes that bypass the ORM (a bulk load, raw SQL) must be followed by ``flask metrics rebuild``.

On PostgreSQL each day is locked for the rest of the transaction (an advisory lock,
``fieldapp.locks.ROLLUP_DAYS``), so two transactions rebuilding the same day take turns and the
second counts the first one's records.
"""

from datetime import timedelta

from flask import has_app_context
from sqlalchemy import and_, event, insert, inspect, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldapp import clock, locks
from fieldapp.calls.models import Call, CallEvent
from fieldapp.database import dialect_of
from fieldapp.directory.models import Service
from fieldapp.encounters.models import Encounter
from fieldapp.followup_contacts.models import FollowUpContact
from fieldapp.metrics import jobs as metrics_jobs
from fieldapp.metrics import rollups
from fieldapp.metrics.models import RollupState
from fieldapp.metrics.people import REPEAT_WINDOW_DAYS
from fieldapp.notes.models import FollowUp
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral, ReferralEvent

DIRTY = "metrics_rollups_dirty"
BATCH = 2000
# Call columns no roll-up reads: a change to these alone re-rolls nothing (the response clock's breach
# alert, written by a background job, would otherwise re-roll the call's day and mark its spans).
UNREAD_CALL_COLUMNS = frozenset({"breach_alerted_at"})


def track_rollups() -> None:
    """Listen to every session (once per process)."""
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "after_rollback", _forget)


def _forget(session) -> None:
    session.info.pop(DIRTY, None)


def _values(obj, name: str) -> list:
    """The attribute's value now and before this flush (when it changed)."""
    history = inspect(obj).attrs[name].history
    return [value for value in (*history.added, *history.unchanged, *history.deleted) if value is not None]


def _only_unread_changed(call: Call) -> bool:
    attrs = inspect(call).attrs
    if not any(attrs[name].history.has_changes() for name in UNREAD_CALL_COLUMNS):
        return False  # the usual case, answered without looking at every column
    return all(attr.key in UNREAD_CALL_COLUMNS for attr in attrs if attr.history.has_changes())


def _collect(session, flush_context) -> None:
    if not has_app_context():
        return
    dirty = session.info.setdefault(DIRTY, {"days": set(), "calls": set(), "encounters": set(), "referrals": set(),
                                           "people": set(), "services": set(), "people_of_calls": set(),
                                           "addresses": set()})
    zone = clock.zone()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Call):
            if obj not in session.new and obj not in session.deleted and _only_unread_changed(obj):
                continue
            dirty["days"].update(moment.astimezone(zone).date() for moment in _values(obj, "received_at"))
            if obj.id is not None and any(inspect(obj).attrs[name].history.has_changes()
                                          for name in ("received_at", "unit_id", "call_type")):
                dirty["people_of_calls"].add(obj.id)
            if obj in session.new or obj in session.deleted or any(
                    inspect(obj).attrs[name].history.has_changes() for name in ("received_at", "address_key")):
                # Later calls at the address (old and new) may become, or stop being, repeat calls.
                dirty["addresses"].update((key, moment) for key in _values(obj, "address_key") if key
                                          for moment in _values(obj, "received_at"))
        elif isinstance(obj, CallEvent):
            dirty["calls"].update(_values(obj, "call_id"))
        elif isinstance(obj, Encounter):
            dirty["calls"].update(_values(obj, "call_id"))
            dirty["people"].update(_values(obj, "person_id"))
        elif isinstance(obj, Referral | FollowUp | FollowUpContact):
            dirty["encounters"].update(_values(obj, "encounter_id"))
        elif isinstance(obj, ReferralEvent):
            dirty["referrals"].update(_values(obj, "referral_id"))
        elif isinstance(obj, Person):
            dirty["people"].update(_values(obj, "id"))
        elif isinstance(obj, Service):
            dirty["services"].update(_values(obj, "id"))


def refresh(session) -> None:
    """Re-roll the days this transaction touched (``fieldapp.commit_order`` calls it first)."""
    session.flush()  # the last changes are collected too (a commit of unflushed changes only, among them)
    if DIRTY not in session.info:
        return
    dirty = session.info.pop(DIRTY)
    zone = clock.zone_name()
    if not any(dirty.values()) or not _maintained(session, zone):  # stale roll-ups: nothing to look up
        return
    days = dirty["days"] | {clock.to_local(moment, zone).date() for moment in _receipts(session, dirty)}
    if not days:
        return
    for day in sorted(days):
        locks.xact_lock(session, locks.ROLLUP_DAYS, day.toordinal())
    rollups.rebuild(session, days, zone)
    metrics_jobs.enqueue_after_commit(session)  # their months and weeks (fieldapp.metrics.spans)


def _receipts(session, dirty: dict) -> list:
    """The receipt times of the calls the dirty records belong to (a person: all their calls)."""
    moments = []
    people = set(dirty["people"])
    for start in range(0, len(dirty["people_of_calls"]), BATCH):
        batch = list(dirty["people_of_calls"])[start:start + BATCH]
        people.update(session.scalars(select(Encounter.person_id).where(Encounter.call_id.in_(batch),
                                                                        Encounter.person_id.is_not(None))))
    joined = select(Call.received_at).join(Encounter, Encounter.call_id == Call.id)
    queries = [(dirty["calls"], lambda ids: select(Call.received_at).where(Call.id.in_(ids))),
               (dirty["encounters"], lambda ids: joined.where(Encounter.id.in_(ids))),
               (people, lambda ids: joined.where(Encounter.person_id.in_(ids))),
               (dirty["referrals"], lambda ids: joined.join(Referral, Referral.encounter_id == Encounter.id)
                .where(Referral.id.in_(ids))),
               (dirty["services"], lambda ids: joined.join(Referral, Referral.encounter_id == Encounter.id)
                .where(Referral.service_id.in_(ids)))]
    for ids, query in queries:
        ids = list(ids)
        for start in range(0, len(ids), BATCH):
            moments.extend(session.scalars(query(ids[start:start + BATCH])))
    return moments + _later_at_addresses(session, dirty["addresses"])


def _later_at_addresses(session, changed: set) -> list:
    """The receipt times of the calls whose repeat-address flag a call added, moved or deleted at these
    (address, time) pairs may change: those at the address up to the repeat window after it."""
    window = timedelta(days=REPEAT_WINDOW_DAYS + 1)
    by_address = {}
    for key, moment in changed:
        low, high = by_address.get(key, (moment, moment))
        by_address[key] = (min(low, moment), max(high, moment))
    moments = []
    pairs = sorted(by_address.items())
    for start in range(0, len(pairs), BATCH):
        conditions = [and_(Call.address_key == key, Call.received_at >= low, Call.received_at <= high + window)
                      for key, (low, high) in pairs[start:start + BATCH]]
        moments.extend(session.scalars(select(Call.received_at).where(or_(*conditions))))
    return moments


def _maintained(session, zone: str) -> bool:
    """Whether the roll-ups are kept (complete, in this zone); the first write of an empty database starts them.

    On PostgreSQL the state row is read FOR SHARE: a rebuild (which locks the table) and these
    day-by-day refreshes do not overlap.
    """
    query = select(RollupState).where(RollupState.id == 1)
    if dialect_of(session) == "postgresql":
        query = query.with_for_update(read=True)
    state = session.scalar(query)
    if state is None:
        upsert = pg_insert if dialect_of(session) == "postgresql" else sqlite_insert
        session.execute(upsert(RollupState).values(id=1, zone=zone, stale=False).on_conflict_do_nothing())
        state = session.scalar(query)
    return not state.stale and state.zone == zone


def ready(session, zone: str) -> bool:
    """Whether the figures may be summed from the roll-ups: complete and in the agency's zone."""
    state = session.scalar(select(RollupState).where(RollupState.id == 1))
    return state is None or (not state.stale and state.zone == zone)


def rebuild_all(session, zone: str) -> None:
    """Every roll-up made again from the records, in the agency's zone (``flask metrics rebuild``)."""
    if dialect_of(session) == "postgresql":
        session.execute(text("LOCK TABLE metrics_rollup_state IN EXCLUSIVE MODE"))
    rollups.rebuild(session, None, zone)
    session.execute(RollupState.__table__.delete())
    session.execute(insert(RollupState).values(id=1, zone=zone, stale=False))

