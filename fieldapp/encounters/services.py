"""Encounter rules: logging one per person contacted, consistency of the fields, who sees them."""


from flask_babel import gettext as _
from sqlalchemy import exists, false, select

from fieldapp.audit import services as audit
from fieldapp.calls import constants as call_constants
from fieldapp.calls import fanout
from fieldapp.calls import services as calls
from fieldapp.clock import utcnow
from fieldapp.encounters.constants import apco_code
from fieldapp.encounters.models import Encounter
from fieldapp.errors import Conflict, Forbidden, Invalid
from fieldapp.extensions import db
from fieldapp.idempotency import commit_or_replay, fingerprint, replay_of, saved_meanwhile
from fieldapp.people import services as people
from fieldapp.people.models import Person
from fieldapp.records import get_visible
from fieldapp.roles import CLINICIAN, UNIT_ROLES
from fieldapp.visibility import sees_clinical


def _check_consistency(data: dict) -> None:
    """Fields that depend on the outcome must agree with it; each problem names its field."""
    problems = {}
    outcome = data["outcome"]
    if outcome == "hospitalized" and not data.get("hospitalization_type"):
        problems["hospitalization_type"] = ["Say whether the hospitalization was voluntary, involuntary or medical."]
    if outcome != "hospitalized" and data.get("hospitalization_type"):
        problems["hospitalization_type"] = ["Only for the outcome 'hospitalized'."]
    if data.get("diverted") and not data.get("probable_cause"):
        problems["diverted"] = ["Diverted means probable cause for arrest was present: tick that too."]
    if outcome == "arrested" and data.get("diverted"):
        problems["diverted"] = ["An arrested person was not diverted."]
    if data.get("use_of_force") and not data.get("force_type"):
        problems["force_type"] = ["Say what force was used."]
    if not data.get("use_of_force") and data.get("force_type"):
        problems["force_type"] = ["Only when force was used."]
    problems.update(_record_problems(data))
    problems.update(_referral_problems(data))
    if "person" in data and "person_id" in data:
        problems["person_id"] = ["Give either a new person or person_id, not both."]
    if "person" not in data and "person_id" not in data:
        problems["person"] = ["Say who was contacted, or record them as unidentified."]
    if problems:
        raise Invalid(_("Some answers do not fit together."), fields=problems)


def _record_problems(data: dict) -> dict:
    """fields (issue 11): primary concern, destination and police backup must fit the rest."""
    problems = {}
    if data.get("primary_concern") and data["primary_concern"] not in (data.get("concerns") or []):
        problems["primary_concern"] = ["Tick this concern too: the primary one is among the concerns."]
    if data.get("transport_destination") and (data.get("transport") or "none") == "none":
        problems["transport_destination"] = ["Only when the person was transported."]
    if data.get("backup_requested"):
        if not data.get("backup_reason"):
            problems["backup_reason"] = ["Say why backup was requested."]
        asked, arrived = data.get("backup_requested_at"), data.get("backup_arrived_at")
        if asked and arrived and arrived < asked:
            problems["backup_arrived_at"] = ["Backup cannot arrive before it was requested."]
    else:
        for name in ("backup_requested_at", "backup_arrived_at", "backup_reason"):
            if data.get(name):
                problems[name] = ["Only when backup was requested."]
    return problems


RECORD_FIELDS = ("primary_concern", "contact_mode", "transport_destination", "officer_engaged", "backup_requested_at",
                 "backup_arrived_at", "backup_reason", "place_of_service", "medicaid_id", "diagnosis_code")
# billing (issue 21): what only a clinician records (and sees: fieldapp/visibility.py).
CLINICIAN_FIELDS = ("medicaid_id", "diagnosis_code")


def _clinician_only(data: dict, by) -> None:
    given = [name for name in CLINICIAN_FIELDS if data.get(name)]
    if given and by.role != CLINICIAN:
        raise Invalid(_("Only a clinician records this."),
                      fields={name: [_("Only a clinician records this.")] for name in given})


NO_REFERRAL = "Choose a service or say why no referral was made."


def _referral_problems(data: dict) -> dict:
    """The outcome 'referred' means a referral was made with it, or the reason none was is stated:
    otherwise the metrics would count a referral that does not exist."""
    reason = (data.get("no_referral_reason") or "").strip()
    if data["outcome"] == "referred" and not data.get("referral") and not reason:
        return {"referral": [NO_REFERRAL]}
    if reason and data["outcome"] != "referred":
        return {"no_referral_reason": ["Only for the outcome 'referred'."]}
    if reason and data.get("referral"):
        return {"no_referral_reason": ["A referral was made: leave the reason empty."]}
    return {}


def log_encounter(call_id, data: dict, *, by, add_referral=None) -> tuple[Encounter, bool]:
    """Record what happened to one person on a call. Idempotent on the device-made ``id``.

    The referral made with it (``data["referral"]``) is saved in the same unit of work by
    ``add_referral(encounter, referral_data, by=...)``, which the caller hands in: referrals sit above
    encounters (``fieldapp.casefile.services.log_encounter`` does it for the pages, the API and sync)."""
    if data.get("referral") and add_referral is None:
        raise TypeError("log_encounter: an encounter with a referral needs add_referral")
    body_hash = fingerprint({"call_id": call_id, **data})
    rules = {"reveal": lambda found: calls.get_call(by, found.call_id, audit_read=False),
             "parent": lambda found: found.call_id == call_id}
    existing = replay_of(Encounter, data["id"], body_hash, what="encounter", **rules)
    if existing is not None:
        return existing, False
    call = calls.get_call(by, call_id, audit_read=False)
    if not calls.is_crew(by, call):
        raise Forbidden(_("Only the crew of the assigned unit can log encounters on this call."))
    if call.status in (call_constants.PENDING, call_constants.CANCELLED):
        now = str(call_constants.STATUS_LABELS[call.status]).lower()
        raise Conflict(_("A %(status)s call has no encounters.", status=now),
                       code="invalid_state")
    _check_consistency(data)
    _clinician_only(data, by)
    if "person_id" in data:
        person = people.find_for_link(by, data["person_id"])
    else:
        try:
            person = people.new_person(data["person"], by=by)
        except Conflict:  # the person's id is taken: by this very encounter, if its original just committed
            replay = saved_meanwhile(Encounter, data["id"], body_hash, what="encounter", **rules)
            if replay is None:
                raise
            return replay, False
    encounter = Encounter(
        id=data["id"], call=call, person=person, outcome=data["outcome"],
        hospitalization_type=data.get("hospitalization_type"), concerns=sorted(set(data.get("concerns") or [])),
        probable_cause=data.get("probable_cause", False), diverted=data.get("diverted", False),
        use_of_force=data.get("use_of_force", False), force_type=data.get("force_type"),
        enforcement_action=data.get("enforcement_action", False), transport=data.get("transport") or "none",
        narrative=data.get("narrative") or "",
        no_referral_reason=(data.get("no_referral_reason") or "").strip() or None,
        apco_code=apco_code(data["outcome"], data.get("transport") or "none"),
        recorded_at=data.get("recorded_at") or utcnow(), created_by_id=by.id, request_hash=body_hash,
        declined_services=data.get("declined_services", False), backup_requested=data.get("backup_requested", False),
        **{name: data.get(name) for name in RECORD_FIELDS})
    db.session.add(encounter)
    if data.get("referral"):  # saved with the encounter or not at all
        add_referral(encounter, data["referral"], by=by)
    audit.record("encounter.create", object_type="encounters", object_id=encounter.id, user=by,
                 details={"call_id": call.id, "outcome": encounter.outcome})
    fanout.announce("encounter.outcome", call, encounter=encounter)  # the APCO code back to CAD
    return commit_or_replay(encounter, body_hash, what="encounter", **rules)


def visible_encounters_query(user):
    """Clinicians (and admins, for audit) see every encounter; a unit's crew those on its calls;
    nobody else any (dispatchers see calls, not what happened to people)."""
    if sees_clinical(user.role):
        return select(Encounter)
    if user.role not in UNIT_ROLES:
        return select(Encounter).where(false())
    visible_calls = calls.visible_calls_query(user).with_only_columns(calls.Call.id)
    return select(Encounter).where(Encounter.call_id.in_(visible_calls))


def people_met_by_crew(user):
    """A condition on ``Person``: linked to an encounter on a call the user's unit can see
    (``people.services.met_by_crew``: who a unit's crew may see)."""
    visible_calls = calls.visible_calls_query(user).with_only_columns(calls.Call.id)
    return exists().where(Encounter.person_id == Person.id, Encounter.call_id.in_(visible_calls))


def get_encounter(user, encounter_id, *, audit_read=True) -> Encounter:
    return get_visible(visible_encounters_query(user), Encounter, encounter_id, user=user, what="encounter",
                       audit_read=audit_read)


def for_person(user, person) -> list[Encounter]:
    """The person's encounters this user may see, newest first; the read is audited."""
    query = (visible_encounters_query(user).where(Encounter.person_id == person.id)
             .order_by(Encounter.recorded_at.desc()))
    found = db.session.scalars(query).all()
    if found:
        audit.record("encounter.list", obj=person, user=user, details={"encounters": [str(e.id) for e in found]})
        db.session.commit()
    return found


def for_call(user, call) -> list[Encounter]:
    query = visible_encounters_query(user).where(Encounter.call_id == call.id).order_by(Encounter.received_at)
    found = db.session.scalars(query).all()
    if found:
        audit.record("encounter.list", obj=call, user=user, details={"encounters": [str(e.id) for e in found]})
        db.session.commit()
    return found
