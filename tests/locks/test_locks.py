"""The advisory-lock keys (fieldapp.locks) are distinct and keep their values; ``xact_lock`` takes the
lock for the rest of the transaction on PostgreSQL and does nothing on SQLite."""

import os

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from fieldapp import locks

KEYS = {name: value for name, value in vars(locks).items() if name.isupper() and isinstance(value, int)}
NAMESPACES = {"ROLLUP_DAYS", "METRIC_SPANS"}  # the keys taken with a sub-key (two-number form)
on_postgresql = pytest.mark.skipif(not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres"),
                                   reason="advisory locks are PostgreSQL's: run with TEST_DATABASE_URL=postgresql://...")


def test_every_key_has_its_own_value():
    assert len(set(KEYS.values())) == len(KEYS) == 4


def test_the_keys_keep_the_values_deployed_processes_use():
    """During a rolling deploy old and new processes must still exclude each other."""
    assert KEYS == {"LIVE_EVENTS": 0x6C697665, "AUDIT_CHAIN": 0x6669656C64617564,
                    "ROLLUP_DAYS": 11_0001, "METRIC_SPANS": 11_0002}


def test_each_key_fits_its_form():
    for name, value in KEYS.items():
        bits = 32 if name in NAMESPACES else 64
        assert -(2 ** (bits - 1)) <= value < 2 ** (bits - 1), name


def test_on_sqlite_xact_lock_sends_nothing():
    engine = create_engine("sqlite://")
    sent = []
    event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    try:
        with Session(engine) as session:
            locks.xact_lock(session, locks.AUDIT_CHAIN)
            locks.xact_lock(session, locks.ROLLUP_DAYS, 739_000)
            session.commit()
    finally:
        engine.dispose()
    assert sent == []


def _held(connection, pid) -> set[tuple[int, int, int]]:
    return {tuple(row) for row in connection.execute(text(
        "SELECT classid::bigint, objid::bigint, objsubid FROM pg_locks "
        "WHERE locktype = 'advisory' AND granted AND pid = :pid"), {"pid": pid})}


@on_postgresql
def test_on_postgresql_xact_lock_holds_the_lock_until_the_transaction_ends(db):
    key, namespace, sub = locks.AUDIT_CHAIN, locks.ROLLUP_DAYS, 739_000
    with Session(db.engine) as holder, db.engine.connect() as other:
        pid = holder.scalar(text("SELECT pg_backend_pid()"))
        locks.xact_lock(holder, key)
        locks.xact_lock(holder, namespace, sub)
        # pg_locks shows a one-number key as its high and low 32 bits, a namespaced one as it was given.
        assert _held(other, pid) == {(key >> 32, key & 0xFFFFFFFF, 1), (namespace, sub, 2)}
        assert other.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}) is False
        assert other.scalar(text("SELECT pg_try_advisory_xact_lock(:ns, :sub)"), {"ns": namespace, "sub": sub}) is False
        other.rollback()
        holder.commit()
        assert _held(other, pid) == set()
        assert other.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}) is True
        other.rollback()
