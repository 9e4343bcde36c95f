"""``POST /api/v1/cad/eido``: a CAD integration sends a call as an EIDO document."""

import json

from flask import current_app, request
from flask_smorest import Blueprint

from fieldapp.errors import ServiceError
from fieldapp.integrations.crisisline import services as crisis_line
from fieldapp.integrations.crisisline import status as handoff_status
from fieldapp.integrations.eido import services
from fieldapp.integrations.eido.schemas import EidoResultSchema
from fieldapp.roles import CRISIS_LINE
from fieldapp.web.access import allow_integration, current_integration

blp = Blueprint("api_cad", __name__, url_prefix="/api/v1/cad",
                description="For CAD systems (integration accounts of kind cad): calls as NENA EIDO")


class TooLarge(ServiceError):
    status, code = 413, "too_large"


def _document() -> dict:
    limit = current_app.config["EIDO_MAX_BYTES"]
    if (request.content_length or 0) > limit:
        raise TooLarge(f"An EIDO document may be at most {limit} bytes.")
    body = request.get_data(cache=False)
    if len(body) > limit:
        raise TooLarge(f"An EIDO document may be at most {limit} bytes.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise ServiceError("The request body is not valid JSON.") from None


@blp.route("/eido", methods=["POST"])
@blp.doc(requestBody={"required": True, "description": "An EIDO document (NENA-STA-021, JSON); "
                      "at most EIDO_MAX_BYTES (512 KB).",
                      "content": {"application/json": {"schema": {"type": "object"}}}})
@blp.response(201, EidoResultSchema)
@blp.alt_response(200, schema=EidoResultSchema, description="The incident was known: updated, unchanged, "
                  "cancelled, or a replay (same or older lastUpdateTimeStamp: nothing changed)")
@allow_integration("cad", "eido.intake")
@allow_integration(CRISIS_LINE, "handoffs.send")
def receive_eido():
    """Create or update a call from a NENA EIDO document (NENA-STA-021, JSON).

    Send ``Authorization: Bearer fa_int_...`` (a CAD integration account's key) and the EIDO JSON
    as the body. docs/integrations.md lists how each EIDO field maps to the call. A 988 crisis line's
    key (kind crisis_line) makes a call with source 988 and the answer carries its FHIR ``task``. A document
    without an incidentComponent, or without a location, is refused (422) naming what is missing.
    """
    actor = current_integration()
    task = None
    if actor.kind == CRISIS_LINE:  # a 988 hand-off: a call with source 988, followed by its Task
        outcome, handoff = crisis_line.receive_eido(_document(), by=actor)
        task = handoff_status.task(handoff)
    else:
        outcome = services.receive(_document(), by=actor, integration_id=actor.integration_id)
    body = {"result": outcome.result, "changed": list(outcome.changed), "call": outcome.call}
    if task is not None:
        body["task"] = task
    return body, 201 if outcome.result == services.CREATED else 200
