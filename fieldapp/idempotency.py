"""Idempotent creates for records a device may send more than once.

The device makes each record's id once (a UUID). The server keeps the fingerprint of the body
that created it: the same id with the same body is a replay and gets the stored record back;
the same id with a different body is a conflict (ODK / Enketo practice).

A writer whose records' ids were all made just now, for this one writing (an import into a fresh
database: the demo's history), says so with ``new_ids()``: the prologue's look-up of each id is
skipped, and the unique key alone refuses an id used before, when the record is flushed.

A batch of a device's records (``fieldapp.sync``) names its records' ids ahead with ``looked_up_ahead``:
the first look-up of a model reads which of them it holds in one statement, instead of one read per record.
"""

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp.errors import Conflict
from fieldapp.extensions import db

_NEW_IDS: ContextVar[bool] = ContextVar("fieldapp_new_ids", default=False)
_AHEAD: ContextVar[dict | None] = ContextVar("fieldapp_ids_ahead", default=None)


@contextmanager
def new_ids():
    """In the block every create's id is new (made for this writing, never sent before): ``replay_of``
    and ``saved_meanwhile`` answer None without reading. Not for a device's records (they may come
    again): a reused id is still refused, but a replay is no longer answered as one (a state rule
    may refuse it first; else its insert breaks the unique key and ``commit_or_replay`` looks it up)."""
    token = _NEW_IDS.set(True)
    try:
        yield
    finally:
        _NEW_IDS.reset(token)


@contextmanager
def looked_up_ahead(ids):
    """In the block, records with these ids may be created (a device's batch of outbox records): the first
    look-up of a model reads, in one statement, which of the ids it holds; an id it does not hold is then
    answered None without reading, once (the same id again, from a second record, is read as usual). A
    record another request saves meanwhile is still found: ``saved_meanwhile`` reads again under the parent's
    lock (``answered_ahead`` tells a caller that would skip it), and else the twin's insert breaks the unique
    key and ``commit_or_replay`` reads it."""
    token = _AHEAD.set({"ids": frozenset(ids), "absent": {}, "answered": set()})
    try:
        yield
    finally:
        _AHEAD.reset(token)


def _known_absent(model, record_id) -> bool:
    ahead = _AHEAD.get()
    if ahead is None or record_id not in ahead["ids"]:
        return False
    absent = ahead["absent"].get(model)
    if absent is None:
        held = set(db.session.scalars(select(model.id).where(model.id.in_(ahead["ids"]))))
        absent = ahead["absent"][model] = set(ahead["ids"]) - held
    if record_id in absent:
        absent.discard(record_id)
        ahead["answered"].add((model, record_id))
        return True
    return False


def answered_ahead(model, record_id) -> bool:
    """Whether ``replay_of`` answered this id from the batch's look-up ahead: a read made before the caller
    locked the parent row, so a caller that skips ``saved_meanwhile`` under a lock it holds must not."""
    ahead = _AHEAD.get()
    return ahead is not None and (model, record_id) in ahead["answered"]


def fingerprint(payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def id_conflict(what: str, field: str = "id") -> Conflict:
    """The one answer for an id already used by a different record."""
    return Conflict(_("A different %(what)s was already saved with this id.", what=what),
                    fields={field: [_("This id is already used by a different record.")]}, code="id_conflict")


def check_replay(existing, body_hash: str, *, what: str):
    """Return ``existing`` when this is a replay of it; raise 409 when the id is reused."""
    if existing.request_hash == body_hash:
        return existing
    raise id_conflict(what)


def replay_of(model, record_id, body_hash: str, *, what: str, reveal=None, parent=None, field: str = "id"):
    """The stored record when this request repeats the one that saved ``record_id``; None for a new id.

    The one prologue of every idempotent create, in one order of checks:

    1. ``reveal(existing)`` first: the part's own visibility rule, raising what the caller gets for a
       record it may not see (404). An id saved by someone else is answered as if it did not exist:
       neither a conflict nor a replay tells that it is there, or what it is;
    2. ``parent(existing)`` false (the id was saved under another call, encounter or referral): 409;
    3. the same body again: the stored record (the device's retry); another body: 409.

    Inside ``new_ids()`` the id is new: None, without reading.
    """
    if _NEW_IDS.get() or _known_absent(model, record_id):
        return None
    return _stored(model, record_id, body_hash, what=what, reveal=reveal, parent=parent, field=field)


def _stored(model, record_id, body_hash: str, *, what: str, reveal=None, parent=None, field: str = "id"):
    existing = db.session.get(model, record_id)
    if existing is None:
        return None
    if reveal is not None:
        reveal(existing)
    if parent is not None and not parent(existing):
        raise id_conflict(what, field)
    if existing.request_hash != body_hash:
        raise id_conflict(what, field)
    return existing


def saved_meanwhile(model, record_id, body_hash: str, *, what: str, reveal=None, parent=None, field: str = "id"):
    """The stored record if ``record_id`` was saved since this request first looked (a replay racing
    its original), else None; refused as ``replay_of`` refuses (``reveal``, ``parent``, another body).

    Call it once the parent record is locked and re-read, before any rule about the parent's state:
    the original has just moved the parent on (a call to en route, a referral to accepted), and
    the replay of that very change must be answered as a replay, not refused as a bad transition.
    """
    if _NEW_IDS.get() or db.session.get(model, record_id, populate_existing=True) is None:
        return None
    return _stored(model, record_id, body_hash, what=what, reveal=reveal, parent=parent, field=field)


def commit_or_replay(record, body_hash: str, *, what: str, reveal=None, parent=None, field: str = "id"):
    """Commit a new record. If the same id arrived at the same moment from a second request (the
    unique key refuses it), the stored record is the answer, checked as ``replay_of`` checks it (the
    caller's visibility first: a racing request that may not see the record learns nothing of it):
    returns (record, created)."""
    model, record_id = type(record), record.id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _stored(model, record_id, body_hash, what=what, reveal=reveal, parent=parent, field=field)
        if existing is None:
            raise
        return existing, False
    return record, True
