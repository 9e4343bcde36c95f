"""Pages for clinicians' signed notes, addenda and follow-ups. Officers never reach them."""

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.casefile.encounter_pages import render_encounter
from fieldapp.casefile.note_form import load_note, signed_words
from fieldapp.casefile.people_pages import render_person
from fieldapp.encounters import services as encounters
from fieldapp.errors import ServiceError
from fieldapp.notes import services
from fieldapp.notes.schemas import AddendumCreateSchema, FollowUpDoneSchema, FollowUpSchema, NoteCreateSchema
from fieldapp.people import services as people
from fieldapp.roles import CLINICIAN
from fieldapp.web import forms
from fieldapp.web.access import allow

bp = Blueprint("notes", __name__)


def _save(save, form, schema):
    """(record, errors, status): the schema's errors, or the service's, or the saved record."""
    data, errors = load_note(form, schema)
    if errors:
        return None, errors, 422
    try:
        record, _unused = save(data)
    except ServiceError as error:
        errors, status = forms.form_errors(error)
        return None, errors, status
    return record, {}, 200


def _signed():
    flash(signed_words(request.form), "success")


@bp.route("/encounters/<uuid:encounter_id>/notes", methods=["POST"])
@allow(CLINICIAN)
def add_to_encounter(encounter_id):
    note, errors, status = _save(
        lambda data: services.add_note(data=data, by=current_user, encounter_id=encounter_id),
        request.form, NoteCreateSchema)
    if note is not None:
        _signed()
        return redirect(url_for("encounters.show", encounter_id=encounter_id, _anchor="notes"))
    encounter = encounters.get_encounter(current_user, encounter_id, audit_read=False)
    return render_encounter(encounter, note_form=request.form, note_errors=errors, status=status)


@bp.route("/people/<uuid:person_id>/notes", methods=["POST"])
@allow(CLINICIAN)
def add_to_person(person_id):
    note, errors, status = _save(
        lambda data: services.add_note(data=data, by=current_user, person_id=person_id),
        request.form, NoteCreateSchema)
    if note is not None:
        _signed()
        return redirect(url_for("people.show", person_id=person_id, _anchor="notes"))
    person = people.get_person(current_user, person_id, audit_read=False)
    return render_person(person, note_form=request.form, note_errors=errors, status=status)


@bp.route("/notes/<uuid:note_id>/addenda", methods=["POST"])
@allow(CLINICIAN)
def add_addendum(note_id):
    """Correct or add to a signed note; the note itself stays exactly as signed."""
    addendum, errors, status = _save(lambda data: services.add_addendum(note_id, data, by=current_user),
                                     request.form, AddendumCreateSchema)
    note = addendum or services.get_note(current_user, note_id, audit_read=False)
    on_person = request.form.get("return_to") == "person" and note.person_id is not None
    if addendum is not None:
        flash(_("Addendum signed; the original note is unchanged."), "success")
        target = url_for("people.show", person_id=note.person_id) if on_person or note.encounter_id is None \
            else url_for("encounters.show", encounter_id=note.encounter_id)
        return redirect(f"{target}#note-{addendum.addendum_to_id}")
    failed = {"addendum_to": str(note.addendum_to_id or note.id), "addendum_form": request.form,
              "addendum_errors": errors, "status": status}
    if on_person or note.encounter_id is None:
        return render_person(people.get_person(current_user, note.person_id, audit_read=False), **failed)
    return render_encounter(encounters.get_encounter(current_user, note.encounter_id, audit_read=False), **failed)


# --- follow-ups ----------------------------------------------------------------------------

@bp.route("/followups")
@allow(CLINICIAN)
def followups():
    return _render_followups()


def _render_followups(*, failed=None, form=None, errors=None, status=200):
    team = request.args.get("team") == "1"
    tasks = FollowUpSchema(many=True).dump(services.followups(current_user, mine=not team))
    for task in tasks:
        task["due_at"] = datetime.fromisoformat(task["due_at"])
    return render_template("notes/followups.html", tasks=tasks, team=team, failed=failed, form=form or {},
                           errors=errors or {}), status


@bp.route("/followups/<uuid:followup_id>/done", methods=["POST"])
@allow(CLINICIAN)
def done(followup_id):
    outcome = request.form.get("outcome", "").strip()
    data, errors = forms.load(FollowUpDoneSchema(), {"outcome": outcome} if outcome else {})
    status = 422
    if not errors:
        try:
            services.mark_done(followup_id, data["outcome"], by=current_user)
        except ServiceError as error:
            errors, status = forms.form_errors(error)
        else:
            flash(_("Follow-up marked done."), "success")
            return redirect(url_for("notes.followups", team=request.args.get("team") or None))
    return _render_followups(failed=str(followup_id), form=request.form, errors=errors, status=status)
