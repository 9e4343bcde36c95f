from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.positions import services
from fieldapp.positions.schemas import (
    HistoryQuerySchema,
    LatestSchema,
    PositionBatchSchema,
    PositionSchema,
    RecordedSchema,
    SharingSchema,
)
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.web.access import allow, background

blp = Blueprint("api_positions", __name__, url_prefix="/api/v1", description="Unit positions")


@blp.route("/units/<int:unit_id>/positions", methods=["POST"])
@blp.arguments(PositionBatchSchema)
@blp.response(200, RecordedSchema)
@allow(OFFICER, CLINICIAN)
@background
def record_positions(data, unit_id):
    """The crew's phone sends where its unit is: a list of positions (up to 100, any order). A position
    is named by ``device_id`` and its ``recorded_at``: sending it again stores nothing (``replayed``);
    the same device and time with another place or accuracy is refused (409 ``id_conflict``, naming
    ``positions.<i>.recorded_at``). The unit's latest position moves only forward in device time.
    Only the unit's crew on shift."""
    return services.record(unit_id, data["positions"], device_id=data["device_id"], by=current_user)


@blp.route("/units/positions", methods=["GET"])
@blp.response(200, LatestSchema(many=True))
@allow(DISPATCHER, ADMIN)
@background
def latest_positions():
    """The latest position of each unit, with its age; ``stale`` past 2 minutes."""
    return services.latest_positions()


@blp.route("/units/<int:unit_id>/positions", methods=["GET"])
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, PositionSchema(many=True))
@allow(DISPATCHER, ADMIN)
def position_history(query, unit_id):
    """A unit's positions, oldest first: on one call (``call_id``) or between two times. Audited."""
    return services.history(unit_id, by=current_user, **query)


@blp.route("/me/position-sharing", methods=["GET"])
@blp.response(200, SharingSchema)
@allow(OFFICER, CLINICIAN)
@background
def position_sharing():
    """Whether this phone should send its unit's position now (a call en route, on scene or transporting)."""
    return services.sharing(current_user)
