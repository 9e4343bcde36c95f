"""Pages for what a unit records on a call: the briefing, logging an encounter, an encounter.

Records reach templates only as the role's view of their schema (``seen_as``), so a page cannot
show a field ``fieldapp/visibility.py`` keeps from the role.
"""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from fieldapp import visibility
from fieldapp.accounts.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.calls import services as calls
from fieldapp.core import forms
from fieldapp.database import utcnow
from fieldapp.directory import services as directory
from fieldapp.encounters import briefing as briefings
from fieldapp.encounters import constants as encounter_vocabulary
from fieldapp.encounters import services
from fieldapp.encounters.record_form import record_details_payload
from fieldapp.encounters.schemas import BriefingSchema, EncounterCreateSchema, EncounterSchema
from fieldapp.errors import Invalid, ServiceError
from fieldapp.extensions import db
from fieldapp.notes import services as notes
from fieldapp.notes.schemas import NoteCreateSchema, NoteSchema
from fieldapp.people import constants as people_vocabulary
from fieldapp.people import services as people
from fieldapp.people.schemas import PersonQuerySchema, PersonSchema
from fieldapp.referrals import constants as referral_vocabulary
from fieldapp.referrals import services as referrals
from fieldapp.referrals.schemas import ReferralCreateSchema
from fieldapp.security.access import allow

bp = Blueprint("encounters", __name__)

# Code -> label tables for the templates: E.OUTCOMES, P.GENDERS, R.STATUS_LABELS, ...
VOCABULARIES = {"E": encounter_vocabulary, "P": people_vocabulary, "R": referral_vocabulary}
FOLLOW_UP_SUGGESTION = timedelta(hours=72)  # the usual post-crisis check-in


def seen_as(schema_class, table, obj, *, many=False):
    """``obj`` as the signed-in user's role may see it, with its times turned back into datetimes."""
    return with_times(visibility.view(schema_class, table, current_user.role, many=many).dump(obj))


def with_times(value, key=""):
    if isinstance(value, dict):
        return {name: with_times(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [with_times(item, key) for item in value]
    if isinstance(value, str) and (key.endswith("_at") or key == "at"):
        return datetime.fromisoformat(value)
    return value


def suggested_follow_up() -> str:
    """A datetime-local value 72 hours from now in the agency's zone."""
    zone = ZoneInfo(current_app.config["FIELDAPP_TIMEZONE"])
    return (utcnow() + FOLLOW_UP_SUGGESTION).astimezone(zone).strftime("%Y-%m-%dT%H:%M")


# --- the call's record: briefing and encounters --------------------------------------------

@bp.route("/calls/<int:call_id>/record")
@allow(OFFICER, CLINICIAN, DISPATCHER, ADMIN)
def record(call_id):
    call = calls.get_call(current_user, call_id, audit_read=False)
    briefing = seen_as(BriefingSchema, visibility.BRIEFING, briefings.briefing(current_user, call.id))
    logged = None  # the role sees no encounters at all (dispatchers)
    if current_user.role in visibility.ENCOUNTER:
        found = services.for_call(current_user, call)
        for encounter in found:
            encounter.referrals = referrals.for_encounter(current_user, encounter)
        logged = seen_as(EncounterSchema, visibility.ENCOUNTER, found, many=True)
    return render_template("encounters/record.html", call=call, briefing=briefing, encounters=logged,
                           crew=calls.is_crew(current_user, call), clinical=visibility.sees_clinical(current_user.role),
                           **VOCABULARIES)


# --- logging an encounter ------------------------------------------------------------------

def _person_payload(form, *, unidentified: bool) -> dict:
    person = {"unidentified": unidentified, "approx_age": forms.as_number(form.get("approx_age", "")),
              "gender": form.get("gender") or None, "race_ethnicity": form.getlist("race_ethnicity"),
              "preferred_language": form.get("preferred_language", "").strip() or None}
    if not unidentified:
        person.update(given_name=form.get("given_name", "").strip() or None,
                      family_name=form.get("family_name", "").strip() or None, dob=form.get("dob") or None)
    return {key: value for key, value in person.items() if value not in (None, [])}


def encounter_payload(form) -> dict:
    """The form as the API's JSON body: only the person section the user chose is sent."""
    payload = {
        "id": form.get("id", ""), "outcome": form.get("outcome") or None,
        "hospitalization_type": form.get("hospitalization_type") or None, "concerns": form.getlist("concerns"),
        "probable_cause": "probable_cause" in form, "diverted": "diverted" in form,
        "use_of_force": form.get("use_of_force") == "yes", "force_type": form.get("force_type") or None,
        "enforcement_action": "enforcement_action" in form, "transport": form.get("transport") or "none",
        "narrative": form.get("narrative", "").strip(), "recorded_at": form.get("recorded_at") or None,
        **record_details_payload(form),
    }
    mode = form.get("person_mode", "named")
    if mode == "known":
        payload["person_id"] = form.get("person_id") or None
    else:
        payload["person"] = _person_payload(form, unidentified=mode == "unidentified")
    return {key: value for key, value in payload.items() if value is not None}


def _find_people(q: str):
    """(people as the role sees them, errors) for the known-person search on the form."""
    query, errors = forms.load(PersonQuerySchema(), {"q": q.strip()})
    if errors:
        return [], {"q": errors["q"]}
    try:
        found = people.search(current_user, query["q"])
    except ServiceError as error:
        return [], {"q": error.message}
    return seen_as(PersonSchema, visibility.PERSON, found, many=True), {}


@bp.route("/calls/<int:call_id>/encounters/new", methods=["GET", "POST"])
@allow(OFFICER, CLINICIAN)
def new(call_id):
    """One person contacted, in under a minute: outcome first, the rest only where it applies."""
    call = calls.get_call(current_user, call_id, audit_read=False)
    form = request.form
    errors, status = {}, 200
    if request.method == "POST" and form.get("action") != "search":
        data, errors = forms.load(EncounterCreateSchema(), encounter_payload(form))
        status = 422
        if not errors:
            try:
                encounter, created = services.log_encounter(call.id, data, by=current_user)
            except ServiceError as error:
                errors, status = forms.form_errors(error)
            else:
                name = encounter.person.display_name if encounter.person else "The person"
                flash(f"Encounter saved: {name}, {encounter_vocabulary.OUTCOMES[encounter.outcome].lower()}."
                      if created else "This encounter was already saved.", "success")
                for problem in save_quick_referral_and_note(encounter, form):
                    flash(problem, "error")  # shown on the next page this user opens
                return redirect(url_for("encounters.show", encounter_id=encounter.id))
    found, searched = [], False
    if request.method == "POST" and form.get("person_mode") == "known" and (form.get("action") == "search"
                                                                            or form.get("q", "").strip()):
        found, search_errors = _find_people(form.get("q", ""))
        errors = {**search_errors, **errors}
        searched = not search_errors
        status = 422 if search_errors and form.get("action") == "search" else status
    # Nothing was saved, so the same id is sent again: a second tap stays idempotent.
    form_id = form["id"] if form.get("id") and not errors.get("id") else str(uuid.uuid4())
    quick_services = [service for service in directory.search_services() if not service.part2_program]
    return render_template("encounters/new.html", call=call, form=form, form_id=form_id, errors=errors,
                           found=found, searched=searched, quick_services=quick_services,
                           new_uuid=lambda name: form.get(name) or str(uuid.uuid4()), **VOCABULARIES), status


def save_quick_referral_and_note(encounter, form) -> list[str]:
    """The optional referral and note sent with the encounter form (one submission, so it works
    offline as one record). Each has its own device-made id, so a resend creates nothing twice.
    Returns what could not be saved: the encounter itself is saved by then."""
    problems = []
    if form.get("referral_service_id"):
        payload = {"id": form.get("referral_id"), "service_id": form.get("referral_service_id"),
                   "consent": {"type": form.get("referral_consent") or "verbal",
                               "given_by": form.get("referral_given_by", "").strip() or "the person"},
                   "recorded_at": form.get("recorded_at") or None}
        data, errors = forms.load(ReferralCreateSchema(), {k: v for k, v in payload.items() if v is not None})
        try:
            if errors:
                raise Invalid(errors.get("", "The referral is not valid."))
            referrals.make_referral(encounter.id, data, by=current_user)
        except ServiceError as error:
            db.session.rollback()
            problems.append(f"The encounter is saved, but the referral was not: {error.message}")
    if form.get("note_body", "").strip() and current_user.role == CLINICIAN:
        due = None
        if form.get("note_follow_up"):
            due = utcnow() + FOLLOW_UP_SUGGESTION
        payload = {"id": form.get("note_id"), "body": form.get("note_body").strip(),
                   "recorded_at": form.get("recorded_at") or None}
        data, errors = forms.load(NoteCreateSchema(), {k: v for k, v in payload.items() if v is not None})
        try:
            if errors:
                raise Invalid(errors.get("", "The note is not valid."))
            if due is not None:
                data["follow_up_due"] = due
            notes.add_note(data=data, by=current_user, encounter_id=encounter.id)
        except ServiceError as error:
            db.session.rollback()
            problems.append(f"The encounter is saved, but the note was not: {error.message}")
    return problems


# --- one encounter -------------------------------------------------------------------------

@bp.route("/encounters/<uuid:encounter_id>")
@allow(OFFICER, CLINICIAN, ADMIN)
def show(encounter_id):
    return render_encounter(services.get_encounter(current_user, encounter_id))


def render_encounter(encounter, *, note_form=None, note_errors=None, addendum_to=None, addendum_form=None,
                     addendum_errors=None, status=200):
    """The encounter page; the notes forms re-render it with their errors and what was typed."""
    encounter.referrals = referrals.for_encounter(current_user, encounter)
    clinical = visibility.sees_clinical(current_user.role)
    signed = NoteSchema(many=True).dump(notes.notes_on(current_user, encounter_id=encounter.id)) if clinical else []
    return render_template(
        "encounters/show.html", encounter=seen_as(EncounterSchema, visibility.ENCOUNTER, encounter),
        clinical=clinical, notes=with_times(signed), note_form=note_form or {}, note_errors=note_errors or {},
        note_id=str(uuid.uuid4()), addendum_to=addendum_to, addendum_form=addendum_form or {},
        addendum_errors=addendum_errors or {}, follow_up_suggestion=suggested_follow_up(),
        new_id=lambda: str(uuid.uuid4()), **VOCABULARIES), status
