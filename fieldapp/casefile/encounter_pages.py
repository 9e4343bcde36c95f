"""Pages for what a unit records on a call: the briefing, logging an encounter, an encounter.

Records reach templates only as the role's view of their schema (``seen_as``), so a page cannot
show a field ``fieldapp/visibility.py`` keeps from the role.
"""

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import visibility
from fieldapp.calls import constants as call_vocabulary
from fieldapp.calls import services as calls
from fieldapp.casefile import briefing as briefings
from fieldapp.casefile import encounter_form
from fieldapp.casefile.encounter_form import suggested_follow_up
from fieldapp.directory import services as directory
from fieldapp.encounters import billing, services
from fieldapp.encounters import constants as encounter_constants
from fieldapp.encounters.schemas import BillingDetailsSchema, BriefingSchema, EncounterSchema
from fieldapp.errors import ServiceError
from fieldapp.notes import services as notes
from fieldapp.notes.schemas import NoteSchema
from fieldapp.people import services as people
from fieldapp.people.schemas import PersonQuerySchema, PersonSchema
from fieldapp.referrals import services as referrals
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.web import forms
from fieldapp.web.access import allow
from fieldapp.web.pages import seen_as, with_times

bp = Blueprint("encounters", __name__)



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
                           crew=calls.is_crew(current_user, call), clinical=visibility.sees_clinical(current_user.role))


# --- logging an encounter ------------------------------------------------------------------

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


def may_clear(call) -> bool:
    """Whether the form offers "Save and clear the call": to the crew of a call still open. Not only
    when clearing is allowed right now, because the page is kept for offline use and the unit's status
    taps may be waiting in the outbox; the calls service checks the transition when it arrives."""
    return calls.is_crew(current_user, call) and call.status not in (
        call_vocabulary.PENDING, call_vocabulary.CANCELLED, call_vocabulary.CLEARED)


@bp.route("/calls/<int:call_id>/encounters/new", methods=["GET", "POST"])
@allow(OFFICER, CLINICIAN)
def new(call_id):
    """One person contacted, in under a minute: outcome first, the rest only where it applies."""
    call = calls.get_call(current_user, call_id, audit_read=False)
    form = request.form
    errors, status = {}, 200
    if request.method == "POST" and form.get("action") != "search":
        try:
            encounter, created, target, problems = encounter_form.save_encounter_form(call.id, form)
        except ServiceError as error:
            errors, status = forms.form_errors(error)
        else:
            flash(encounter_form.saved_words(encounter, created, form, problems), "success")
            for problem in problems:
                flash(problem, "error")  # shown on the next page this user opens
            return redirect(target)
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
    concerns = form.getlist("concerns") if request.method == "POST" \
        else list(encounter_constants.CONCERNS_BY_CALL_TYPE.get(call.call_type, ()))
    return render_template(
        "encounters/new.html", call=call, form=form, form_id=form_id, errors=errors,
        first_error=encounter_form.first_error(errors), found=found, searched=searched,
        quick_services=quick_services, concerns=concerns, may_clear=may_clear(call),
        dispositions=call_vocabulary.DISPOSITIONS,
        new_uuid=lambda name: form.get(name) or str(uuid.uuid4())), status


# --- one encounter -------------------------------------------------------------------------

@bp.route("/encounters/<uuid:encounter_id>")
@allow(OFFICER, CLINICIAN, ADMIN)
def show(encounter_id):
    return render_encounter(services.get_encounter(current_user, encounter_id))


@bp.route("/encounters/<uuid:encounter_id>/billing", methods=["POST"])
@allow(CLINICIAN)
def set_billing(encounter_id):
    """billing (issue 21): the clinician's billing details form on the encounter page."""
    form = {name: request.form.get(name, "").strip() or None for name in billing.BILLING_FIELDS}
    data, errors = forms.load(BillingDetailsSchema(), form)
    if not errors:
        try:
            encounter = billing.set_billing_details(current_user, encounter_id, data)
        except ServiceError as error:
            errors = forms.form_errors(error)[0]
        else:
            flash(_("Billing details saved."), "success")
            return redirect(url_for("encounters.show", encounter_id=encounter.id))
    encounter = services.get_encounter(current_user, encounter_id, audit_read=False)
    return render_encounter(encounter, billing_form=form, billing_errors=errors, status=422)


def render_encounter(encounter, *, note_form=None, note_errors=None, addendum_to=None, addendum_form=None,
                     addendum_errors=None, billing_form=None, billing_errors=None, status=200):
    """The encounter page; the notes forms re-render it with their errors and what was typed."""
    encounter.referrals = referrals.for_encounter(current_user, encounter)
    clinical = visibility.sees_clinical(current_user.role)
    signed = NoteSchema(many=True).dump(notes.notes_on(current_user, encounter_id=encounter.id)) if clinical else []
    return render_template(
        "encounters/show.html", encounter=seen_as(EncounterSchema, visibility.ENCOUNTER, encounter),
        clinical=clinical, notes=with_times(signed), note_form=note_form or {}, note_errors=note_errors or {},
        note_id=str(uuid.uuid4()), addendum_to=addendum_to, addendum_form=addendum_form or {},
        addendum_errors=addendum_errors or {}, follow_up_suggestion=suggested_follow_up(),
        billing_form=billing_form, billing_errors=billing_errors or {},
        new_id=lambda: str(uuid.uuid4())), status
