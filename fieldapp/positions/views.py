"""The field form of a position: what the phone's outbox holds and ``POST /api/v1/sync`` sends on
(``fieldapp.sync.forms``), one position a record, in the order taken (static/js/share.js)."""

from flask import Blueprint, request
from flask_login import current_user
from marshmallow import ValidationError

from fieldapp.positions import services
from fieldapp.positions.schemas import PositionBatchSchema
from fieldapp.roles import CLINICIAN, OFFICER
from fieldapp.schemas import shared
from fieldapp.web.access import allow, background

bp = Blueprint("positions", __name__)

FIELDS = ("lat", "lon", "accuracy_m", "recorded_at")


def record_form(unit_id: int, form) -> services.Recorded:
    """Save the position in ``form`` (device_id, lat, lon, accuracy_m, recorded_at): the schema's
    refusals name the fields as the API's do (``positions.0.lat`` is ``lat`` here)."""
    position = {name: form.get(name) for name in FIELDS if form.get(name) not in (None, "")}
    try:
        data = shared(PositionBatchSchema).load({"device_id": form.get("device_id", ""), "positions": [position]})
    except ValidationError as error:
        messages = dict(error.messages)
        inner = messages.pop("positions", {})
        messages.update(inner.get(0, {}) if isinstance(inner, dict) else {"positions": inner})
        raise ValidationError(messages) from None
    return services.record(unit_id, data["positions"], device_id=data["device_id"], by=current_user)


@bp.route("/units/<int:unit_id>/positions", methods=["POST"])
@allow(OFFICER, CLINICIAN)
@background
def record(unit_id):
    record_form(unit_id, request.form)
    return "", 204
