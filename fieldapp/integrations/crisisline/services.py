"""988 hand-offs in: a ServiceRequest (or an EIDO document) from a crisis line center becomes a
pending call with source 988 and the counselor's warm hand-off note; the same request again is the
same call. A center sees only its own hand-offs (another's are 404, as if they did not exist).
Calls are made only through the calls services."""

import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp.calls import services as calls
from fieldapp.calls.schemas import CallCreateSchema
from fieldapp.errors import Conflict, Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.idempotency import fingerprint
from fieldapp.integrations.crisisline import intake
from fieldapp.integrations.crisisline.models import CrisisHandoff
from fieldapp.integrations.eido import services as eido

SOURCE = "988"


@dataclass
class Outcome:
    handoff: CrisisHandoff
    created: bool


def _same_again(by, key: str, body_hash: str) -> CrisisHandoff | None:
    existing = db.session.scalar(select(CrisisHandoff).where(
        CrisisHandoff.integration_id == by.integration_id, CrisisHandoff.request_key == key))
    if existing is not None and existing.request_hash != body_hash:
        raise Conflict("This identifier was already sent with a different ServiceRequest; send a change as a "
                       "new hand-off or call the team.", code="id_conflict",
                       fields={"ServiceRequest.identifier": [_("Already used by a different ServiceRequest.")]})
    return existing


def _call_data(handoff: intake.Handoff, by) -> dict:
    number = handoff.identifier.rpartition("|")[2] if handoff.identifier else None  # the center's own number
    narrative = "\n".join([f"From 988 {by.name}" + (f", hand-off {number}." if number else "."), *handoff.lines])
    payload = {"call_type": handoff.call_type, "priority": handoff.priority, "source": SOURCE,
               "location": {"address": handoff.address, "lat": handoff.lat, "lon": handoff.lon},
               "narrative": narrative[:4000], "callback": handoff.callback, "handoff_note": handoff.note,
               "preferred_language": handoff.preferred_language, "interpreter_needed": handoff.interpreter_needed}
    try:
        return CallCreateSchema().load(payload)
    except ValidationError as error:
        raise Invalid(_("The ServiceRequest does not make a valid call."), fields=error.messages) from None


def receive(body, *, by) -> Outcome:
    """Apply one ServiceRequest from the crisis line ``by`` (``IntegrationActor``)."""
    handoff = intake.read(body)
    body_hash = fingerprint(body)
    key = handoff.identifier or f"sha256:{body_hash}"
    existing = _same_again(by, key, body_hash)
    if existing is not None:
        return Outcome(existing, False)
    data = _call_data(handoff, by)
    handoff_id = uuid.uuid4()
    resource = {**body, "id": str(handoff_id)}

    def record(call):
        db.session.add(CrisisHandoff(id=handoff_id, integration_id=by.integration_id, call=call, via="fhir",
                                     request_key=key, request_hash=body_hash, identifier=handoff.identifier,
                                     resource=resource))
        db.session.flush()  # the same request racing this one fails here, before the commit

    try:
        calls.create_call(data, by=by, with_call=record)
    except IntegrityError:  # the same request arrived twice at once: the other one made the call
        db.session.rollback()
        existing = _same_again(by, key, body_hash)
        if existing is None:
            raise
        return Outcome(existing, False)
    return Outcome(db.session.get(CrisisHandoff, handoff_id), True)


def receive_eido(raw, *, by):
    """An EIDO document from a crisis line: the CAD intake with source 988 (its notes are the warm
    hand-off), and the hand-off recorded for the Task and the status webhooks."""
    incident = eido.incident_of(raw)
    owner = eido.owner_of(incident)
    if owner is not None and owner != by.integration_id:  # another system's incident: never touched
        raise Conflict(_("Another system already sent an incident with this id; use your own incident ids."),
                       fields={"incidentComponent.internalIncidentId": [_("Already used by another system.")]})
    outcome = eido.receive(raw, by=by, integration_id=by.integration_id, source=SOURCE)
    call = outcome.call
    handoff = db.session.scalar(select(CrisisHandoff).where(CrisisHandoff.call_id == call.id))
    if handoff is None:
        handoff = CrisisHandoff(integration_id=by.integration_id, call_id=call.id, via="eido",
                                request_key=f"eido:{incident}", request_hash=fingerprint({"eido": incident}),
                                identifier=incident)
        db.session.add(handoff)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            handoff = db.session.scalar(select(CrisisHandoff).where(CrisisHandoff.call_id == call.id))
    return outcome, handoff


# --- what a center reads --------------------------------------------------------------------

def get_handoff(by, handoff_id) -> CrisisHandoff:
    """The center's own hand-off; another center's, or none, is 404."""
    handoff = db.session.get(CrisisHandoff, handoff_id) if isinstance(handoff_id, uuid.UUID) else None
    if handoff is None or handoff.integration_id != by.integration_id:
        raise NotFound(_("No such ServiceRequest."))
    return handoff


def handoffs_based_on(by, reference: str | None, *, limit: int = 100) -> list[CrisisHandoff]:
    """The center's hand-offs, or the one ``ServiceRequest/<id>`` names (none if it is another's)."""
    query = select(CrisisHandoff).where(CrisisHandoff.integration_id == by.integration_id)
    if reference:
        try:
            handoff_id = uuid.UUID(reference.removeprefix("ServiceRequest/"))
        except ValueError:
            raise Invalid(_("based-on is ServiceRequest/<id>."),
                          fields={"based-on": [_("Not a ServiceRequest reference.")]}) from None
        query = query.where(CrisisHandoff.id == handoff_id)
    return list(db.session.scalars(query.order_by(CrisisHandoff.created_at.desc()).limit(limit)))


def service_request(handoff: CrisisHandoff) -> dict:
    """The ServiceRequest as the center sent it, with its id here and the call's id as an identifier."""
    resource = dict(handoff.resource or {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
                                         "subject": {"display": "See the EIDO incident"}})
    resource["id"] = str(handoff.id)
    resource["identifier"] = [*resource.get("identifier", []), {"system": "urn:fieldapp:call",
                                                                "value": str(handoff.call_id)}]
    return resource
