"""Referrals as HL7 FHIR R4 (docs/fhir.md): staff and partners read a referral's ServiceRequest and
Task; a partner organization lists the Tasks it owns and updates their status (closing the loop)."""

import json
import uuid

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.apidoc import json_document
from fieldapp.errors import Forbidden, Invalid
from fieldapp.integrations.crisisline import services as crisis_line
from fieldapp.integrations.crisisline import status as handoff_status
from fieldapp.integrations.fhir import codes, partner, render
from fieldapp.integrations.fhir.outcome import OPENAPI_ERRORS
from fieldapp.integrations.fhir.schemas import TaskPatchSchema, TaskSearchSchema
from fieldapp.referrals import partners
from fieldapp.referrals import services as referrals
from fieldapp.roles import ADMIN, CLINICIAN, CRISIS_LINE, OFFICER
from fieldapp.visibility import PARTNER
from fieldapp.web.access import allow, allow_integration

blp = Blueprint("api_fhir", __name__, url_prefix="/api/v1/fhir",
                description="Referrals as HL7 FHIR R4 ServiceRequest and Task (Gravity SDOH Clinical Care)")
FHIR_JSON = "application/fhir+json"


def fhir_response(resource: dict, status=200):
    return current_app.response_class(json.dumps(resource), status=status, mimetype=FHIR_JSON)


def _center():
    """The 988 crisis line calling, if it is one (it reads only its own hand-offs)."""
    acting = g.get("integration")
    return acting if acting is not None and acting.kind == CRISIS_LINE else None


def _viewed(referral_id: uuid.UUID):
    """The referral and the role it is rendered for: a partner's view, else the signed-in user's."""
    acting = partner.current_partner()
    if acting is not None:
        return partners.get_referral(acting, referral_id), PARTNER
    return referrals.get_referral(current_user, referral_id), current_user.role


@blp.route("/ServiceRequest/<uuid:referral_id>", methods=["GET"])
@blp.doc(**json_document("The referral as a FHIR R4 ServiceRequest.", FHIR_JSON))
@blp.doc(responses=OPENAPI_ERRORS)
@allow_integration("partner", "referrals.read")
@allow_integration(CRISIS_LINE, "handoffs.read")
@allow(OFFICER, CLINICIAN, ADMIN)
def get_service_request(referral_id):
    """The referral as a ServiceRequest: category, code (the service), subject, requester, performer
    (the service's organization) and supportingInfo -> the contained Consent. The fields shown are
    the viewer's (as ``/api/v1/referrals/{id}``). A 988 crisis line reads its own hand-offs here."""
    if _center() is not None:
        return fhir_response(crisis_line.service_request(crisis_line.get_handoff(_center(), referral_id)))
    referral, role = _viewed(referral_id)
    return fhir_response(render.service_request(referral, role))


@blp.route("/Task/<uuid:referral_id>", methods=["GET"])
@blp.doc(**json_document("The referral's FHIR R4 Task.", FHIR_JSON))
@blp.doc(responses=OPENAPI_ERRORS)
@allow_integration("partner", "referrals.read")
@allow_integration(CRISIS_LINE, "handoffs.read")
@allow(OFFICER, CLINICIAN, ADMIN)
def get_task(referral_id):
    """The Task tracking the referral (intent ``order``, code ``fulfill``, focus -> the ServiceRequest);
    its id is the referral's. The status mapping is in docs/fhir.md. A 988 crisis line reads the
    Tasks of its own hand-offs here."""
    if _center() is not None:
        return fhir_response(handoff_status.task(crisis_line.get_handoff(_center(), referral_id)))
    referral, role = _viewed(referral_id)
    return fhir_response(render.task(referral, role))


def _owner(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value.removeprefix("Organization/"))
    except ValueError:
        raise Invalid(_("owner is Organization/<id>."), fields={"owner": ["Not an organization reference."]}) from None


def _statuses(value: str | None) -> list[str] | None:
    if not value:
        return None
    wanted = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [status for status in wanted if status not in codes.REFERRAL_STATUS]
    if unknown:
        raise Invalid(_("Unknown Task status."), fields={"status": [f"Not a Task status here: {', '.join(unknown)}."]})
    return [codes.REFERRAL_STATUS[status] for status in wanted]


@blp.route("/Task", methods=["GET"])
@blp.doc(**json_document("A FHIR R4 Bundle (searchset) of Tasks.", FHIR_JSON))
@blp.doc(responses=OPENAPI_ERRORS)
@blp.arguments(TaskSearchSchema, location="query")
@allow_integration("partner", "referrals.read")
@allow_integration(CRISIS_LINE, "handoffs.read")
@allow(ADMIN)
def search_tasks(query):
    """Tasks by ``owner=Organization/<id>`` and ``status`` (Task statuses, comma-separated): a Bundle
    of type searchset. A partner gets its own organization's (the default owner; another is 403);
    an admin any organization's. A 988 crisis line gets its own hand-offs' Tasks
    (``based-on=ServiceRequest/<id>``: that one; another center's: none)."""
    base = request.url_root + "api/v1/fhir/"
    if _center() is not None:
        found = crisis_line.handoffs_based_on(_center(), query.get("based_on"), limit=query["count"])
        return fhir_response(render.searchset([handoff_status.task(handoff) for handoff in found], base))
    owner, statuses = _owner(query.get("owner")), _statuses(query.get("status"))
    acting = partner.current_partner()
    if acting is not None:
        if owner not in (None, acting.organization_id):
            raise Forbidden(_("A partner sees only the Tasks its own organization owns."))
        found, role = partners.list_referrals(acting, status=statuses, limit=query["count"]), PARTNER
    else:
        found = referrals.list_referrals(current_user, status=statuses, organization_id=owner, limit=query["count"])
        role = current_user.role
    return fhir_response(render.searchset([render.task(referral, role) for referral in found], base))


@blp.route("/Task/<uuid:referral_id>", methods=["PATCH"])
@blp.doc(**json_document("The Task after the change.", FHIR_JSON))
@blp.doc(responses=OPENAPI_ERRORS)
@blp.arguments(TaskPatchSchema)
@allow_integration("partner", "referrals.update")
def update_task(data, referral_id):
    """A partner moves its Task: ``{"status": "accepted"}``; ``rejected`` and ``cancelled`` need
    ``statusReason.text``. The referral's own lifecycle rules apply (409 for a step it does not
    allow); the partner is the actor in the referral's history and the audit trail. Sending the
    status the Task already has changes nothing."""
    acting = partner.require_partner()
    if data.get("id") not in (None, referral_id):
        raise Invalid(_("The Task's id does not match the address."), fields={"id": [_("Does not match.")]})
    reason = (data.get("statusReason") or {}).get("text")
    referral, _changed = partners.change_status(acting, referral_id, codes.REFERRAL_STATUS[data["status"]], reason)
    return fhir_response(render.task(referral, PARTNER))
