"""Status back to the 988 center: the hand-off's FHIR Task, and a signed webhook at each change.

``call_changed`` is a channel of ``calls.fanout`` (``fieldapp.wiring``): at the assignment, each
status step, the cancellation and each encounter's outcome of a call that a 988 center handed off,
it writes a webhook delivery (``fieldapp.integrations.webhooks``: signed, in order, retried) whose
body carries the Task as it stands. The Task says where the response is (status, businessStatus),
how it ended (the call's disposition) and whether a referral was made. Never names, narrative,
clinical notes, encounter details, or anything of a 42 CFR Part 2 referral: a referral to a Part 2
program is not counted (not even as "a referral was made").
"""

from sqlalchemy import exists, select

from fieldapp.calls import constants as c
from fieldapp.calls.models import Call
from fieldapp.clock import utcnow
from fieldapp.directory.models import Service
from fieldapp.encounters.models import Encounter
from fieldapp.extensions import db
from fieldapp.i18n import english
from fieldapp.integrations.crisisline.models import CrisisHandoff
from fieldapp.integrations.webhooks import services as webhooks
from fieldapp.referrals.models import Referral

EVENTS = ("call.assigned", "call.status", "call.cancelled", "encounter.outcome")
TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code"
STATUS_SYSTEM = "urn:fieldapp:call-status"
DISPOSITION_SYSTEM = "urn:fieldapp:call-disposition"
CALL_SYSTEM = "urn:fieldapp:call"
TEAM = "Mobile crisis team"

# Call status -> Task.status (FHIR R4 task-status).
TASK_STATUS = {c.PENDING: "requested", c.ASSIGNED: "accepted", c.ACKNOWLEDGED: "accepted",
               c.EN_ROUTE: "in-progress", c.ON_SCENE: "in-progress", c.TRANSPORTING: "in-progress",
               c.CANCELLED: "cancelled"}
# A cleared call's disposition -> Task.status: the team could not serve the person -> failed (final,
# with the reason); cancelled en route or on scene -> cancelled; otherwise completed.
CLEARED_STATUS = {"encounter_logged": "completed", "other_agency": "completed", "cancelled": "cancelled",
                  "unable_to_locate": "failed", "refused": "failed", "not_eligible": "failed"}
NEEDS_REASON = ("rejected", "cancelled", "on-hold", "failed")


def handoff_of_call(call_id: int) -> CrisisHandoff | None:
    return db.session.scalar(select(CrisisHandoff).where(CrisisHandoff.call_id == call_id))


def referral_made(call_id: int) -> bool:
    """A referral of one of the call's encounters, to a service that is not a 42 CFR Part 2 program,
    that the person did not decline."""
    return bool(db.session.scalar(select(exists().where(
        Referral.encounter_id == Encounter.id, Encounter.call_id == call_id, Referral.service_id == Service.id,
        Service.part2_program.is_(False), Referral.consent_type != "declined"))))


def _task_status(call: Call) -> str:
    if call.status == c.CLEARED:
        return CLEARED_STATUS.get(call.disposition, "completed")
    return TASK_STATUS[call.status]


def _last_change(call: Call):
    return max((event.received_at for event in call.timeline), default=call.received_at)


def _disposition_label(disposition: str | None) -> str | None:
    """The disposition's label in English (the Task leaves the app), None for an unknown code."""
    label = c.DISPOSITIONS.get(disposition)
    return english(label) if label is not None else None


def task(handoff: CrisisHandoff) -> dict:
    """The hand-off's Task (FHIR R4): its id is the hand-off's, basedOn and focus the ServiceRequest."""
    call = handoff.call
    status = _task_status(call)
    label = english(c.STATUS_LABELS[call.status])
    business = label + (f": {call.unit.call_sign}" if call.unit and call.status in c.ACTIVE else "")
    resource = {
        "resourceType": "Task", "id": str(handoff.id),
        "identifier": [{"system": CALL_SYSTEM, "value": str(call.id)}],
        "basedOn": [{"reference": f"ServiceRequest/{handoff.id}"}],
        "status": status,
        "businessStatus": {"coding": [{"system": STATUS_SYSTEM, "code": call.status, "display": label}],
                           "text": business},
        "intent": "order",
        "code": {"coding": [{"system": TASK_CODE, "code": "fulfill", "display": "Fulfill the focal request"}]},
        "focus": {"reference": f"ServiceRequest/{handoff.id}"},
        "authoredOn": handoff.created_at.isoformat(), "lastModified": _last_change(call).isoformat(),
        "requester": {"display": handoff.integration_name} if handoff.integration_name else None,
        "owner": {"display": TEAM},
    }
    if call.first_assigned_at or call.closed_at:
        resource["executionPeriod"] = {key: value.isoformat() for key, value in
                                       (("start", call.first_assigned_at), ("end", call.closed_at)) if value}
    if status in NEEDS_REASON:
        reason = _disposition_label(call.disposition) if call.status == c.CLEARED else None
        resource["statusReason"] = {"text": reason or f"Cancelled: {call.cancel_reason or 'by dispatch'}"}
    output = []
    if call.status == c.CLEARED and call.disposition:
        outcome = _disposition_label(call.disposition) or call.disposition
        output.append({"type": {"text": "Outcome"}, "valueCodeableConcept": {
            "coding": [{"system": DISPOSITION_SYSTEM, "code": call.disposition, "display": outcome}],
            "text": outcome}})
    if call.status in (c.ON_SCENE, c.TRANSPORTING, c.CLEARED):
        output.append({"type": {"text": "Referral made"}, "valueBoolean": referral_made(call.id)})
    if output:
        resource["output"] = output
    return {key: value for key, value in resource.items() if value is not None}


def payload(event: str, handoff: CrisisHandoff) -> dict:
    """A webhook body: the event and the Task as it stands, with the call's id and unit."""
    call = handoff.call
    current = task(handoff)
    fieldapp = {"callId": call.id, "status": call.status, "statusLabel": english(c.STATUS_LABELS[call.status]),
                "unit": call.unit.call_sign if call.unit else None}
    if call.status == c.CLEARED:
        fieldapp["disposition"] = call.disposition
    if call.status in (c.ON_SCENE, c.TRANSPORTING, c.CLEARED):
        fieldapp["referralMade"] = next(o["valueBoolean"] for o in current["output"] if "valueBoolean" in o)
    return {"event": event, "occurredAt": utcnow().isoformat(), "serviceRequest": f"ServiceRequest/{handoff.id}",
            "identifier": handoff.identifier, "task": current, "fieldapp": fieldapp}


def call_changed(event: str, call, *, unit_id=None, encounter=None) -> None:
    """Add a delivery to the 988 center that handed the call off (a channel of ``calls.fanout``)."""
    if event not in EVENTS or call.source != "988":
        return
    handoff = handoff_of_call(call.id)
    if handoff is None or not handoff.integration.active or not handoff.integration.webhook_url:
        return
    webhooks.add_delivery(handoff.integration, call, event, payload(event, handoff))
