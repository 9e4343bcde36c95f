import uuid

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from fieldapp import languages
from fieldapp.calls import board, services
from fieldapp.calls import constants as c
from fieldapp.calls import map as map_views
from fieldapp.calls import status as status_changes
from fieldapp.calls.briefing import briefing_of, encounters_of
from fieldapp.calls.schemas import CallCreateSchema, CancelSchema, StatusChangeSchema
from fieldapp.errors import ServiceError
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.units import services as units
from fieldapp.visibility import BRIEFING
from fieldapp.web import forms
from fieldapp.web.access import allow

bp = Blueprint("calls", __name__)


@bp.route("/my/calls")
@allow(OFFICER, CLINICIAN)
def my_calls():
    shift = units.shift_of_user(current_user)
    calls = services.list_calls(current_user, audit_as="call.list.mine") if shift else []
    active = [call for call in calls if call.status in c.OPEN]
    done = [call for call in calls if call.status not in c.OPEN]
    return render_template("calls/my_calls.html", shift=shift, active=active, done=done,
                           CARD_STEPS=CARD_STEPS, new_id=lambda: str(uuid.uuid4()))


# A call card's one-tap next step on My calls: on the way, then arrived (the call page has the others).
CARD_STEPS = {c.ASSIGNED: c.EN_ROUTE, c.ACKNOWLEDGED: c.EN_ROUTE, c.EN_ROUTE: c.ON_SCENE}


@bp.route("/calls/<int:call_id>")
@allow(DISPATCHER, ADMIN, OFFICER, CLINICIAN)
def show(call_id):
    call = services.get_call(current_user, call_id)
    return _render_call(call)


def _render_call(call, errors=None, status=200):
    crew = services.is_crew(current_user, call)
    # The short briefing a unit sees on opening the call (the record page has the whole of it).
    briefing = briefing_of(current_user, call.id) if current_user.role in BRIEFING else None
    return render_template(
        "calls/show.html", call=call, crew=crew, briefing=briefing, logged=encounters_of(current_user, call),
        next_statuses=status_changes.next_statuses(call) if crew else (), transitions=c.UNIT_TRANSITIONS,
        event_id=uuid.uuid4(), units=units.unit_views() if current_user.role == DISPATCHER else [],
        errors=errors or {}), status


@bp.route("/calls/<int:call_id>/status", methods=["POST"])
@allow(OFFICER, CLINICIAN)
def change_status(call_id):
    payload = {key: request.form.get(key) or None
               for key in ("id", "status", "recorded_at", "disposition", "final_call_type")}
    payload = {key: value for key, value in payload.items() if value is not None}
    try:
        data = StatusChangeSchema().load(payload)
        entry, created = status_changes.change_status(
            call_id, event_id=data["id"], status=data["status"], recorded_at=data.get("recorded_at"),
            disposition=data.get("disposition"), by=current_user, final_call_type=data.get("final_call_type"))
    except ValidationError as error:
        call = services.get_call(current_user, call_id, audit_read=False)
        return _render_call(call, forms.flat_errors(error.messages), 422)
    except ServiceError as error:
        errors, status = forms.form_errors(error)
        call = services.get_call(current_user, call_id, audit_read=False)
        return _render_call(call, errors, status)
    if created:
        flash(_("Call %(id)s: %(status)s.", id=call_id, status=str(c.STATUS_LABELS[entry.status]).lower()), "success")
    return redirect(url_for("calls.show", call_id=call_id))


@bp.route("/calls/new", methods=["GET", "POST"])
@allow(DISPATCHER)
def new():
    errors, form = {}, request.form
    if request.method == "POST":
        payload = {
            "call_type": form.get("call_type", ""), "priority": forms.as_number(form.get("priority", "")),
            "location": {"address": form.get("address", "").strip(), "lat": forms.as_number(form.get("lat", "")),
                         "lon": forms.as_number(form.get("lon", ""))},
            "narrative": form.get("narrative", ""), "cautions": form.getlist("cautions"),
            "callback": form.get("callback") or None, "external_id": form.get("external_id") or None,
            **record_fields_payload(form), **languages.form_payload(form),
        }
        data, errors = forms.load(CallCreateSchema(), payload)
        if not errors:
            try:
                call, _unused = services.create_call(data, by=current_user)
            except ServiceError as error:
                errors, _unused = forms.form_errors(error)
            else:
                flash(_("Call %(id)s received. Assign it to a unit.", id=call.id), "success")
                return redirect(url_for("calls.show", call_id=call.id))
    return render_template("calls/new.html", errors=errors, form=form, SOURCES=c.SOURCES,
                           INELIGIBLE_REASONS=c.INELIGIBLE_REASONS,
                           DISTRICTS=current_app.config["DISTRICTS"]), 422 if errors else 200


def record_fields_payload(form) -> dict:
    """The call form's source, eligibility and district (fields, issue 11), only those given."""
    payload = {name: form.get(name) for name in ("source", "ineligible_reason", "district") if form.get(name)}
    if form.get("eligible") in ("yes", "no"):
        payload["eligible"] = form.get("eligible") == "yes"
    if form.get("eligible") != "no":  # the reason's select is hidden then: what it still holds is not meant
        payload.pop("ineligible_reason", None)
    return payload


@bp.route("/calls/<int:call_id>/cancel", methods=["POST"])
@allow(DISPATCHER)
def cancel(call_id):
    data, errors = forms.load(CancelSchema(), {"reason": request.form.get("reason", "").strip()})
    try:
        if errors:
            flash(_("Say why the call is cancelled."), "error")
        else:
            services.cancel(call_id, data["reason"], by=current_user)
            flash(_("Call %(call_id)s cancelled.", call_id=call_id), "success")
    except ServiceError as error:
        forms.flash_refusal(error)
    return redirect(url_for("calls.show", call_id=call_id))


board.register(bp)  # the dispatchers' board: fieldapp/calls/board.py
map_views.register(bp)  # the dispatch map: fieldapp/calls/map.py
