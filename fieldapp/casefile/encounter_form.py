"""The encounter form: its fields as the API's payload, the API's field names as the form's input names,
and what is saved with an encounter (a clinician's note, clearing the call).

The page and the outbox's batch sync (``fieldapp.sync.forms``) both save the form through
``save_encounter_form``, so a form refused online or from the outbox names the same inputs.
"""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError

from fieldapp import clock, languages
from fieldapp.calls import constants as call_constants
from fieldapp.calls import status as status_changes
from fieldapp.calls.schemas import StatusChangeSchema
from fieldapp.casefile import services as record
from fieldapp.casefile.record_form import record_details_payload
from fieldapp.casefile.schemas import EncounterCreateSchema
from fieldapp.clock import utcnow
from fieldapp.encounters.constants import FOLLOW_UP_AFTER, OUTCOMES
from fieldapp.errors import Invalid, ServiceError
from fieldapp.extensions import db
from fieldapp.i18n.messages import translate
from fieldapp.notes import services as notes
from fieldapp.notes.schemas import NoteCreateSchema
from fieldapp.roles import CLINICIAN
from fieldapp.schemas import shared
from fieldapp.web import forms

DEFAULT_GIVEN_BY = "the person"  # consent given by the person contacted, unless a name is typed

# The form's inputs in page order: the first one refused gets the focus.
INPUTS = ("outcome", "hospitalization_type", "referral_service_id", "no_referral_reason", "referral_consent",
          "referral_given_by", "person_mode", "age_band", "approx_age", "given_name", "family_name", "dob",
          "q", "person_id", "gender", "race_ethnicity", "preferred_language", "interpreter_needed", "concerns",
          "probable_cause", "diverted", "enforcement_action", "use_of_force", "force_type", "transport",
          # fields (issue 11): templates/encounters/_record_details.html
          "contact_mode", "primary_concern", "transport_destination", "declined_services", "officer_engaged",
          "backup_requested", "backup_reason", "backup_requested_time", "backup_arrived_time",
          # billing (issue 21)
          "place_of_service", "medicaid_id", "diagnosis_code",
          "narrative", "note_body",
          "disposition")
# API field -> form input, where they differ.
INPUT_OF = {"person": "person_mode", "person.unidentified": "person_mode", "referral": "referral_service_id",
            "referral.service_id": "referral_service_id", "referral.id": "referral_service_id",
            "referral.consent": "referral_consent", "referral.consent.type": "referral_consent",
            "referral.consent.given_by": "referral_given_by", "status": "disposition",
            "backup_requested_at": "backup_requested_time", "backup_arrived_at": "backup_arrived_time"}


def input_name(field: str) -> str:
    """The form input an API field name refers to ('' for the form as a whole)."""
    if field in INPUT_OF:
        return INPUT_OF[field]
    if field.startswith("person."):
        field = field.removeprefix("person.")
    if field.startswith("referral."):
        return "referral_service_id"
    head = field.split(".", 1)[0]  # "concerns.0" -> "concerns"
    return head if head in INPUTS or head in ("id", "recorded_at") else ""


def by_input(errors: dict) -> dict:
    """Errors keyed by API field -> keyed by form input; texts of one input are joined."""
    named = {}
    for field, text in errors.items():
        text = " ".join(text) if isinstance(text, list) else str(text)
        name = "" if field == "" else input_name(field) or ""
        named[name] = f"{named[name]} {text}".strip() if name in named and name else (named.get(name) or text)
    return named


def first_error(errors: dict) -> str | None:
    return next((name for name in INPUTS if errors.get(name)), None)


def _person(form, *, unidentified: bool) -> dict:
    age = forms.as_number(form.get("approx_age", "")) or forms.as_number(form.get("age_band", ""))
    person = {"unidentified": unidentified, "approx_age": age,
              "gender": form.get("gender") or None, "race_ethnicity": form.getlist("race_ethnicity"),
              **languages.form_payload(form)}
    if not unidentified:
        person.update(given_name=form.get("given_name", "").strip() or None,
                      family_name=form.get("family_name", "").strip() or None, dob=form.get("dob") or None)
    return {key: value for key, value in person.items() if value not in (None, [])}


def _referral(form) -> dict | None:
    if not form.get("referral_service_id"):
        return None
    referral = {"id": form.get("referral_id") or None, "service_id": form.get("referral_service_id"),
                "consent": {"type": form.get("referral_consent") or "verbal",
                            "given_by": form.get("referral_given_by", "").strip() or DEFAULT_GIVEN_BY},
                "recorded_at": form.get("recorded_at") or None}
    return {key: value for key, value in referral.items() if value is not None}


def encounter_payload(form) -> dict:
    """The form as the API's JSON body: only the person section the user chose is sent, and the
    referral only for the outcome 'referred' (its fields stay in the form when the outcome changes)."""
    outcome = form.get("outcome") or None
    payload = {
        "id": form.get("id", ""), "outcome": outcome,
        "hospitalization_type": (form.get("hospitalization_type") or None) if outcome == "hospitalized" else None,
        "concerns": form.getlist("concerns"),
        "probable_cause": "probable_cause" in form, "diverted": "diverted" in form,
        "use_of_force": form.get("use_of_force") == "yes", "force_type": form.get("force_type") or None,
        "enforcement_action": "enforcement_action" in form, "transport": form.get("transport") or "none",
        "narrative": form.get("narrative", "").strip(), "recorded_at": form.get("recorded_at") or None,
        **record_details_payload(form),
    }
    if form.get("use_of_force") != "yes":
        payload["force_type"] = None
    if outcome == "referred":
        payload["referral"] = _referral(form)
        if not payload["referral"]:
            payload["no_referral_reason"] = form.get("no_referral_reason", "").strip() or None
    mode = form.get("person_mode") or ("unidentified" if form.get("age_band") else "named")
    if mode == "known":
        payload["person_id"] = form.get("person_id") or None
    else:
        payload["person"] = _person(form, unidentified=mode == "unidentified")
    return {key: value for key, value in payload.items() if value is not None}


def save_encounter_form(call_id: int, form):
    """Save the encounter form (and the note and call clearing sent with it) for the signed-in user.
    Returns (encounter, created, where to go next, problems); refusals raise with the form's input
    names as their fields."""
    try:
        data = shared(EncounterCreateSchema).load(encounter_payload(form))
        encounter, created = record.log_encounter(call_id, data, by=current_user)
    except ValidationError as error:
        raise Invalid(_("Some answers need a change: see the fields marked below."),
                      fields=_as_lists(by_input(forms.flat_errors(error.messages)))) from error
    except ServiceError as error:
        error.fields = _as_lists(by_input(error.fields or {}))
        raise
    problems = save_note(encounter, form)
    then = form.get("then")
    if then == "clear":
        problems += clear_call(encounter.call_id, form)
        return encounter, created, url_for("calls.show", call_id=encounter.call_id), problems
    if then == "another":
        return encounter, created, url_for("encounters.new", call_id=encounter.call_id), problems
    return encounter, created, url_for("encounters.show", encounter_id=encounter.id), problems


def _as_lists(errors: dict) -> dict:
    return {name: [text] for name, text in errors.items() if name}


def save_note(encounter, form) -> list[str]:
    """The clinician's optional note sent with the encounter form, with its own device-made id (a
    resend creates nothing twice). Returns what could not be saved: the encounter is saved by then."""
    if not form.get("note_body", "").strip() or current_user.role != CLINICIAN:
        return []
    payload = {"id": form.get("note_id"), "body": form.get("note_body").strip(),
               "recorded_at": form.get("recorded_at") or None}
    data, errors = forms.load(NoteCreateSchema(), {k: v for k, v in payload.items() if v is not None})
    try:
        if errors:
            raise Invalid(errors.get("", _("The note is not valid.")))
        if form.get("note_follow_up"):
            data["follow_up_due"] = utcnow() + FOLLOW_UP_AFTER
        notes.add_note(data=data, by=current_user, encounter_id=encounter.id)
    except ServiceError as error:
        db.session.rollback()
        return [f"The encounter is saved, but the note was not: {error.message}"]
    return []


def clear_call(call_id: int, form) -> list[str]:
    """'Save and clear the call': the call's status change, with its own device-made id, through the
    calls service (its transition rules). Returns what went wrong: the encounter is saved by then."""
    try:
        data = shared(StatusChangeSchema).load({key: value for key, value in {
            "id": form.get("clear_id"), "status": call_constants.CLEARED,
            "disposition": form.get("disposition") or "encounter_logged",
            "recorded_at": form.get("recorded_at") or None}.items() if value})
        status_changes.change_status(call_id, event_id=data["id"], status=data["status"],
                                     disposition=data["disposition"], recorded_at=data.get("recorded_at"),
                                     by=current_user)
    except ValidationError as error:
        db.session.rollback()
        fields = forms.flat_errors(error.messages)
        fields.pop("", None)
        return [_("%(not_cleared)s: %(why)s", not_cleared=NOT_CLEARED, why=" ".join(translate(value) for value in
                                                                                fields.values()))]
    except ServiceError as error:
        db.session.rollback()
        return [_("%(not_cleared)s: %(why)s", not_cleared=NOT_CLEARED, why=translate(error.message))]
    return []


NOT_CLEARED = _l("The encounter is saved, but the call was not cleared")


def saved_words(encounter, created: bool, form, problems: list[str]) -> str:
    """What the page after saving says was saved: "Encounter saved, call cleared: Jordan Reyes,
    resolved on scene." (the page flashes it; the outbox's sync answers it with the record)."""
    if not created:
        return _("This encounter was already saved.")
    cleared = form.get("then") == "clear" and not any(problem.startswith(str(NOT_CLEARED)) for problem in problems)
    if cleared:
        return _("Encounter saved, call cleared: %(what)s.", what=outcome_words(encounter))
    return _("Encounter saved: %(what)s.", what=outcome_words(encounter))


def outcome_words(encounter) -> str:
    name = encounter.person.display_name if encounter.person else _("The person")
    return _("%(name)s, %(outcome)s", name=name, outcome=str(OUTCOMES[encounter.outcome]).lower())


def suggested_follow_up() -> str:
    """The follow-up's default due time as a datetime-local value in the agency's zone."""
    return clock.to_input(utcnow() + FOLLOW_UP_AFTER)
