"""The audit trail as a hash chain: a row changed or removed in the database shows.

Each row's ``hash`` is SHA-256 over its own content and ``prev_hash``, the hash of the row before
it (``prev_id``). ``verify`` walks the rows in id order and names the first one that does not fit.

Appending is "read the last row, write the next", so two transactions appending at once would
both chain to the same row (a fork). Appends are serialized instead:

- PostgreSQL: the advisory lock ``fieldapp.locks.AUDIT_CHAIN`` before the last row is read. It is
  held until the transaction ends, so the next appender reads the last row only after this one has committed
  (READ COMMITTED gives each statement a fresh snapshot) or rolled back (its row never existed).
- SQLite: one writer at a time already; a no-op UPDATE takes the write lock before the read, so
  the read sees the newest row and no other writer can append until this transaction ends.

Audit rows join the session only when the unit of work commits (``before_commit``, after the
unit's own rows are flushed), so the chain is locked last and only for the commit itself: a
transaction holding the chain never waits for another's row locks, which keeps deadlocks out.
The unique ``prev_id`` is the backstop: a fork would be refused by the database, never written.

Pruning (retention) removes a prefix of the chain; the prune's own audit row records the last
removed row's id and hash (the anchor), from which the remaining chain still verifies.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from fieldapp import locks
from fieldapp.audit.models import AuditEvent
from fieldapp.database import dialect_of

GENESIS = "0" * 64
PRUNE_ACTION = "audit.prune"
_PENDING = "fieldapp_audit_pending"
_CONTENT = ("id", "at", "user_id", "username", "action", "object_type", "object_id", "outcome", "ip",
            "user_agent", "details", "prev_id", "prev_hash")


def jsonable(details: dict | None) -> dict:
    """``details`` as the database will hand them back (JSON types only), so the hash matches."""
    return json.loads(json.dumps(details or {}, default=str))


def digest(row) -> str:
    """The hash of a row's content, ``prev_hash`` included (format fixed: changing it breaks verify)."""
    content = {name: getattr(row, name) for name in _CONTENT}
    content["at"] = row.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def pending(session: Session) -> list:
    """Audit rows waiting for the session's commit (``fieldapp.audit.services.record`` adds them)."""
    return session.info.setdefault(_PENDING, [])


def append_pending(session):
    """Chain and add the rows waiting for this commit; ``fieldapp.commit_order`` calls it last."""
    events = session.info.pop(_PENDING, None)
    if events:
        session.flush()  # the unit of work's own rows first; then the chain is locked, last
        append(session, events)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session, previous_transaction):
    session.info.pop(_PENDING, None)


def lock(session: Session) -> None:
    """Serialize appenders until this transaction ends (see the module docstring)."""
    locks.xact_lock(session, locks.AUDIT_CHAIN)  # PostgreSQL
    if dialect_of(session) == "sqlite":
        session.execute(text("UPDATE audit_events SET id = id WHERE 0"))


def _next_ids(session: Session, prev_id: int | None, count: int) -> list[int]:
    """Ids for ``count`` new rows, increasing (one query however many rows: a batch's audit rows)."""
    if dialect_of(session) == "postgresql":
        return sorted(session.scalars(text("SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) "
                                           "FROM generate_series(1, :count)"), {"count": count}))
    return [(prev_id or 0) + n for n in range(1, count + 1)]  # SQLite: INTEGER PRIMARY KEY's choice, locked


def append(session: Session, events: list[AuditEvent]) -> None:
    """Chain ``events`` after the last row and add them to ``session``."""
    lock(session)
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    prev_id, prev_hash = (last.id, last.hash) if last else (None, GENESIS)
    for row, row_id in zip(events, _next_ids(session, prev_id, len(events)), strict=True):
        row.id = row_id
        row.prev_id, row.prev_hash = prev_id, prev_hash
        row.hash = digest(row)
        session.add(row)
        prev_id, prev_hash = row.id, row.hash


@dataclass
class Report:
    rows: int
    last_id: int | None
    last_hash: str | None
    broken_id: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _anchors(session: Session) -> dict:
    """Where a pruned chain may start: {last removed row's id: its hash}, from the prune rows."""
    found = {}
    for details in session.scalars(select(AuditEvent.details).where(AuditEvent.action == PRUNE_ACTION)):
        if isinstance(details, dict) and "anchor_id" in details:
            found[details["anchor_id"]] = details.get("anchor_hash")
    return found


def _start_problem(row, anchors) -> tuple[int, str] | None:
    if row.prev_id is None and row.prev_hash == GENESIS:
        return None
    if row.prev_id is not None and anchors.get(row.prev_id) == row.prev_hash:
        return None
    if row.prev_id is None:
        return row.id, f"audit row {row.id} claims to start the chain but does not fit its start"
    return row.prev_id, (f"audit row {row.prev_id} is missing: row {row.id} follows it, and no prune "
                         "recorded its removal")


def _link_problem(row, previous) -> tuple[int, str] | None:
    if row.prev_id != previous.id:
        if row.prev_id is not None and row.prev_id > previous.id:
            return row.prev_id, (f"audit row {row.prev_id} is missing: row {row.id} follows it, "
                                 f"but the row before {row.id} is {previous.id}")
        return row.id, f"audit row {row.id} was changed: it names row {row.prev_id} as its predecessor"
    if row.prev_hash != previous.hash:
        return previous.id, (f"audit row {previous.id} was changed: row {row.id} recorded a different "
                             f"hash for it")
    return None


def verify(session: Session) -> Report:
    """Walk the chain in id order; the report names the first row changed or missing."""
    anchors = _anchors(session)
    previous, count = None, 0
    table = AuditEvent.__table__  # plain rows, streamed: the identity map stays empty however long the log
    rows = session.execute(select(table).order_by(table.c.id).execution_options(yield_per=1000))
    try:
        for row in rows:
            count += 1
            if digest(row) != row.hash:
                return Report(count, row.id, row.hash, row.id,
                              f"audit row {row.id} was changed: its content does not match its hash")
            problem = _start_problem(row, anchors) if previous is None else _link_problem(row, previous)
            if problem:
                return Report(count, row.id, row.hash, *problem)
            previous = row
    finally:
        rows.close()  # a server-side cursor on PostgreSQL, even when the walk stops early
    return Report(count, previous.id if previous else None, previous.hash if previous else None)
