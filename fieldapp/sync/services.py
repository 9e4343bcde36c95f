"""Processing a batch: each record alone, in order, in a savepoint of the batch's one transaction.

The batch commits once (``fieldapp.uow``): the records' roll-ups, live events, audit rows
and jobs are done for all of them at that commit, which waits for the disk once. A refused or
failed record's savepoint is rolled back and the others land; a batch that cannot commit saves
nothing and answers 5xx, and the device sends it again (a replay for whatever had been saved).
"""

import logging
import uuid
from contextlib import suppress

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from fieldapp import idempotency, uow
from fieldapp.audit import services as audit
from fieldapp.errors import Forbidden, NotFound, ServiceError, flatten_fields
from fieldapp.extensions import db
from fieldapp.sync.forms import HANDLERS
from fieldapp.web.access import access_of, role_allowed

log = logging.getLogger(__name__)
INT32_MAX = 2**31 - 1  # ids in addresses: larger ones name nothing
LANDED = ("stored", "replayed")


def _route(path: str):
    """(endpoint, view args) of the field form at ``path``; NotFound for anything else."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(path.split("?", 1)[0], method="POST")
    except HTTPException:
        endpoint, args = None, {}
    if endpoint not in HANDLERS or any(isinstance(value, int) and not 0 < value <= INT32_MAX
                                       for value in args.values()):
        raise NotFound(_("This record is not a field form the outbox can send."),
                       fields={"path": [_("Not a field form's address.")]})
    return endpoint, args


def _refused(ref, status, code, message, fields=None) -> dict:
    return {"ref": ref, "result": "refused" if status < 500 else "failed", "status": status, "location": None,
            "error": {"code": code, "message": message, "fields": fields or {}}, "warnings": [], "message": None}


def process(record: dict) -> dict:
    ref = record["ref"]
    try:
        endpoint, args = _route(record["path"])
        if not role_allowed(access_of(endpoint), current_user.role):
            raise Forbidden(_("Your role does not allow this."))
        created, location, warnings, saved = HANDLERS[endpoint](args, MultiDict(record["fields"]))
        if db.session().in_transaction():
            db.session.commit()  # a replay reads only: its savepoint ends here, the next record starts afresh
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
            "location": location, "error": None, "warnings": warnings, "message": saved}


def _ids(records: list[dict]) -> set[uuid.UUID]:
    """The ids the records' forms carry (each record's own, made by the device)."""
    ids = set()
    for record in records:
        for name, value in record["fields"]:
            if name == "id":
                with suppress(TypeError, ValueError, AttributeError):  # the form's own check refuses it by name
                    ids.add(uuid.UUID(value))
    return ids


def sync(records: list[dict]) -> list[dict]:
    """The usual batch lands whole: first all records in one transaction without savepoints. At the
    first record that does not land that attempt is rolled back, and the batch runs again with a
    savepoint per record, so the others land and that one is set aside. In each, the records' ids are
    looked up ahead, a statement per kind of record rather than one per record (``idempotency``)."""
    ids = _ids(records)
    with uow.transaction(savepoints=False) as attempt, idempotency.looked_up_ahead(ids):
        results = []
        for record in records:
            results.append(process(record))
            if results[-1]["result"] not in LANDED or not attempt.intact:
                attempt.abandon()
                break
    if not attempt.abandoned:
        return results
    with uow.transaction(savepoints=True), idempotency.looked_up_ahead(ids):
        return [process(record) for record in records]
