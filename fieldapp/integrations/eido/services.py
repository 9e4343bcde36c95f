"""EIDO intake: a document from a CAD creates a call, updates it, cancels it, or is a replay.

The same incident with the same or an older ``lastUpdateTimeStamp`` is a replay: nothing changes and
the stored call is the answer. A newer one updates the call's type, priority, location, cautions and
notes (through ``calls.changes.amend``, which leaves the unit and its status alone) or cancels it.
Calls are made and changed only through the calls services.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fieldapp.calls import changes
from fieldapp.calls import constants as c
from fieldapp.calls import services as calls
from fieldapp.calls.schemas import CallCreateSchema
from fieldapp.errors import Invalid
from fieldapp.extensions import db
from fieldapp.integrations.eido import mapping
from fieldapp.integrations.eido.document import Document
from fieldapp.integrations.eido.models import EidoIncident
from fieldapp.schemas import DEVICE_TIME

CREATED, UPDATED, UNCHANGED, REPLAYED, CANCELLED = "created", "updated", "unchanged", "replayed", "cancelled"


@dataclass
class Outcome:
    call: object
    result: str
    changed: tuple = ()


def _narrative(intake: mapping.Intake, source: str) -> str:
    header = f"From {source}, incident {intake.incident_id}."
    return "\n".join([header, *intake.lines])[:4000]


def _create(intake: mapping.Intake, *, by, source: str, call_source: str) -> Outcome:
    payload = {"call_type": intake.call_type, "priority": intake.priority,
               "location": {"address": intake.address, "lat": intake.lat, "lon": intake.lon},
               "narrative": _narrative(intake, source), "cautions": intake.cautions,
               "callback": intake.callback, "external_id": intake.incident_id,
               "source": call_source,  # a CAD incident came through 911, a crisis line's through 988
               "preferred_language": intake.preferred_language}
    if call_source == "988":  # a 988 center's notes are its counselor's warm hand-off
        notes = [line.removeprefix("Note: ") for line in intake.lines if line.startswith("Note: ")]
        payload["handoff_note"] = "\n".join(notes)[:4000] or None
    if intake.received_at and DEVICE_TIME.contains(intake.received_at):
        payload["received_at"] = intake.received_at.isoformat()
    elif intake.received_at:  # a replayed old document, or a CAD clock far off: fieldapp's own receipt time
        payload["narrative"] = (payload["narrative"] + f"\nCAD call start {intake.received_at.isoformat()} "
                                "(not used as the receipt time: not within the last year).")[:4000]
    try:
        data = CallCreateSchema().load(payload)
    except ValidationError as error:
        raise Invalid(_("The EIDO document does not make a valid call."), fields=error.messages) from None
    call, _created = calls.create_call(data, by=by)
    return Outcome(call, CREATED)


def _update(call, intake: mapping.Intake, *, by, source: str) -> Outcome:
    if intake.cancelled:
        if call.status in c.OPEN:
            calls.cancel(call.id, f"{intake.cancel_reason} (cancelled by {source})"[:500], by=by)
            return Outcome(call, CANCELLED, ("status",))
        return Outcome(call, UNCHANGED)
    wanted = {"call_type": intake.call_type, "priority": intake.priority, "address": intake.address,
              "lat": intake.lat, "lon": intake.lon, "cautions": intake.cautions, "callback": intake.callback}
    call, changed = changes.amend(call.id, wanted, by=by, source=source, new_lines=intake.lines)
    return Outcome(call, UPDATED if changed else UNCHANGED, tuple(changed))


def incident_of(raw: dict) -> str:
    """The incident id an EIDO document is about (refusing a document without one, as ``receive`` does)."""
    doc = Document(raw)
    return mapping.incident_id_of(doc, mapping.incident_of(doc))


def owner_of(incident_id: str) -> int | None:
    """The integration whose EIDO made the call of this incident, if any."""
    return db.session.scalar(select(EidoIncident.integration_id).where(EidoIncident.incident_id == incident_id))


def receive(raw: dict, *, by, integration_id=None, source="911") -> Outcome:
    """Apply one EIDO document. ``by`` is the acting integration (``IntegrationActor``); ``source`` the
    call's source: 911 for a CAD, 988 for a crisis line."""
    doc = Document(raw)
    intake = mapping.read(doc)
    if intake.updated_at is None:
        raise Invalid("The EIDO document has no lastUpdateTimeStamp: without it an update cannot be told "
                      "from a replay.", fields={"lastUpdateTimeStamp": [_("Missing.")]})
    call_source, sender = source, "988" if source == "988" else "CAD"
    source = f"{sender} {by.name}" if getattr(by, "name", None) else sender
    record = db.session.scalar(select(EidoIncident).where(EidoIncident.incident_id == intake.incident_id))
    if record is not None and intake.updated_at <= record.last_update_at:
        return Outcome(changes.call_by_external_id(intake.incident_id), REPLAYED)
    call = changes.call_by_external_id(intake.incident_id)
    if call is None:
        if intake.cancelled:
            raise Invalid(_("The incident is cancelled and fieldapp never had it: nothing to do."),
                          fields={"incidentComponent.incidentStatusCommonRegistryText": [_("Cancelled.")]})
        outcome = _create(intake, by=by, source=source, call_source=call_source)
    else:
        outcome = _update(call, intake, by=by, source=source)
    if record is None:
        record = EidoIncident(incident_id=intake.incident_id, call_id=outcome.call.id,
                              integration_id=integration_id, last_update_at=intake.updated_at)
        db.session.add(record)
    record.last_update_at = intake.updated_at
    try:
        db.session.commit()
    except IntegrityError:  # the same incident arrived twice at once: the other request recorded it
        db.session.rollback()
        return Outcome(changes.call_by_external_id(intake.incident_id), REPLAYED)
    return outcome
