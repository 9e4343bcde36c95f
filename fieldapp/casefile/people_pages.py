"""Pages for people the units meet: finding someone on record, and one person's contacts."""

import uuid

from flask import Blueprint, render_template, request
from flask_login import current_user

from fieldapp import visibility
from fieldapp.casefile.encounter_form import suggested_follow_up
from fieldapp.encounters import services as encounters
from fieldapp.encounters.schemas import EncounterSchema
from fieldapp.notes import services as notes
from fieldapp.notes.schemas import NoteSchema
from fieldapp.people import services
from fieldapp.people.schemas import PersonQuerySchema, PersonSchema
from fieldapp.referrals import services as referrals
from fieldapp.roles import ADMIN, CLINICIAN, OFFICER
from fieldapp.web import forms
from fieldapp.web.access import allow
from fieldapp.web.pages import seen_as, with_times

bp = Blueprint("people", __name__)


@bp.route("/people/search")
@allow(CLINICIAN, OFFICER, ADMIN)
def search():
    """Find a person by name or date of birth. Clinicians and units on shift; every search is audited."""
    q = request.args.get("q", "").strip()
    found, errors = [], {}
    if q:
        query, errors = forms.load(PersonQuerySchema(), {"q": q})
        if not errors:
            found = seen_as(PersonSchema, visibility.PERSON, services.search(current_user, query["q"]), many=True)
    return render_template("people/search.html", q=q, found=found, errors=errors, searched=bool(q) and not errors,
                           clinical=visibility.sees_clinical(current_user.role)), \
        422 if errors else 200


@bp.route("/people/<uuid:person_id>")
@allow(CLINICIAN, OFFICER, ADMIN)
def show(person_id):
    return render_person(services.get_person(current_user, person_id))


def _encounters_of(person):
    """The person's encounters this user may see, newest first; the read is audited."""
    found = encounters.for_person(current_user, person)
    for encounter in found:
        encounter.referrals = referrals.for_encounter(current_user, encounter)
    return found


def render_person(person, *, note_form=None, note_errors=None, addendum_to=None, addendum_form=None,
                  addendum_errors=None, status=200):
    """The person page; the notes forms re-render it with their errors and what was typed."""
    clinical = visibility.sees_clinical(current_user.role)
    signed = NoteSchema(many=True).dump(notes.notes_on(current_user, person_id=person.id)) if clinical else []
    return render_template(
        "people/show.html", person=seen_as(PersonSchema, visibility.PERSON, person),
        encounters=seen_as(EncounterSchema, visibility.ENCOUNTER, _encounters_of(person), many=True),
        clinical=clinical, notes=with_times(signed), note_form=note_form or {}, note_errors=note_errors or {},
        note_id=str(uuid.uuid4()), addendum_to=addendum_to, addendum_form=addendum_form or {},
        addendum_errors=addendum_errors or {}, follow_up_suggestion=suggested_follow_up(),
        new_id=lambda: str(uuid.uuid4())), status
