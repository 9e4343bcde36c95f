"""Enqueueing jobs: RQ on Redis where ``REDIS_URL`` is set, a thread in this process otherwise.

A job is a thin, idempotent wrapper around a service call, named by its dotted path
(``"fieldapp.integrations.webhooks.jobs.deliver_stream"``) and given plain arguments. What must
happen (a webhook, a push) is a row first; the job only says "look at that row now". The worker's
sweep (``fieldapp.jobs.sweeps``) enqueues again whatever is due, so a job lost with a crashed
worker or a restarted demo is retried from the table.

Jobs are enqueued after the commit that wrote their row (``enqueue_after_commit``), so a worker
never looks before the row is there, and a rolled-back change sends nothing.
"""

import logging

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from fieldapp.extensions import db

log = logging.getLogger(__name__)
_AFTER_COMMIT = "fieldapp_jobs_after_commit"


def backend():
    return current_app.extensions["fieldapp_jobs"]


def enqueue(path: str, *args, dedupe: str | None = None) -> None:
    """Run ``path(*args)`` soon. With ``dedupe``, nothing is added while a job with that key is waiting
    (it has not started, so it will see whatever this caller wrote)."""
    try:
        backend().enqueue(path, args, dedupe)
    except Exception:  # noqa: BLE001 - the row is written; the sweep will enqueue it again
        log.exception("could not enqueue %s; the sweep will retry it", path)


def enqueue_after_commit(path: str, *args, dedupe: str | None = None, session=None) -> None:
    """Enqueue when the current unit of work (of ``session``; the app's by default) commits; forget it if
    it rolls back."""
    (session or db.session).info.setdefault(_AFTER_COMMIT, []).append((path, args, dedupe))


@sa_event.listens_for(Session, "after_commit")
def _enqueue_committed(session):
    for path, args, dedupe in session.info.pop(_AFTER_COMMIT, ()):
        enqueue(path, *args, dedupe=dedupe)


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    if not session.in_transaction():  # the whole unit of work is gone (a savepoint's rollback is not)
        session.info.pop(_AFTER_COMMIT, None)
