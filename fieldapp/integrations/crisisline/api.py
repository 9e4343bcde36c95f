"""``POST /api/v1/fhir/ServiceRequest``: a 988 crisis line hands a contact off to the mobile crisis team."""

import json

from flask import current_app, request
from flask_smorest import Blueprint

from fieldapp.integrations.crisisline import services, status
from fieldapp.integrations.documents import read_json
from fieldapp.integrations.fhir.outcome import OPENAPI_ERRORS
from fieldapp.roles import CRISIS_LINE
from fieldapp.web.access import allow_integration, current_integration

blp = Blueprint("api_fhir_handoffs", __name__, url_prefix="/api/v1/fhir",
                description="988 hand-offs (integration accounts of kind crisis_line): a FHIR R4 ServiceRequest "
                            "becomes a call, followed by its Task")
FHIR_JSON = "application/fhir+json"
MAX_BYTES = 256 * 1024


def bundle(handoff) -> dict:
    """The answer: the ServiceRequest as stored (the call's id among its identifiers) and its Task."""
    base = request.url_root + "api/v1/fhir/"
    resources = [services.service_request(handoff), status.task(handoff)]
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r} for r in resources]}


@blp.route("/ServiceRequest", methods=["POST"])
@blp.doc(requestBody={"required": True, "description": "A FHIR R4 ServiceRequest (docs/fhir.md, 988 hand-offs).",
                      "content": {FHIR_JSON: {"schema": {"type": "object"}},
                                  "application/json": {"schema": {"type": "object"}}}},
         responses={"201": {"description": "A Bundle (collection): the ServiceRequest and its Task; the call's id "
                                           "is the ServiceRequest's and the Task's urn:fieldapp:call identifier.",
                            "content": {FHIR_JSON: {"schema": {"type": "object"}}}},
                    "200": {"description": "The same request again: the same Bundle, nothing created.",
                            "content": {FHIR_JSON: {"schema": {"type": "object"}}}}, **OPENAPI_ERRORS})
@allow_integration(CRISIS_LINE, "handoffs.send")
def create_service_request():
    """Hand a 988 contact off: the ServiceRequest becomes a pending call with source 988.

    Send ``Authorization: Bearer fa_int_...`` (a crisis_line integration account's key). Errors are
    OperationOutcomes naming the element (FHIRPath) fieldapp could not map."""
    outcome = services.receive(read_json(MAX_BYTES, "A ServiceRequest"), by=current_integration())
    response = current_app.response_class(json.dumps(bundle(outcome.handoff)),
                                           status=201 if outcome.created else 200, mimetype=FHIR_JSON)
    response.headers["Location"] = f"{request.url_root}api/v1/fhir/ServiceRequest/{outcome.handoff.id}"
    return response
