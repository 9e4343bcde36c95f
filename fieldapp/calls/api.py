from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.calls import constants as c
from fieldapp.calls import locate, services
from fieldapp.calls import status as status_changes
from fieldapp.calls.schemas import (
    AssignSchema,
    CallCreateSchema,
    CallDetailSchema,
    CallDetailsSchema,
    CallEventSchema,
    CallQuerySchema,
    CallSchema,
    CancelSchema,
    PinSchema,
    StatusChangeSchema,
    VocabularySchema,
)
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER, PROGRAM_MANAGER
from fieldapp.web.access import allow

blp = Blueprint("api_calls", __name__, url_prefix="/api/v1/calls", description="Calls for service")


@blp.route("", methods=["POST"])
@blp.arguments(CallCreateSchema)
@blp.response(201, CallDetailSchema)
@blp.alt_response(200, schema=CallDetailSchema, description="A replay of a call already received "
                  "(same external_id and body)")
@allow(DISPATCHER)
def create_call(data):
    """Receive a call. It starts ``pending`` until it is assigned to a unit."""
    call, created = services.create_call(data, by=current_user)
    return call, 201 if created else 200


@blp.route("", methods=["GET"])
@blp.arguments(CallQuerySchema, location="query")
@blp.response(200, CallSchema(many=True))
@allow(DISPATCHER, ADMIN, OFFICER, CLINICIAN)
def list_calls(query):
    """Dispatchers and admins: every call. Unit crews: their unit's calls this shift. Newest first."""
    return services.list_calls(current_user, **query)


@blp.route("/<int:call_id>", methods=["GET"])
@blp.response(200, CallDetailSchema)
@allow(DISPATCHER, ADMIN, OFFICER, CLINICIAN)
def get_call(call_id):
    return services.get_call(current_user, call_id)


@blp.route("/<int:call_id>", methods=["PATCH"])
@blp.arguments(CallDetailsSchema)
@blp.response(200, CallDetailSchema)
@allow(DISPATCHER, OFFICER, CLINICIAN)
def update_details(data, call_id):
    """Change the call's source, eligibility (and reason not eligible), district or final call type.

    Dispatchers: any call. A unit's crew: their own call (the final type is often found on scene).
    """
    return services.update_details(call_id, data, by=current_user)


@blp.route("/vocabularies", methods=["GET"])
@blp.response(200, VocabularySchema)
@allow(DISPATCHER, ADMIN, OFFICER, CLINICIAN, PROGRAM_MANAGER)
def vocabularies():
    """The codes of the call fields and their labels, with the agency's districts."""
    return {"sources": c.SOURCES, "ineligible_reasons": c.INELIGIBLE_REASONS, "call_types": c.CALL_TYPES,
            "districts": list(current_app.config["DISTRICTS"])}


@blp.route("/<int:call_id>/assign", methods=["POST"])
@blp.arguments(AssignSchema)
@blp.response(200, CallDetailSchema)
@allow(DISPATCHER)
def assign(data, call_id):
    """Assign a pending call to an on-duty unit, or reassign it before the unit is on scene."""
    return services.assign(call_id, data["unit_id"], by=current_user, confirm_busy=data["confirm_busy"])


@blp.route("/<int:call_id>/cancel", methods=["POST"])
@blp.arguments(CancelSchema)
@blp.response(200, CallDetailSchema)
@allow(DISPATCHER)
def cancel(data, call_id):
    return services.cancel(call_id, data["reason"], by=current_user)


@blp.route("/<int:call_id>/status", methods=["POST"])
@blp.arguments(StatusChangeSchema)
@blp.response(201, CallEventSchema)
@blp.alt_response(200, schema=CallEventSchema, description="A replay: the entry stored for this id")
@allow(OFFICER, CLINICIAN)
def change_status(data, call_id):
    """One tap from the unit: acknowledged, en_route, on_scene, transporting or cleared.

    The ``id`` is made by the device; sending the same id and body again returns the stored
    entry (200), the same id with a different body is a 409.
    """
    entry, created = status_changes.change_status(call_id, event_id=data["id"], status=data["status"],
                                            recorded_at=data.get("recorded_at"),
                                            disposition=data.get("disposition"), by=current_user,
                                            final_call_type=data.get("final_call_type"))
    return entry, 201 if created else 200


@blp.route("/<int:call_id>/location", methods=["PUT"])
@blp.arguments(PinSchema)
@blp.response(200, CallDetailSchema)
@allow(DISPATCHER, ADMIN)
def drop_pin(data, call_id):
    """Put the call where a dispatcher dropped a pin on the map: the pin wins over the CAD's and the
    geocoder's coordinates (``location_source`` becomes ``pin``); the call's zone is found again. Audited."""
    return locate.drop_pin(call_id, data["lat"], data["lon"], by=current_user)
