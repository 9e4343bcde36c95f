"""Reading one record a user may see: the visibility rules are the query, the read is audited."""

import uuid

from flask_babel import gettext as _

from fieldapp.audit import services as audit
from fieldapp.errors import NotFound
from fieldapp.extensions import db


def get_visible(query, model, record_id, *, user, what: str, audit_read: bool):
    """The record with ``record_id`` among ``query`` (the user's visible records), else 404: a record
    the user may not see is answered exactly like one that does not exist."""
    record = db.session.scalar(query.where(model.id == record_id)) if isinstance(record_id, uuid.UUID) else None
    if record is None:
        raise NotFound(_("No such %(what)s.", what=what))
    if audit_read:
        audit.record(f"{what}.view", obj=record, user=user)
        db.session.commit()
    return record
