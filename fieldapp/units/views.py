from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.errors import ServiceError
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.units import services
from fieldapp.units.schemas import ShiftCreateSchema, UnitCreateSchema
from fieldapp.web.access import allow
from fieldapp.web.forms import as_number, flash_refusal, load

bp = Blueprint("units", __name__)


@bp.route("/units", methods=["GET"])
@allow(ADMIN, DISPATCHER)
def index():
    return render_template("units/index.html", views=services.unit_views(),
                           crews={CLINICIAN: services.crew_candidates(CLINICIAN),
                                  OFFICER: services.crew_candidates(OFFICER)})


@bp.route("/units", methods=["POST"])
@allow(ADMIN)
def create():
    data, errors = load(UnitCreateSchema(), {"call_sign": request.form.get("call_sign", "")})
    try:
        if errors:
            flash(_("Call sign: ") + errors.get("call_sign", errors[""]), "error")
        else:
            unit = services.create_unit(data["call_sign"], by=current_user)
            flash(_("Unit %(call_sign)s created. Open a shift to put it on duty.", call_sign=unit.call_sign), "success")
    except ServiceError as error:
        flash_refusal(error)
    return redirect(url_for("units.index"))


@bp.route("/units/<int:unit_id>/shift", methods=["POST"])
@allow(ADMIN, DISPATCHER)
def open_shift(unit_id):
    unit = services.get_unit(unit_id)
    data, errors = load(ShiftCreateSchema(), {"clinician_id": as_number(request.form.get("clinician_id", "")),
                                              "officer_id": as_number(request.form.get("officer_id", ""))})
    if errors:
        flash(_("Choose a clinician and an officer for %(call_sign)s.", call_sign=unit.call_sign), "error")
        return redirect(url_for("units.index"))
    try:
        shift = services.open_shift(unit, by=current_user, **data)
        flash(_("%(unit)s is on duty: %(clinician)s and %(officer)s.", unit=unit.call_sign,
                clinician=shift.clinician.full_name, officer=shift.officer.full_name), "success")
    except ServiceError as error:
        flash_refusal(error)
    return redirect(url_for("units.index"))


@bp.route("/units/<int:unit_id>/shift/close", methods=["POST"])
@allow(ADMIN, DISPATCHER)
def close_shift(unit_id):
    unit = services.get_unit(unit_id)
    try:
        services.close_shift(unit, by=current_user)
        flash(_("%(call_sign)s is off duty.", call_sign=unit.call_sign), "success")
    except ServiceError as error:
        flash_refusal(error)
    return redirect(url_for("units.index"))
