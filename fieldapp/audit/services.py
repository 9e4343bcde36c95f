"""Writing and searching the audit trail. Callers commit with their unit of work."""

from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import func, select

from fieldapp.audit import chain
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import utcnow
from fieldapp.extensions import db


def record(action, *, obj=None, object_type=None, object_id=None, outcome="success", user=None,
           details=None):
    """Add an audit row to the unit of work: ``obj`` may be any model with an ``id``.

    The row is chained (``fieldapp.audit.chain``) and written when the session commits; a rollback
    drops it with the rest of the unit of work.
    """
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = obj.id
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user
    ip = agent = None
    if has_request_context():
        ip = request.remote_addr
        agent = (request.user_agent.string or "")[:255]
    event = AuditEvent(
        at=utcnow(),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        outcome=outcome,
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", None),
        ip=ip,
        user_agent=agent,
        details=chain.jsonable(details),
    )
    db.session.connection()  # the unit of work has begun, so a rollback now also drops this row
    chain.pending(db.session).append(event)
    return event


def record_read(action, **kwargs):
    """Record a read and commit it at once, keeping the rows just read loaded (a list of 200 calls
    would otherwise be reloaded one by one as the page or the API response is built)."""
    event = record(action, **kwargs)
    session = db.session()  # the request's own Session behind the scoped proxy
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep
    return event


def search_query(*, username=None, user_id=None, action=None, actions=(), object_type=None, object_id=None,
                 since: datetime | None = None, until: datetime | None = None):
    """Audit rows matching the filters, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if username:
        query = query.where(AuditEvent.username == username)
    if user_id is not None:
        query = query.where(AuditEvent.user_id == user_id)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == str(object_id))
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    return query


def search(*, limit=200, **filters):
    return db.session.scalars(search_query(**filters).limit(limit)).all()


def page_of(page: int, per_page: int, **filters) -> tuple[int, list[AuditEvent]]:
    """(how many rows match, the rows of page ``page`` counting from 1), newest first."""
    query = search_query(**filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all()
    return total, rows
