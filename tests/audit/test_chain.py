"""The audit trail is a hash chain: a row changed or deleted in SQL shows in `flask audit verify`;
retention removes only rows older than a year and leaves a chain that still verifies."""

import threading
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import func, select, text

from fieldapp.audit.models import AuditEvent
from fieldapp.audit.services import record
from fieldapp.clock import utcnow
from fieldapp.live.models import LiveEvent


def _rows(db, n, *, age=timedelta(0)):
    ids = []
    for i in range(n):
        event = record("test.event", object_type="test", object_id=i, details={"i": i, "note": "é\u2028"})
        event.at = utcnow() - age
        db.session.commit()
        ids.append(event.id)
    return ids


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@contextmanager
def _trigger_lifted(db):
    """What an attacker with the owner's rights could do: change a row behind the app's back.

    The trigger is dropped and put back on one connection. On SQLite a pooled connection that has not
    read the file since another connection dropped the trigger still holds the old schema, and DDL is
    checked against that cached schema: CREATE TRIGGER on it says "already exists" and the trigger is
    gone for the next test (seen once earlier tests had filled the pool with parallel requests)."""
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as conn:
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only" if postgres
                          else "DROP TRIGGER audit_events_append_only"))
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only" if postgres else
                              "CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events "
                              "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"))
            conn.commit()


def test_an_untouched_chain_verifies(app, db, api, new_call):
    new_call()
    _rows(db, 3)
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 0, result.stderr
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    assert f"OK: {count - 1} audit rows chained" in result.output  # the verify itself is the newest row
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == "audit.verify"


def test_a_row_deleted_in_sql_is_named_missing(app, db):
    ids = _rows(db, 5)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[2]})
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"audit row {ids[2]} is missing" in result.stderr


def test_the_first_row_deleted_in_sql_is_named_missing(app, db):
    ids = _rows(db, 3)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[0]})
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"audit row {ids[0]} is missing" in result.stderr


def test_a_row_changed_in_sql_is_named(app, db):
    ids = _rows(db, 4)
    with _trigger_lifted(db), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET username = 'someone-else' WHERE id = :id"), {"id": ids[1]})
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"audit row {ids[1]} was changed" in result.stderr


def test_a_row_changed_with_its_hash_recomputed_is_still_named(app, db):
    """Rewriting a row and its own hash does not help: the next row recorded the old hash."""
    from types import SimpleNamespace

    from fieldapp.audit.chain import digest

    ids = _rows(db, 4)
    row = db.session.get(AuditEvent, ids[1])
    forged = SimpleNamespace(**{c.name: getattr(row, c.name) for c in AuditEvent.__table__.columns})
    forged.outcome = "failure"
    with _trigger_lifted(db), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET outcome = 'failure', hash = :h WHERE id = :id"),
                     {"h": digest(forged), "id": ids[1]})
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"audit row {ids[1]} was changed" in result.stderr


def test_parallel_writers_extend_one_chain(app, db):
    """Threads committing audit rows at once (real parallelism on PostgreSQL) never fork the chain."""
    errors, barrier = [], threading.Barrier(12)

    def write(i):
        try:
            with app.app_context():
                barrier.wait()
                for j in range(3):
                    record("test.parallel", details={"thread": i, "n": j})
                    db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 36
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 0, result.stderr


def test_prune_refuses_anything_younger_than_a_year(app, db):
    _rows(db, 2, age=timedelta(days=300))
    young = (utcnow() - timedelta(days=300)).date().isoformat()
    result = _cli(app, "audit", "prune", "--before", young)
    assert result.exit_code != 0
    assert "kept at least a year" in result.stderr
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 2


def test_prune_removes_old_rows_records_it_and_the_rest_still_verifies(app, db, api, new_call):
    old = _rows(db, 4, age=timedelta(days=800))
    kept = _rows(db, 2, age=timedelta(days=10))
    db.session.add(LiveEvent(kind="call.created", at=utcnow() - timedelta(days=3), payload={}))
    db.session.commit()
    new_call()  # and a live event of now
    before = (utcnow() - timedelta(days=500)).date().isoformat()

    result = _cli(app, "audit", "prune", "--before", before)

    assert result.exit_code == 0, result.stderr
    assert "Removed 4 audit rows" in result.output
    remaining = db.session.scalars(select(AuditEvent.id)).all()
    assert not set(old) & set(remaining) and set(kept) <= set(remaining)
    prune = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.prune")).one()
    assert prune.details["removed"] == 4 and prune.details["anchor_id"] == old[-1]
    assert prune.details["live_events_removed"] == 1
    assert db.session.scalar(select(func.count(LiveEvent.id))) == 1
    assert _cli(app, "audit", "verify").exit_code == 0


def test_prune_of_every_row_leaves_a_chain_that_verifies(app, db):
    _rows(db, 3, age=timedelta(days=800))
    before = (utcnow() - timedelta(days=400)).date().isoformat()
    assert _cli(app, "audit", "prune", "--before", before).exit_code == 0
    assert db.session.scalars(select(AuditEvent.action)).all() == ["audit.prune"]
    result = _cli(app, "audit", "verify")
    assert result.exit_code == 0, result.stderr


def test_live_prune_keeps_recent_events_and_the_newest(app, db, api, new_call):
    new_call()
    db.session.add_all([LiveEvent(kind="old", at=utcnow() - timedelta(days=2), payload={}) for _ in range(3)])
    db.session.commit()
    newest = db.session.scalar(select(func.max(LiveEvent.id)))
    result = _cli(app, "live", "prune")
    assert result.exit_code == 0, result.stderr
    assert "Removed 2 live events" in result.output  # the newest stays even though it is old
    kinds = db.session.scalars(select(LiveEvent.kind).order_by(LiveEvent.id)).all()
    assert kinds == ["call.created", "old"] and db.session.scalar(select(func.max(LiveEvent.id))) == newest
