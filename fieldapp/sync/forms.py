"""The field forms the outbox holds, each turned into its payload by the page's own code and saved
by the page's service. A handler returns (created, location, warnings, message): ``message`` says what
was saved, as the page's own flash does, for the page the device opens next; services raise refusals."""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.calls import constants as call_constants
from fieldapp.calls import status as status_changes
from fieldapp.calls.schemas import StatusChangeSchema
from fieldapp.casefile import note_form
from fieldapp.casefile.encounter_form import save_encounter_form, saved_words
from fieldapp.casefile.note_form import load_note
from fieldapp.errors import Invalid
from fieldapp.notes import services as notes
from fieldapp.notes.schemas import AddendumCreateSchema, NoteCreateSchema
from fieldapp.positions.views import record_form
from fieldapp.referrals import constants as referral_constants
from fieldapp.referrals import services as referrals
from fieldapp.referrals.form import referral_payload
from fieldapp.referrals.schemas import ReferralCreateSchema, ReferralStatusSchema
from fieldapp.safetyplans import form as plan_form
from fieldapp.safetyplans import services as safety_plans
from fieldapp.safetyplans.form import load_plan
from fieldapp.schemas import shared


def _present(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if value is not None}


def _loaded(data, errors):
    if errors:
        message = errors.pop("", None) or _("Some fields are not valid.")
        raise Invalid(message, fields={name: [text] for name, text in errors.items()})
    return data


def call_status(args, form):
    payload = _present({key: form.get(key) or None
                        for key in ("id", "status", "recorded_at", "disposition", "final_call_type")})
    data = shared(StatusChangeSchema).load(payload)
    _event, created = status_changes.change_status(
        args["call_id"], event_id=data["id"], status=data["status"], recorded_at=data.get("recorded_at"),
        disposition=data.get("disposition"), by=current_user, final_call_type=data.get("final_call_type"))
    return created, url_for("calls.show", call_id=args["call_id"]), [], \
        _("Call %(id)s: %(status)s.", id=args["call_id"],
          status=str(call_constants.STATUS_LABELS[data["status"]]).lower())


def encounter(args, form):
    encounter, created, location, warnings = save_encounter_form(args["call_id"], form)  # with its note, clearing
    return created, location, warnings, saved_words(encounter, created, form, warnings)


def referral(args, form):
    data = shared(ReferralCreateSchema).load(referral_payload(form))
    record, created = referrals.make_referral(args["encounter_id"], data, by=current_user)
    return created, url_for("referrals.show", referral_id=record.id), [], \
        _("Referred to %(service)s.", service=record.service.name) if created else _("This referral was already saved.")


def referral_step(args, form):
    payload = {"id": form.get("id", ""), "status": form.get("status") or None,
               "reason": form.get("reason", "").strip() or None, "recorded_at": form.get("recorded_at") or None}
    data = shared(ReferralStatusSchema).load(_present(payload))
    event, created = referrals.change_status(args["referral_id"], data, by=current_user)
    return created, url_for("referrals.show", referral_id=args["referral_id"]), [], \
        _("Referral is now %(lower)s.", lower=referral_constants.STATUS_LABELS[event.status].lower())


def note_on_encounter(args, form):
    data = _loaded(*load_note(form, NoteCreateSchema))
    _note, created = notes.add_note(data=data, by=current_user, encounter_id=args["encounter_id"])
    return created, url_for("encounters.show", encounter_id=args["encounter_id"], _anchor="notes"), [], \
        note_form.signed_words(form)


def note_on_person(args, form):
    data = _loaded(*load_note(form, NoteCreateSchema))
    _note, created = notes.add_note(data=data, by=current_user, person_id=args["person_id"])
    return created, url_for("people.show", person_id=args["person_id"], _anchor="notes"), [], \
        note_form.signed_words(form)


def addendum(args, form):
    data = _loaded(*load_note(form, AddendumCreateSchema))
    record, created = notes.add_addendum(args["note_id"], data, by=current_user)
    on_person = form.get("return_to") == "person" and record.person_id is not None
    target = url_for("people.show", person_id=record.person_id) if on_person or record.encounter_id is None \
        else url_for("encounters.show", encounter_id=record.encounter_id)
    return created, f"{target}#note-{record.addendum_to_id}", [], _("Addendum signed; the original note is unchanged.")


def safety_plan(args, form):
    data = _loaded(*load_plan(form))
    plan, created = safety_plans.make_plan(args["encounter_id"], data, by=current_user)
    return created, url_for("safetyplans.show", plan_id=plan.id), [], \
        plan_form.signed_words(form) if created \
        else _("This safety plan was already saved.")


def position(args, form):
    recorded = record_form(args["unit_id"], form)
    return recorded.stored > 0, None, [], None


# The page endpoint a form posts to -> its handler.
HANDLERS = {
    "calls.change_status": call_status,
    "encounters.new": encounter,
    "referrals.new": referral,
    "referrals.change_status": referral_step,
    "notes.add_to_encounter": note_on_encounter,
    "notes.add_to_person": note_on_person,
    "notes.add_addendum": addendum,
    "safetyplans.create": safety_plan,
    "positions.record": position,
}
