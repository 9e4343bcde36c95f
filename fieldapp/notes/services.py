"""Clinical notes (signed on save, corrected only by addenda) and the follow-up queue."""

import uuid

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp.audit import services as audit
from fieldapp.calls.models import Call
from fieldapp.clock import utcnow
from fieldapp.encounters import services as encounters
from fieldapp.encounters.models import Encounter
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.idempotency import fingerprint, replay_of
from fieldapp.notes.models import FollowUp, Note
from fieldapp.people import services as people
from fieldapp.roles import ADMIN, CLINICIAN


def _require(user, *, write=False):
    """Notes and follow-ups are clinicians' (admins may read them for audit), whatever the caller."""
    allowed = (CLINICIAN,) if write else (CLINICIAN, ADMIN)
    if user.role not in allowed:
        raise Forbidden(_("Clinical notes are for clinicians only."))


def _replay(by, data, body_hash, what):
    return replay_of(Note, data["id"], body_hash, what=what,
                     reveal=lambda found: get_note(by, found.id, audit_read=False))


def _save(note, data, body_hash, *, by, follow_up_due=None, attach=None):
    db.session.add(note)
    if attach is not None:
        attach(note)  # a record signed by this note, saved in its transaction (a safety plan)
    if follow_up_due is not None:
        db.session.add(FollowUp(note=note, person_id=note.person_id, encounter_id=note.encounter_id,
                                assignee_id=by.id, due_at=follow_up_due))
    audit.record("note.addendum" if note.addendum_to_id else "note.create", object_type="notes",
                 object_id=note.id, user=by, details={"encounter_id": str(note.encounter_id or ""),
                                                      "person_id": str(note.person_id or "")})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _replay(by, data, body_hash, "note")
        if existing is None:
            raise
        return existing, False
    return note, True


def add_note(*, data: dict, by, encounter_id=None, person_id=None, attach=None) -> tuple[Note, bool]:
    """Sign a note on an encounter or a person; ``follow_up_due`` also opens a follow-up task.
    ``attach(note)`` adds a record the note signs to the same transaction; the note's fingerprint
    covers all of ``data``, so a replay with other contents is refused."""
    _require(by, write=True)
    body_hash = fingerprint({"encounter_id": str(encounter_id or ""), "person_id": str(person_id or ""), **data})
    existing = _replay(by, data, body_hash, "note")
    if existing is not None:
        return existing, False
    if encounter_id is not None:
        encounter = encounters.get_encounter(by, encounter_id, audit_read=False)
        person_id = encounter.person_id
    else:
        people.get_person(by, person_id, audit_read=False)
    due = data.get("follow_up_due")
    if due is not None and due <= utcnow():
        raise Invalid(_("The follow-up is due in the past."), fields={"follow_up_due": [_("Choose a future time.")]})
    note = Note(id=data["id"], encounter_id=encounter_id, person_id=person_id, author_id=by.id,
                body=data["body"], recorded_at=data.get("recorded_at") or utcnow(), request_hash=body_hash)
    return _save(note, data, body_hash, by=by, follow_up_due=due, attach=attach)


def add_addendum(note_id, data: dict, *, by) -> tuple[Note, bool]:
    """Correct or add to a signed note. The original stays as it was signed."""
    _require(by, write=True)
    body_hash = fingerprint({"addendum_to": str(note_id), **data})
    existing = _replay(by, data, body_hash, "addendum")
    if existing is not None:
        return existing, False
    original = get_note(by, note_id, audit_read=False)
    if original.addendum_to_id is not None:
        original = db.session.get(Note, original.addendum_to_id)  # addenda attach to the signed original
    addendum = Note(id=data["id"], encounter_id=original.encounter_id, person_id=original.person_id,
                    addendum_to_id=original.id, author_id=by.id, body=data["body"],
                    recorded_at=data.get("recorded_at") or utcnow(), request_hash=body_hash)
    return _save(addendum, data, body_hash, by=by)


def get_note(user, note_id, *, audit_read=True) -> Note:
    _require(user)
    note = db.session.get(Note, note_id) if isinstance(note_id, uuid.UUID) else None
    if note is None:
        raise NotFound(_("No such note."))
    if audit_read:
        audit.record("note.view", obj=note, user=user)
        db.session.commit()
    return note


def notes_on(user, *, encounter_id=None, person_id=None) -> list[Note]:
    """Signed notes (with their addenda) on an encounter, or on a person and their encounters."""
    _require(user)
    if encounter_id is not None:
        encounters.get_encounter(user, encounter_id, audit_read=False)
        where = Note.encounter_id == encounter_id
    else:
        people.get_person(user, person_id, audit_read=False)
        where = Note.person_id == person_id
    found = db.session.scalars(select(Note).where(where, Note.addendum_to_id.is_(None))
                               .order_by(Note.signed_at.desc())).all()
    audit.record("note.list", object_type="encounters" if encounter_id else "people",
                 object_id=encounter_id or person_id, user=user, details={"notes": [str(n.id) for n in found]})
    db.session.commit()
    return found


def followups(user, *, mine=True, include_done=False, limit=500) -> list[FollowUp]:
    _require(user, write=True)
    query = select(FollowUp)
    if mine:
        query = query.where(FollowUp.assignee_id == user.id)
    if not include_done:
        query = query.where(FollowUp.done_at.is_(None))
    found = db.session.scalars(query.order_by(FollowUp.due_at).limit(limit)).all()
    _attach_callbacks(found)
    # The list carries names, callback numbers and note excerpts: the read is audited like a note's.
    audit.record_read("followup.list", user=user, details={"mine": mine, "include_done": include_done,
                                                            "count": len(found)})
    return found


def _attach_callbacks(tasks) -> None:
    """Give each task ``callback``: the number to reach the person, from the call of the task's encounter,
    or, for a note on the person alone, from the latest of their calls that has one. Two queries in all."""
    by_encounter = {row.id: row.callback for row in db.session.execute(
        select(Encounter.id, Call.callback).join(Call, Encounter.call_id == Call.id)
        .where(Encounter.id.in_({t.encounter_id for t in tasks if t.encounter_id}), Call.callback.is_not(None)))}
    people_only = {t.person_id for t in tasks if t.person_id and by_encounter.get(t.encounter_id) is None}
    by_person = {}
    for row in db.session.execute(
            select(Encounter.person_id, Call.callback).join(Call, Encounter.call_id == Call.id)
            .where(Encounter.person_id.in_(people_only), Call.callback.is_not(None), Call.callback != "")
            .order_by(Call.received_at.desc(), Call.id.desc())):
        by_person.setdefault(row.person_id, row.callback)
    for task in tasks:
        task.callback = by_encounter.get(task.encounter_id) or by_person.get(task.person_id)


def mark_done(followup_id, outcome: str, *, by) -> FollowUp:
    """Any clinician may close a follow-up: the queue is the team's, covering for each other."""
    _require(by, write=True)
    task = db.session.get(FollowUp, followup_id) if isinstance(followup_id, uuid.UUID) else None
    if task is None:
        raise NotFound(_("No such follow-up."))
    outcome = (outcome or "").strip()
    if task.done_at is not None:
        if task.outcome == outcome:
            return task  # the same report sent again
        raise Conflict(_("This follow-up is already done."), code="already_done")
    task.done_at = utcnow()
    task.done_by_id = by.id
    task.outcome = outcome
    audit.record("followup.done", obj=task, user=by)
    db.session.commit()
    return task
