"""The JSON body of a webhook to CAD (docs/integrations.md documents it field by field).

EIDO-shaped where EIDO has the field: ``incidentComponent`` carries the CAD's own incident id
(``internalIncidentId``), type, priority, status and, for encounter outcomes, a
``dispositionComponent`` with the APCO ANS 1.111.2 code. What EIDO has no field for (fieldapp's
call id, the unit's status step) is under ``fieldapp``. Never names, narrative or clinical text.
"""

from fieldapp.calls import constants as c
from fieldapp.clock import utcnow
from fieldapp.i18n import english

# fieldapp call status -> the words of the NENA Incident Status registry we send beside it.
EIDO_STATUS = {c.PENDING: "Pending", c.ASSIGNED: "Dispatched", c.ACKNOWLEDGED: "Dispatched",
               c.EN_ROUTE: "Enroute", c.ON_SCENE: "OnScene", c.TRANSPORTING: "Transporting",
               c.CLEARED: "Closed", c.CANCELLED: "Cancelled"}


def call_payload(event: str, call, *, encounter=None) -> dict:
    incident = {
        "internalIncidentId": call.external_id,
        "incidentTypeCommonRegistryText": call.call_type,
        "incidentCommonPriorityNumber": call.priority,
        "incidentStatusCommonRegistryText": [EIDO_STATUS[call.status]],
        "incidentStatusInternalText": [call.status],
    }
    fieldapp = {"callId": call.id, "status": call.status, "statusLabel": english(c.STATUS_LABELS[call.status]),
                "unit": call.unit.call_sign if call.unit else None}
    if call.status == c.CLEARED and call.disposition:
        fieldapp["disposition"] = call.disposition
    if call.status == c.CANCELLED:
        fieldapp["cancelReason"] = call.cancel_reason
    if encounter is not None:
        incident["dispositionComponent"] = [{"dispositionCommonRegistryCode": encounter.apco_code,
                                             "dispositionPrimaryIndicator": False}]
        fieldapp["encounterId"] = str(encounter.id)
    return {"event": event, "occurredAt": utcnow().isoformat(), "incidentComponent": incident,
            "fieldapp": fieldapp}
