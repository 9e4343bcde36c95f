"""Every PostgreSQL advisory-lock key of the app, in one place, and the one way to take them.

``xact_lock`` takes a transaction-scoped lock (``pg_advisory_xact_lock``): it is held until the
transaction commits or rolls back, so there is nothing to release and no lock outlives its work.
On SQLite it does nothing: one writer at a time already orders the writers.

A key is either one 64-bit number (``xact_lock(session, KEY)``) or a 32-bit namespace with a
32-bit sub-key (``xact_lock(session, KEY, sub)``: one lock per day, say). PostgreSQL keeps the two
forms apart: a one-number lock never blocks a two-number one, whatever the values. In
``pg_locks`` (``locktype = 'advisory'``) a one-number key shows as ``classid`` (high 32 bits) and
``objid`` (low 32 bits) with ``objsubid = 1``; a namespaced one as ``classid = KEY``,
``objid = sub``, ``objsubid = 2``.

Never change a key's value or form. During a rolling deploy old and new processes run side by
side: a process using a new value would no longer exclude the old ones, and the writes the lock
orders (the audit chain, live event ids, roll-up rows) could interleave. A new lock gets a new
value, unused by any key here (a test checks that they are distinct).
"""

from sqlalchemy import BigInteger, Integer, bindparam, func, select

from fieldapp.database import dialect_of

LIVE_EVENTS = 0x6C697665  # "live"
"""Orders live-event ids by commit: ``fieldapp.live.services.write_pending`` takes it just before a
unit of work that publishes events commits, so a reader that sees event N never misses a smaller
id committed later. One-number form."""

AUDIT_CHAIN = 0x6669656C64617564  # "fieldaud"
"""Serializes appends to the audit hash chain: ``fieldapp.audit.chain.lock`` takes it before the
last row is read, so two commits never chain to the same row. One-number form."""

ROLLUP_DAYS = 11_0001
"""Namespace of the metrics' daily roll-ups, sub-key ``day.toordinal()``: a commit's refresh
(``fieldapp.metrics.tracking.refresh``) locks each local day it makes again, so two transactions
rebuilding one day take turns and the second counts the first one's records."""

METRIC_SPANS = 11_0002
"""Namespace of the roll-ups' months and weeks, sub-key ``first.toordinal() * 2`` (+1 for a week):
the span job (``fieldapp.metrics.spans.refresh``) locks each span it makes again, so two jobs at
once take turns on it."""


def xact_lock(session, key: int, sub: int | None = None) -> None:
    """Take the advisory lock ``key`` (with ``sub``: the lock ``sub`` in the namespace ``key``) until
    the transaction of ``session`` (or a connection) ends; wait while another transaction holds it.
    PostgreSQL only: on another database, nothing."""
    if dialect_of(session) != "postgresql":
        return
    if sub is None:
        session.execute(select(func.pg_advisory_xact_lock(bindparam("key", key, BigInteger()))))
    else:
        session.execute(select(func.pg_advisory_xact_lock(bindparam("key", key, Integer()),
                                                          bindparam("sub", sub, Integer()))))
