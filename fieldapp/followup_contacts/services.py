"""Follow-up contacts: recorded by clinicians on a person or an encounter, idempotent on the device's id."""

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.encounters import services as encounters
from fieldapp.errors import Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.followup_contacts.models import FollowUpContact
from fieldapp.idempotency import commit_or_replay, fingerprint, replay_of
from fieldapp.people import services as people


def _reveal(contact, user) -> None:
    """404 unless ``user`` may see the encounter or person the contact was with."""
    if contact.encounter_id:
        encounters.get_encounter(user, contact.encounter_id, audit_read=False)
    else:
        people.get_person(user, contact.person_id, audit_read=False)


def record(data: dict, *, by) -> tuple[FollowUpContact, bool]:
    """Record one follow-up contact. Returns (contact, created)."""
    body_hash = fingerprint(data)
    rules = {"reveal": lambda found: _reveal(found, by)}
    existing = replay_of(FollowUpContact, data["id"], body_hash, what="follow-up contact", **rules)
    if existing is not None:
        return existing, False
    encounter_id, person_id = data.get("encounter_id"), data.get("person_id")
    if bool(encounter_id) == bool(person_id):
        raise Invalid(_("Say whom the follow-up was with: an encounter or a person."),
                      fields={"encounter_id": [_("Give either encounter_id or person_id (one of them).")]})
    if encounter_id:
        try:
            encounter = encounters.get_encounter(by, encounter_id, audit_read=False)
        except NotFound:
            raise NotFound(_("No such encounter."), fields={"encounter_id": [_("No such encounter.")]}) from None
        person_id = encounter.person_id
        if data["contacted_at"] < encounter.call.received_at:
            raise Invalid(_("A follow-up comes after the call."),
                          fields={"contacted_at": [_("Before the call was received.")]})
    else:
        try:
            people.get_person(by, person_id, audit_read=False)
        except NotFound:
            raise NotFound(_("No such person."), fields={"person_id": [_("No such person.")]}) from None
    contact = FollowUpContact(id=data["id"], encounter_id=encounter_id, person_id=person_id,
                              contacted_at=data["contacted_at"], mode=data["mode"], reached=data["reached"],
                              result=data["result"], received_at=utcnow(), created_by_id=by.id,
                              request_hash=body_hash)
    db.session.add(contact)
    audit.record("follow_up_contact.create", object_type="follow_up_contacts", object_id=contact.id, user=by,
                 details={"encounter_id": str(encounter_id) if encounter_id else None, "reached": contact.reached})
    return commit_or_replay(contact, body_hash, what="follow-up contact", **rules)


def of_person(by, person_id) -> list[FollowUpContact]:
    person = people.get_person(by, person_id, audit_read=False)
    found = db.session.scalars(select(FollowUpContact).where(FollowUpContact.person_id == person.id)
                               .order_by(FollowUpContact.contacted_at.desc())).all()
    audit.record("follow_up_contact.list", obj=person, user=by, details={"count": len(found)})
    db.session.commit()
    return found


def of_encounter(by, encounter_id) -> list[FollowUpContact]:
    encounter = encounters.get_encounter(by, encounter_id, audit_read=False)
    found = db.session.scalars(select(FollowUpContact).where(FollowUpContact.encounter_id == encounter.id)
                               .order_by(FollowUpContact.contacted_at.desc())).all()
    audit.record("follow_up_contact.list", object_type="encounters", object_id=encounter.id, user=by,
                 details={"count": len(found)})
    db.session.commit()
    return found
