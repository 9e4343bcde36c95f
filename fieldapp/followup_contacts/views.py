"""The clinician's entry of a follow-up contact, on the encounter page (templates/followup_contacts/_section.html)."""

import uuid

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock
from fieldapp.encounters import services as encounters
from fieldapp.errors import ServiceError
from fieldapp.followup_contacts import constants, services
from fieldapp.followup_contacts.schemas import FollowUpContactCreateSchema
from fieldapp.roles import ADMIN, CLINICIAN
from fieldapp.web import forms
from fieldapp.web.access import allow

bp = Blueprint("follow_up_contacts", __name__)


@bp.app_template_global("follow_up_contacts_of")
def follow_up_contacts_of(encounter_id) -> list:
    """The encounter's follow-up contacts, for the clinicians' section of the encounter page."""
    if current_user.role not in (CLINICIAN, ADMIN):
        return []
    return services.of_encounter(current_user, uuid.UUID(str(encounter_id)))


@bp.app_context_processor
def vocabularies():
    return {"FOLLOW_UP_MODES": constants.MODES, "FOLLOW_UP_RESULTS": constants.RESULTS}


@bp.route("/encounters/<uuid:encounter_id>/follow-up-contacts", methods=["POST"])
@allow(CLINICIAN)
def record(encounter_id):
    form = request.form
    payload = {"id": form.get("id", ""), "encounter_id": str(encounter_id),
               "contacted_at": clock.from_input(form.get("contacted_at", "").strip()), "mode": form.get("mode", ""),
               "reached": {"yes": True, "no": False}.get(form.get("reached", ""), form.get("reached", "")),
               "result": form.get("result", "")}
    data, errors = forms.load(FollowUpContactCreateSchema(), payload)
    if not errors:
        try:
            services.record(data, by=current_user)
        except ServiceError as error:
            errors = forms.form_errors(error)[0]
    if errors:
        encounters.get_encounter(current_user, encounter_id, audit_read=False)  # 404 for an encounter not seen
        problems = "; ".join(f"{name.replace('_', ' ')}: {message}" for name, message in errors.items() if name)
        flash(_("The follow-up contact was not saved. %(get)s", get=problems or errors.get('', '')), "error")
    else:
        flash(_("Follow-up contact recorded."), "success")
    return redirect(url_for("encounters.show", encounter_id=encounter_id) + "#follow-up-contacts-heading")
