"""From an EIDO document to what a fieldapp call holds (docs/integrations.md has the table).

incident type  incidentTypeCommonRegistryText (APCO ANS 2.103) when fieldapp knows it; else the
               EIDO_INCIDENT_TYPE_MAP setting by incidentTypeInternalCode, then by the common text;
               else OTHER, with the CAD's type kept in the narrative.
priority       incidentCommonPriorityNumber, 0-10 with 10 the most urgent (as the NENA sample
               reads: 10 = "VERY HIGH PRIORITY"): 8-10 -> 1, 5-7 -> 2, 3-4 -> 3, 0-2 -> 4; absent -> 2.
CAD id         internalIncidentId, else the document's incidentTrackingIdentifier, else the
               incident's $id (at most 64 characters).
location       the incident's locationReference, else every location component: the civic address
               of the PIDF-LO in locationByValue, its coordinates, locationDescriptionText and
               crossStreetByValue (the last two as narrative lines).
callback       the tel: (else first) callBackInformationUri of the callback component.
cautions       cautionComponent -> fieldapp caution codes, and a narrative line with the severity.
notes          notesComponent.notesActionComments (HTML) -> narrative lines.
reporting party personComponent with a Caller / ReportingParty role -> a narrative line.
cancellation   incidentStatusCommonRegistryText containing "Cancelled" (or "Canceled").
language       the person's (a person component that is not the reporting party's, else the first) NIEM
               nc:PersonPrimaryLanguage in ncPersonComponent: LanguageCode (ISO 639 / BCP 47: "spa" and
               "es" are both es), else LanguageName ("Spanish"); a name fieldapp cannot place becomes a
               narrative line, a code that is none is refused. EIDO has no element for an interpreter:
               interpreter_needed stays unknown. Taken when the call is made, not from later updates.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from fieldapp import languages
from fieldapp.calls import constants as c
from fieldapp.errors import Invalid
from fieldapp.integrations.eido import pidf
from fieldapp.integrations.eido.document import Document, as_list, ci_get, first, text, texts, timestamp

SEVERITIES = ("highest", "high", "normal", "low", "lowest")
CAUTION_WORDS = (("firearm", ("firearm", "gun", "rifle", "pistol")),
                 ("weapons", ("weapon", "knife", "armed", "blade")),
                 ("violence_history", ("violen", "assault", "threat", "combative", "officer safety")),
                 ("dog", ("dog", "animal")),
                 ("hazard", ("hazard", "hazmat", "fire", "chemical")),
                 ("medical", ("medical", "infect", "covid", "diabet", "seizure")))
REPORTING_ROLES = ("caller", "reportingparty", "reporting party", "complainant", "witness")
_TAGS = re.compile(r"<[^>]{0,500}>")


@dataclass
class Intake:
    incident_id: str
    updated_at: datetime | None
    call_type: str
    priority: int
    address: str
    lat: float | None
    lon: float | None
    callback: str | None
    cautions: list = field(default_factory=list)
    lines: list = field(default_factory=list)  # narrative lines, in order
    received_at: datetime | None = None
    cancelled: bool = False
    cancel_reason: str | None = None
    preferred_language: str | None = None


def incident_of(doc: Document) -> dict:
    incidents = doc.of_kind("incident")
    if not incidents:
        raise Invalid("The EIDO document has no incidentComponent: fieldapp needs the incident (its type and "
                      "id) to make a call. A call-transfer EIDO without an incident cannot create a call.",
                      fields={"incidentComponent": [_("Missing: required to create or update a call.")]})
    return incidents[0]


def incident_id_of(doc: Document, incident: dict) -> str:
    value = (text(ci_get(incident, "internalIncidentId"), "incidentComponent.internalIncidentId")
             or text(doc.get("incidentTrackingIdentifier"), "incidentTrackingIdentifier")
             or text(ci_get(incident, "$id"), "incidentComponent.$id"))
    if not value:
        raise Invalid(_("The incident has no id: send internalIncidentId or incidentTrackingIdentifier."),
                      fields={"incidentComponent.internalIncidentId": [_("Missing.")]})
    if len(value) > 64:
        raise Invalid(_("The incident id is longer than 64 characters."),
                      fields={"incidentComponent.internalIncidentId": [_("At most 64 characters.")]})
    return value


def call_type_of(incident: dict) -> tuple[str, str | None]:
    """(fieldapp call type, a narrative line naming the CAD's own type when it was not taken as is)."""
    common = text(ci_get(incident, "incidentTypeCommonRegistryText"), "incidentTypeCommonRegistryText", max_length=100)
    code = text(ci_get(incident, "incidentTypeInternalCode"), "incidentTypeInternalCode", max_length=100)
    label = text(ci_get(incident, "incidentTypeInternalText"), "incidentTypeInternalText", max_length=200)
    if common and common.upper() in c.CALL_TYPES:
        return common.upper(), None
    table = current_app.config.get("EIDO_INCIDENT_TYPE_MAP") or {}
    for key in (code, common):
        mapped = table.get((key or "").upper())
        if mapped in c.CALL_TYPES:
            break
    else:
        mapped = "OTHER"
    shown = " ".join(filter(None, [common, f"({code} {label})" if code or label else None]))
    return mapped, f"CAD type: {shown.replace('( ', '(').replace(' )', ')')}" if shown else None


def priority_of(incident: dict) -> int:
    number = first(ci_get(incident, "incidentCommonPriorityNumber"))
    if number is None:
        return 2
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 10:
        raise Invalid(_("incidentCommonPriorityNumber must be a whole number from 0 to 10."),
                      fields={"incidentCommonPriorityNumber": [_("A whole number from 0 to 10.")]})
    return 1 if number >= 8 else 2 if number >= 5 else 3 if number >= 3 else 4


def location_of(doc: Document, incident: dict) -> tuple[pidf.Place, list[str]]:
    candidates = doc.follow(incident, "locationReference") or doc.of_kind("location", "locationInformation")
    best, lines = None, []
    for index, component in enumerate(candidates):
        name = f"locationComponent[{index}]"
        raw = ci_get(component, "locationByValue")
        place = pidf.parse(raw, f"{name}.locationByValue") if raw is not None else pidf.Place()
        if best is None and (place.address or place.lat is not None):
            best = place
            description = text(ci_get(component, "locationDescriptionText"), f"{name}.locationDescriptionText",
                               max_length=300)
            if description:
                lines.append(f"Location: {description}")
            for cross in texts(ci_get(component, "crossStreetByValue"), f"{name}.crossStreetByValue",
                               max_length=pidf.MAX_XML)[:2]:
                street = pidf.street_of(cross, f"{name}.crossStreetByValue")
                if street:
                    lines.append(f"Cross street: {street}")
    if best is None:
        raise Invalid("The EIDO document gives no usable location: fieldapp needs a civic address "
                      "(PIDF-LO in locationByValue) or coordinates.",
                      fields={"locationComponent": [_("No civic address or coordinates.")]})
    if not best.address:
        best.address = f"{best.lat:.6f}, {best.lon:.6f}"
    return best, lines


def callback_of(doc: Document) -> str | None:
    for component in doc.of_kind("callback"):
        uris = texts(ci_get(component, "callBackInformationUri"), "callbackComponent.callBackInformationUri")
        tel = next((uri for uri in uris if uri.lower().startswith("tel:")), None) or (uris[0] if uris else None)
        if tel:
            return re.sub(r"^tel:", "", tel, flags=re.IGNORECASE)[:40]
    return None


def cautions_of(doc: Document) -> tuple[list[str], list[str]]:
    found = []
    for index, component in enumerate(doc.of_kind("caution")):
        name = f"cautionComponent[{index}]"
        what = " / ".join(filter(None, [
            text(ci_get(component, "cautionTypeInternalText"), f"{name}.cautionTypeInternalText", max_length=200),
            text(ci_get(component, "cautionTypeCommonRegistryText"), f"{name}.cautionTypeCommonRegistryText",
                 max_length=100)])) or "Caution"
        severity = (text(ci_get(component, "cautionSeverity"), f"{name}.cautionSeverity") or "normal").lower()
        if severity not in SEVERITIES:
            raise Invalid(_("%(name)s.cautionSeverity must be one of %(join)s.", name=name, join=', '.join(SEVERITIES)),
                          fields={f"{name}.cautionSeverity": [f"One of: {', '.join(SEVERITIES)}."]})
        lowered = what.lower()
        code = next((code for code, words in CAUTION_WORDS if any(word in lowered for word in words)), "other")
        found.append((SEVERITIES.index(severity), code, f"CAUTION ({severity}): {what}"))
    found.sort(key=lambda item: item[0])
    return sorted({code for _, code, _ in found}), [line for _, _, line in found]


def notes_of(doc: Document, incident: dict) -> list[str]:
    notes = doc.follow(incident, "notesReference") or doc.of_kind("notes")
    lines = []
    for index, component in enumerate(notes):
        comment = text(ci_get(component, "notesActionComments"), f"notesComponent[{index}].notesActionComments")
        if comment:
            plain = " ".join(html.unescape(_TAGS.sub(" ", comment)).split())
            lines.append(f"Note: {plain}")
    return lines


def reporting_party_of(doc: Document, incident: dict) -> list[str]:
    people = doc.follow(incident, "personReference") or doc.of_kind("person")
    lines = []
    for component in people:
        roles = texts(ci_get(component, "personIncidentRoleRegistryText"), "personIncidentRoleRegistryText")
        if not any(role.lower() in REPORTING_ROLES for role in roles):
            continue
        name = ci_get(ci_get(component, "ncPersonComponent"), "PersonName")
        parts = [*as_list(ci_get(name, "PersonGivenName")), *as_list(ci_get(name, "PersonSurName"))]
        full = " ".join(part.strip() for part in parts if isinstance(part, str))[:160]  # NIEM shapes vary
        lines.append(f"Reporting party ({', '.join(roles)})" + (f": {full}" if full else ""))
    return lines[:3]


LANGUAGE_CODE = "personComponent.ncPersonComponent.PersonPrimaryLanguage.LanguageCode"


def language_of(doc: Document, incident: dict) -> tuple[str | None, str | None]:
    """(BCP 47 tag, narrative line) of the person's primary language, where the document says it."""
    people = doc.follow(incident, "personReference") or doc.of_kind("person")
    def reports(component):
        roles = texts(ci_get(component, "personIncidentRoleRegistryText"), "personIncidentRoleRegistryText")
        return any(role.lower() in REPORTING_ROLES for role in roles)
    for component in sorted(people, key=reports):  # the person in crisis before the caller
        spoken = ci_get(ci_get(component, "ncPersonComponent"), "PersonPrimaryLanguage")
        if not isinstance(spoken, dict):
            continue
        code = text(ci_get(spoken, "LanguageCode"), LANGUAGE_CODE, max_length=40)
        if code:
            tag = languages.ALIASES.get(code.lower(), code)
            try:
                return languages.canonical(tag), None
            except ValueError:
                raise Invalid(_("The person's language code is not an ISO 639 or BCP 47 code."),
                              fields={LANGUAGE_CODE: [_(languages.MESSAGE)]}) from None
        name = text(ci_get(spoken, "LanguageName"), LANGUAGE_CODE.replace("Code", "Name"), max_length=60)
        if name:
            tag = languages.by_name(name)
            return tag, None if tag else f"Preferred language (as the CAD gave it): {name}"
    return None, None


def cancellation_of(incident: dict) -> tuple[bool, str | None]:
    statuses = texts(ci_get(incident, "incidentStatusCommonRegistryText"), "incidentStatusCommonRegistryText")
    if not any(status.lower() in ("cancelled", "canceled") for status in statuses):
        return False, None
    internal = texts(ci_get(incident, "incidentStatusInternalText"), "incidentStatusInternalText")
    return True, ("; ".join(internal) or "Incident cancelled in CAD")[:400]


def read(doc: Document) -> Intake:
    incident = incident_of(doc)
    call_type, type_line = call_type_of(incident)
    place, location_lines = location_of(doc, incident)
    cautions, caution_lines = cautions_of(doc)
    calls = doc.of_kind("call")
    received_at = timestamp(ci_get(calls[0], "callStartTimestamp"), "callComponent.callStartTimestamp") \
        if calls else None
    cancelled, reason = cancellation_of(incident)
    language, language_line = language_of(doc, incident)
    return Intake(preferred_language=language,
        incident_id=incident_id_of(doc, incident), updated_at=doc.latest_update(), call_type=call_type,
        priority=priority_of(incident), address=place.address[:200], lat=place.lat, lon=place.lon,
        callback=callback_of(doc), cautions=cautions,
        lines=[line for line in [type_line, *caution_lines, *location_lines, *reporting_party_of(doc, incident),
                                 language_line, *notes_of(doc, incident)] if line],
        received_at=received_at, cancelled=cancelled, cancel_reason=reason)
