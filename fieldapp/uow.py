"""One database transaction for a batch of outbox records, a savepoint for each record.

The records are saved by the pages' own services, which end each unit of work with
``db.session.commit()``. For the length of a batch ``db.session`` is a session joined to one
connection's transaction in ``create_savepoint`` mode (SQLAlchemy's "join an external
transaction"): a service's commit releases the record's savepoint, its rollback (a refused
record) undoes that record alone, and the records before and after it stay.

What a commit does besides (``fieldapp.commit_order``: re-roll the metrics days, write the live
events under their ordering lock, chain the audit rows; ``fieldapp.jobs``: enqueue after commit) is
held, record by record, and done once for the batch by the real commit at the end: one roll-up of
the days touched, one ordering lock, one chain append, the locks taken in the usual order and only
for that commit. The batch commits whole or not at all, so the device deletes only what is durable,
and after a crash it sends the batch again: what was saved is a replay, the rest is stored.
"""

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session, lazyload

from fieldapp.database import dialect_of
from fieldapp.extensions import db

HELD = "fieldapp_sync_held"  # session.info key: what the batch's records' commits left to do
MEMO = "fieldapp_sync_memo"  # session.info key: what is read once per batch (see ``memo``)
LOCKED = "fieldapp_sync_locked"  # session.info key: rows this transaction holds locked (see ``locked``)
KEPT = "fieldapp_sync_kept"  # session.info key: what the batch loaded, held for its length (see ``_keep``)


def _merge(into: dict, items: dict) -> None:
    """Add one record's pending work (lists, sets, dicts of them) to what the batch holds."""
    for key, value in items.items():
        held = into.get(key)
        if held is None:
            into[key] = value
        elif isinstance(held, list):
            held.extend(value)
        elif isinstance(held, set):
            held.update(value)
        elif isinstance(held, dict):
            _merge(held, value)
        else:
            into[key] = value


def hold(session: Session) -> bool:
    """A record's commit inside a batch (``fieldapp.commit_order`` asks first): flush it, so a unique
    key refuses it now, and keep what its commit would do for the batch's commit. False outside a batch."""
    held = session.info.get(HELD)
    if held is None:
        return False
    session.flush()
    _merge(held, {key: session.info.pop(key) for key in list(session.info) if key not in (HELD, MEMO, LOCKED, KEPT)})
    return True


def memo(key, load):
    """``load()``, read once per batch of outbox records, where a batch is one transaction and its records
    share what ``load`` reads (the user's open shift); outside a batch, ``load()`` each time."""
    cache = db.session.info.get(MEMO)
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def forget(topic) -> None:
    """Drop what the batch read once (``memo``) about ``topic``, the first item of its keys: a record
    of the batch changed it (a shift opened or closed, the zones replaced), so the next record reads it again."""
    cache = db.session.info.get(MEMO)
    if cache:
        for key in [key for key in cache if isinstance(key, tuple) and key[0] == topic]:
            del cache[key]


def remember(key, value) -> None:
    """What ``memo(key, ...)`` answers for the rest of the batch (a record of the batch made it so:
    the shift it opened); outside a batch, nothing."""
    cache = db.session.info.get(MEMO)
    if cache is not None:
        cache[key] = value


def locked(key, load):
    """``load()`` (a row read FOR UPDATE), once per batch: while the batch's transaction holds the
    row's lock nobody else can change it, so the object it loaded is current and a second re-read
    is not needed. A rollback (a record set aside) may release locks taken since its savepoint, so
    it forgets them all. Outside a batch, ``load()`` each time."""
    held = db.session.info.get(LOCKED)
    if held is None:
        return load()
    if key not in held:
        row = load()
        held[key] = row
    return held[key]


def holds_lock(key) -> bool:
    """Whether the batch's transaction already holds the lock ``locked(key, ...)`` took (a read
    made now cannot miss a change to that row by another transaction)."""
    return key in db.session.info.get(LOCKED, ())


def while_locked(row, key, load):
    """``load()``, a read about ``row`` (who may see it), answered again from the batch's last read
    while the batch's transaction holds ``row``'s lock: no one else can change the row meanwhile (and
    the record that took the lock checked the locked row itself). Outside a batch, ``load()`` each time."""
    held = db.session.info.get(LOCKED)
    if held is None:
        return load()
    key = ("read", row, key)
    if key not in held or row not in held:
        held.pop(key, None)
        value = load()
        held[key] = value
        return value
    return held[key]


def _forget_locks(session, previous_transaction) -> None:
    session.info.get(LOCKED, {}).clear()


def _keep(session, instance) -> None:
    """Hold each object the batch loads until the batch ends: the identity map keeps objects only
    while something refers to them, and a unit or a call read by one record is otherwise read again
    by the next one (a many-to-one lazy load finds it in the map instead)."""
    session.info[KEPT].append(instance)


def _no_eager_loads(state) -> None:
    """A batch answers with addresses, not records: relationships load only when code reads them (a
    call's timeline is otherwise fetched again with each record about that call)."""
    if state.is_select and not state.is_column_load and not state.is_relationship_load:
        state.statement = state.statement.options(lazyload("*"))


class Attempt:
    """A batch's transaction, as the block sees it."""

    def __init__(self, outer):
        self.outer, self.abandoned = outer, False

    @property
    def intact(self) -> bool:
        """False once a record's rollback has undone the whole transaction (no savepoints)."""
        return self.outer.is_active

    def abandon(self) -> None:
        """Roll the transaction back at the end of the block instead of committing it."""
        self.abandoned = True


def _end_reads(session: Session) -> None:
    """End the request's own transaction (who signed in), keeping what it loaded: its connection must
    hold no lock while the batch's connection waits for one (a lock queued between them would wait
    for a client that is waiting for itself)."""
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


@contextmanager
def transaction(*, savepoints: bool):
    """Run the block with ``db.session`` joined to one transaction; commit it at the end.

    With ``savepoints`` each record's unit of work is a savepoint, so a record's rollback undoes that
    record alone. Without, a record's commit only flushes and a rollback undoes the whole transaction
    (see ``Attempt.intact``): two fewer round trips per record, for a batch where everything lands.
    Leaving by an exception, or abandoned, the whole batch is rolled back: nothing saved.
    """
    registry = db.session.registry
    request_session = registry()
    _end_reads(request_session)
    with db.engine.connect() as connection:
        outer = connection.begin()
        if dialect_of(connection) == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # pysqlite begins lazily; savepoints need a BEGIN
        records = Session(bind=connection, expire_on_commit=False, info={HELD: {}, MEMO: {}, LOCKED: {}, KEPT: []},
                          join_transaction_mode="create_savepoint" if savepoints else "rollback_only")
        event.listen(records, "do_orm_execute", _no_eager_loads)
        event.listen(records, "after_soft_rollback", _forget_locks)
        event.listen(records, "loaded_as_persistent", _keep)
        registry.set(records)
        attempt = Attempt(outer)
        try:
            yield attempt
            if not attempt.abandoned and attempt.intact:
                final = Session(bind=connection, join_transaction_mode="control_fully",
                                info=records.info.pop(HELD))
                registry.set(final)
                with final:
                    final.commit()  # commit_order's work for the whole batch, then COMMIT; after_commit hooks
        finally:
            registry.set(request_session)
            records.close()
            if outer.is_active:
                outer.rollback()
