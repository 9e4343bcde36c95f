"""Processing a batch: each record alone, in order, in its own transaction.

Durability is waited for once per batch, not once per record: on PostgreSQL each record's transaction
commits with ``synchronous_commit`` off (atomic and in order, but the commit does not wait for the
disk), and a last synchronous commit waits until the WAL, every record's commit included, is on disk,
before the answer leaves. So the device deletes nothing the database could still lose; if the
server dies mid-batch the device gets no answer, sends the batch again, and what did survive is a
replay (same id and body), what did not is stored: exactly once either way.
"""

import logging

from flask import current_app
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import text
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from fieldapp.audit import services as audit
from fieldapp.errors import Forbidden, NotFound, ServiceError, flatten_fields
from fieldapp.extensions import db
from fieldapp.security.access import access_of, role_allowed
from fieldapp.sync.forms import HANDLERS

log = logging.getLogger(__name__)
INT32_MAX = 2**31 - 1  # ids in addresses: larger ones name nothing


def _route(path: str):
    """(endpoint, view args) of the field form at ``path``; NotFound for anything else."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(path.split("?", 1)[0], method="POST")
    except HTTPException:
        endpoint, args = None, {}
    if endpoint not in HANDLERS or any(isinstance(value, int) and not 0 < value <= INT32_MAX
                                       for value in args.values()):
        raise NotFound("This record is not a field form the outbox can send.",
                       fields={"path": ["Not a field form's address."]})
    return endpoint, args


def _refused(ref, status, code, message, fields=None) -> dict:
    return {"ref": ref, "result": "refused" if status < 500 else "failed", "status": status, "location": None,
            "error": {"code": code, "message": message, "fields": fields or {}}, "warnings": []}


def process(record: dict) -> dict:
    ref = record["ref"]
    try:
        endpoint, args = _route(record["path"])
        if not role_allowed(access_of(endpoint), current_user.role):
            raise Forbidden("Your role does not allow this.")
        created, location, warnings = HANDLERS[endpoint](args, MultiDict(record["fields"]))
    except ValidationError as error:
        db.session.rollback()
        return _refused(ref, 422, "invalid", "Some fields are not valid.", flatten_fields(error.messages))
    except ServiceError as error:
        db.session.rollback()
        if error.status == 403:
            audit.record("authz.denied", outcome="denied", details={"path": record["path"], "method": "POST",
                                                                    "message": error.message, "via": "sync"})
            db.session.commit()
        return _refused(ref, error.status, error.code, error.message, error.fields)
    except Exception:  # noqa: BLE001 - one record's server error must not cost the others theirs
        db.session.rollback()
        log.exception("sync: record %s failed", ref)
        return _refused(ref, 500, "internal_error", "Something went wrong on our side; nothing was saved. "
                        "The device sends this record again later.")
    return {"ref": ref, "result": "stored" if created else "replayed", "status": 201 if created else 200,
            "location": location, "error": None, "warnings": warnings}


def sync(records: list[dict]) -> list[dict]:
    grouped = db.session.get_bind().dialect.name == "postgresql"
    results = []
    for record in records:
        if grouped:
            db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))  # this record's transaction only
        results.append(process(record))
    if grouped:
        _wait_until_durable()
    return results


def _wait_until_durable() -> None:
    """One synchronous commit of a transaction with an id: it returns once the WAL up to it is flushed."""
    db.session.execute(text("SELECT pg_current_xact_id()"))
    db.session.commit()
