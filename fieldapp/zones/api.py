from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.apidoc import json_document
from fieldapp.errors import ErrorSchema
from fieldapp.roles import ADMIN, DISPATCHER, PROGRAM_MANAGER
from fieldapp.web.access import allow
from fieldapp.zones import services
from fieldapp.zones.schemas import TargetsOutSchema, TargetsSchema, UploadOutSchema

blp = Blueprint("api_zones", __name__, url_prefix="/api/v1/zones",
                description="The agency's zones and their response-time targets")


@blp.route("", methods=["GET"])
@blp.doc(**json_document("The zones, a GeoJSON FeatureCollection (RFC 7946).", "application/json", {
    "type": "object", "required": ["type", "features"],
    "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                   "features": {"type": "array", "items": {"type": "object"}}}}))
@allow(DISPATCHER, ADMIN, PROGRAM_MANAGER)
def zones():
    """The agency's zones as a GeoJSON FeatureCollection (RFC 7946); each feature's properties: ``id``,
    ``name`` and ``targets`` (minutes by priority, ``{"1": 15, ...}``)."""
    return services.feature_collection()


@blp.route("", methods=["PUT"])
@blp.doc(requestBody={"required": True, "description": "A GeoJSON FeatureCollection of Polygon/MultiPolygon "
                      "features named in properties.name; at most ZONES_MAX_BYTES (1 MB).",
                      "content": {"application/json": {"schema": {"type": "object"}}}})
@blp.response(200, UploadOutSchema)
@blp.alt_response(422, schema=ErrorSchema, description="The file was refused (each problem named); nothing changed.")
@allow(ADMIN)
def upload():
    """Replace the zones with a GeoJSON FeatureCollection of Polygon/MultiPolygon features, each with
    ``properties.name``. A zone uploaded again under its name keeps its targets; zones missing from the
    file are removed. Refused (422, naming each problem) and nothing changes when any feature is wrong."""
    return services.upload(request.get_data(cache=False), by=current_user)


@blp.route("/targets", methods=["GET"])
@blp.response(200, TargetsOutSchema)
@allow(DISPATCHER, ADMIN, PROGRAM_MANAGER)
def targets():
    """The response-time targets per zone and priority (received -> first unit on scene)."""
    return {"default_minutes": services.default_minutes(), "targets": services.all_targets()}


@blp.route("/targets", methods=["PUT"])
@blp.arguments(TargetsSchema)
@blp.response(200, TargetsOutSchema)
@allow(ADMIN)
def set_targets(data):
    """Set targets: ``{"targets": [{"zone_id", "priority", "minutes"}]}``; ``minutes`` null removes one.
    Targets not named are left as they are."""
    return {"default_minutes": services.default_minutes(),
            "targets": services.set_targets(data["targets"], by=current_user)}
