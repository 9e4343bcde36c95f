"""``POST /api/v1/cad/eido``: a CAD integration sends a call as an EIDO document."""


from flask import current_app
from flask_smorest import Blueprint

from fieldapp.integrations.crisisline import services as crisis_line
from fieldapp.integrations.crisisline import status as handoff_status
from fieldapp.integrations.documents import read_json
from fieldapp.integrations.eido import services
from fieldapp.integrations.eido.schemas import EidoResultSchema
from fieldapp.roles import CRISIS_LINE
from fieldapp.web.access import allow_integration, current_integration

blp = Blueprint("api_cad", __name__, url_prefix="/api/v1/cad",
                description="For CAD systems (integration accounts of kind cad): calls as NENA EIDO")


def _document() -> dict:
    return read_json(current_app.config["EIDO_MAX_BYTES"], "An EIDO document")


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
