"""Job functions of the metrics: the month and week rows made again after commits (fieldapp.metrics.spans)."""

from fieldapp.extensions import db
from fieldapp.jobs import queue as jobs
from fieldapp.metrics import spans

JOB = "fieldapp.metrics.jobs.refresh_spans"
DEDUPE = "metrics:spans"  # one job waiting at a time: it makes every span marked when it starts


def refresh_spans() -> int:
    return spans.refresh(db.session)


def enqueue_after_commit(session) -> None:
    jobs.enqueue_after_commit(JOB, dedupe=DEDUPE, session=session)


def sweep() -> int:
    """Enqueue the job again while any span is marked (a job lost with a worker, a restarted demo)."""
    marked = len(spans.dirty(db.session))
    db.session.rollback()
    if marked:
        jobs.enqueue(JOB, dedupe=DEDUPE)
    return marked
