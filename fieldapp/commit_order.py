"""What every transaction does just before it commits, in one fixed order.

Three parts of fieldapp finish a unit of work at commit time, and each takes a transaction-scoped
lock on PostgreSQL to do it. Taken in a different order by two transactions, those locks would
deadlock, and listener order would otherwise depend on which module a process imported first
(the web, worker and live processes import differently). So one listener calls them in this order:

1. metrics roll-ups: re-roll the days the transaction touched (a lock per day, in date order);
2. live events: write them under the lock that makes event ids follow commit order;
3. the audit chain: append this transaction's audit rows under the chain's lock, last, so the
   chain's lock is never held while waiting for any other lock.

Inside a batch of outbox records (``fieldapp.uow``) a record's commit is a savepoint: its
share of this work is held and done once, by the batch's own commit.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from fieldapp import uow
from fieldapp.audit import chain
from fieldapp.live import services as live
from fieldapp.metrics import tracking


@event.listens_for(Session, "before_commit")
def _before_commit(session):
    if uow.hold(session):
        return
    tracking.refresh(session)
    live.write_pending(session)
    chain.append_pending(session)
