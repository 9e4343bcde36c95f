from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.units import services
from fieldapp.units.schemas import ShiftCreateSchema, ShiftSchema, UnitCreateSchema, UnitSchema
from fieldapp.web.access import allow

blp = Blueprint("api_units", __name__, url_prefix="/api/v1/units", description="Units and shifts")


@blp.route("", methods=["GET"])
@blp.response(200, UnitSchema(many=True))
@allow(DISPATCHER, ADMIN, OFFICER, CLINICIAN)
def list_units():
    """Every unit with its crew and status (derived from its open shift and active calls)."""
    return services.unit_views()


@blp.route("", methods=["POST"])
@blp.arguments(UnitCreateSchema)
@blp.response(201, UnitSchema)
@allow(ADMIN)
def create_unit(data):
    unit = services.create_unit(data["call_sign"], by=current_user)
    return services.unit_view(unit)


@blp.route("/<int:unit_id>/shift", methods=["POST"])
@blp.arguments(ShiftCreateSchema)
@blp.response(201, ShiftSchema)
@allow(ADMIN, DISPATCHER)
def open_shift(data, unit_id):
    """Pair a clinician and an officer on the unit; it is on duty until the shift closes."""
    return services.open_shift(services.get_unit(unit_id), by=current_user, **data)


@blp.route("/<int:unit_id>/shift", methods=["DELETE"])
@blp.response(200, ShiftSchema)
@allow(ADMIN, DISPATCHER)
def close_shift(unit_id):
    return services.close_shift(services.get_unit(unit_id), by=current_user)
