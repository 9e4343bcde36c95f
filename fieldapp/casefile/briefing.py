"""The briefing a unit sees when it opens a call: earlier contacts at the address or with the person."""

from collections import Counter

from sqlalchemy import or_, select

from fieldapp import visibility
from fieldapp.audit import services as audit
from fieldapp.calls import services as calls
from fieldapp.calls.models import Call
from fieldapp.encounters import services as encounters
from fieldapp.encounters.models import Encounter
from fieldapp.encounters.schemas import EncounterSchema
from fieldapp.extensions import db
from fieldapp.notes.models import FollowUp
from fieldapp.people.models import Person
from fieldapp.referrals import constants as referral_status
from fieldapp.referrals.models import Referral
from fieldapp.visibility import sees_clinical
from fieldapp.web.pages import with_times

RECENT = 5


def briefing(user, call_id) -> dict:
    """Everything known before this call about its place and people; the role's view trims it."""
    call = calls.get_call(user, call_id, audit_read=False)
    here = db.session.scalars(select(Encounter.person_id).where(Encounter.call_id == call.id,
                                                                Encounter.person_id.is_not(None))).all()
    same_place = Call.address_key == call.address_key if call.address_key else False
    priors = db.session.scalars(
        select(Encounter).join(Call, Encounter.call_id == Call.id)
        .where(Call.id != call.id, Call.received_at < call.received_at,
               or_(same_place, Encounter.person_id.in_(here)))
        .order_by(Encounter.recorded_at.desc()).limit(200)).all()
    earlier_calls = db.session.scalars(
        select(Call).where(Call.id != call.id, same_place, Call.received_at < call.received_at)).all()
    people = {encounter.person_id: encounter.person for encounter in priors if encounter.person}
    for person_id in here:
        people.setdefault(person_id, None)
    result = {
        "call_id": call.id,
        "prior_calls": len(earlier_calls),
        "prior_encounters": len(priors),
        "last_contact_at": priors[0].recorded_at if priors else None,
        "outcomes": dict(Counter(encounter.outcome for encounter in priors)),
        "recent": priors[:RECENT],
        "cautions": sorted({flag for earlier in earlier_calls for flag in earlier.cautions}),
        "use_of_force_count": sum(1 for encounter in priors if encounter.use_of_force),
        "people": [person for person in people.values() if person is not None],
        **language_of(call),
    }
    if sees_clinical(user.role) and people:
        ids = list(people)
        result["active_referrals"] = db.session.scalars(
            select(Referral).where(Referral.person_id.in_(ids), Referral.status.in_(referral_status.OPEN))
            .order_by(Referral.due_at)).all()
        result["open_followups"] = len(db.session.scalars(
            select(FollowUp.id).where(FollowUp.person_id.in_(ids), FollowUp.done_at.is_(None))).all())
    else:
        result["active_referrals"], result["open_followups"] = [], 0
    audit.record("call.briefing", obj=call, user=user, details={"prior_encounters": len(priors)})
    db.session.commit()
    return result


def language_of(call) -> dict:
    """The person's language for the top of the briefing (issue 23): the call's, else that of a person
    already met on this call."""
    if call.preferred_language or call.interpreter_needed:
        return {"preferred_language": call.preferred_language, "interpreter_needed": call.interpreter_needed}
    for person in db.session.scalars(select(Person).join(Encounter, Encounter.person_id == Person.id)
                                     .where(Encounter.call_id == call.id).order_by(Encounter.recorded_at)):
        if person.preferred_language or person.interpreter_needed:
            return {"preferred_language": person.preferred_language, "interpreter_needed": person.interpreter_needed}
    return {"preferred_language": None, "interpreter_needed": None}


def logged_on(user, call) -> list[dict] | None:
    """The encounters logged on ``call`` as ``user``'s role sees them; None for a role that sees none."""
    if user.role not in visibility.ENCOUNTER:
        return None
    found = encounters.for_call(user, call)
    return with_times(visibility.view(EncounterSchema, visibility.ENCOUNTER, user.role, many=True).dump(found))
