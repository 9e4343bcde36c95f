"""Pages for safety plans: the form on an encounter (kept on a clinician's device, saved offline like
the other field forms), and the plan as the person takes it, one printed page in large type."""

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from fieldapp.directory import services as directory
from fieldapp.encounters import services as encounters
from fieldapp.errors import ServiceError
from fieldapp.roles import ADMIN, CLINICIAN
from fieldapp.safetyplans import printed, services
from fieldapp.safetyplans.constants import CRISIS_LINE, STEPS
from fieldapp.safetyplans.form import default_follow_up, load_plan, signed_words
from fieldapp.web import forms
from fieldapp.web.access import allow

bp = Blueprint("safetyplans", __name__)


@bp.app_template_global("safety_plans_of")
def safety_plans_of(encounter_id) -> list:
    """The encounter's plans, for the clinicians' section of the encounter page."""
    return services.plans_on(current_user, uuid.UUID(str(encounter_id)))


@bp.app_context_processor
def vocabulary():
    return {"SAFETY_PLAN_STEPS": STEPS, "CRISIS_LINE": CRISIS_LINE}


def _render_form(encounter, form, errors, status):
    form_id = form["id"] if form.get("id") and not errors.get("id") else str(uuid.uuid4())
    choices = [s for s in directory.search_services() if not s.part2_program]
    return render_template("safetyplans/new.html", encounter=encounter, form=form, form_id=form_id, errors=errors,
                           services=choices, follow_up_suggestion=default_follow_up()), status


@bp.route("/encounters/<uuid:encounter_id>/safety-plans/new")
@allow(CLINICIAN)
def new(encounter_id):
    encounter = encounters.get_encounter(current_user, encounter_id, audit_read=False)
    return _render_form(encounter, MultiDict({"follow_up": "1"}), {}, 200)


@bp.route("/encounters/<uuid:encounter_id>/safety-plans", methods=["POST"])
@allow(CLINICIAN)
def create(encounter_id):
    data, errors = load_plan(request.form)
    status = 422
    if not errors:
        try:
            plan, _created = services.make_plan(encounter_id, data, by=current_user)
        except ServiceError as error:
            errors, status = forms.form_errors(error)
        else:
            flash(signed_words(request.form), "success")
            return redirect(url_for("safetyplans.show", plan_id=plan.id))
    encounter = encounters.get_encounter(current_user, encounter_id, audit_read=False)
    return _render_form(encounter, request.form, errors, status)


@bp.route("/safety-plans/<uuid:plan_id>")
@allow(CLINICIAN, ADMIN)
def show(plan_id):
    """The plan as the person takes it, in their language (``?lang=en|es`` switches), whatever the UI's."""
    plan = services.get_plan(current_user, plan_id)
    encounter = encounters.get_encounter(current_user, plan.encounter_id, audit_read=False)
    person = encounter.person
    language = printed.printed_language(person.preferred_language if person else None,
                                        encounter.call.preferred_language, requested=request.args.get("lang"))
    words = printed.texts(language, author=plan.author.full_name, signed_at=plan.signed_at)
    return render_template("safetyplans/show.html", plan=plan, printed_in=language, words=words)
