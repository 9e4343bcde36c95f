"""From a 988 center's FHIR R4 ServiceRequest to what a fieldapp call holds (docs/fhir.md has the table).

The body is parsed with fhir.resources' R4B models (R4B keeps R4's ServiceRequest, Patient and
Location): types, cardinalities and unknown elements are theirs to check. What fieldapp itself needs
and cannot map is refused here, each refusal naming the element as a FHIRPath expression:

subject      ``#id`` of a contained Patient (name, birthDate, gender, telecom, address), or a display only
reason       reasonCode[0]: its text, and a coding fieldapp maps to a call type (REASON_CODES)
location     locationReference -> a contained Location (address and/or position), else the Patient's address
callback     the Patient's first ``phone`` telecom
priority     stat / asap -> 1, urgent -> 2, routine -> 4
note         every note's text: the counselor's warm hand-off
identifier   the center's own id of the hand-off (system|value): the same one again is the same request
language     the Patient's communication (the one marked preferred, else the first): language.coding of
             urn:ietf:bcp:47 (else a coding without a system), a BCP 47 tag; the extension
             patient-interpreterRequired (valueBoolean): interpreter needed
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import ValidationError

from fieldapp import languages
from fieldapp.calls import constants as c
from fieldapp.errors import Invalid

if TYPE_CHECKING:  # imported where a hand-off is read: the R4B models are ~7 MB a process without one carries
    from fhir.resources.R4B.servicerequest import ServiceRequest

SR = "ServiceRequest"
PRIORITIES = {"stat": 1, "asap": 1, "urgent": 2, "routine": 4}
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CALL_TYPE_SYSTEM = "urn:fieldapp:call-type"  # fieldapp's APCO ANS 2.103 call types, e.g. SUICTHRT
# Reason codes -> call types. SNOMED CT: 6471006 Suicidal thoughts, 82313006 Suicide attempt;
# ICD-10-CM: R45.851 Suicidal ideations, T14.91 Suicide attempt, R45.6 Violent behavior,
# R45.89 Other symptoms and signs involving emotional state, F99 Mental disorder, not otherwise specified.
REASON_CODES = {
    (SNOMED, "6471006"): "SUICTHRT", (SNOMED, "82313006"): "SUICIDE",
    (ICD10CM, "R45.851"): "SUICTHRT", (ICD10CM, "T14.91"): "SUICIDE", (ICD10CM, "T14.91XA"): "SUICIDE",
    (ICD10CM, "R45.6"): "MTLV", (ICD10CM, "R45.89"): "MNTL", (ICD10CM, "F99"): "MNTL",
}
PHONE_CHARACTERS = set("0123456789+-(). ")
BCP47 = "urn:ietf:bcp:47"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"


@dataclass
class Handoff:
    identifier: str | None
    call_type: str
    priority: int
    address: str
    lat: float | None
    lon: float | None
    callback: str | None
    note: str | None
    lines: list = field(default_factory=list)  # narrative lines: the person, the reason
    preferred_language: str | None = None  # BCP 47 (fieldapp.languages)
    interpreter_needed: bool | None = None


def refuse(expression: str, message: str, detail: str | None = None):
    raise Invalid(message, fields={expression: [detail or message]})


def _path(loc) -> str:
    path = SR
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validated(body) -> ServiceRequest:
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.servicerequest import ServiceRequest

    if not isinstance(body, dict) or body.get("resourceType") != SR:
        refuse(SR, "Send a FHIR R4 ServiceRequest (resourceType ServiceRequest).",
               "resourceType must be ServiceRequest.")
    contained = body.get("contained")
    for index, resource in enumerate(contained if isinstance(contained, list) else []):
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        try:
            get_fhir_model_class(kind if isinstance(kind, str) else "")
        except ValueError:  # fhir.resources would fail on it with a KeyError, not a ValidationError
            refuse(f"{SR}.contained[{index}].resourceType", "A contained resource is not a FHIR R4 resource type.",
                   "Not a FHIR resource type.")
    try:
        return ServiceRequest.model_validate(body)
    except ValidationError as error:
        fields = {}
        for problem in error.errors():
            fields.setdefault(_path(problem["loc"]), []).append(problem["msg"])
        raise Invalid("The ServiceRequest is not valid FHIR R4.", fields=fields) from None


def _contained(request: ServiceRequest, reference: str, kind: str, where: str):
    """The contained resource of ``kind`` a ``#id`` reference points at, with its index."""
    if not reference.startswith("#"):
        refuse(where, f"fieldapp cannot follow {reference}: send the {kind} contained in the ServiceRequest "
                      f"and reference it as #<id>.")
    for index, resource in enumerate(request.contained or []):
        if resource.get_resource_type() == kind and resource.id == reference[1:]:
            return index, resource
    refuse(where, f"No contained {kind} has the id {reference[1:]}.")


def _phone(patient, index) -> str | None:
    for number, telecom in enumerate(patient.telecom or []):
        if telecom.system == "phone" and telecom.value:
            value = telecom.value.strip().removeprefix("tel:")
            if len(value) > 40 or not value or not set(value) <= PHONE_CHARACTERS:
                refuse(f"{SR}.contained[{index}].telecom[{number}].value",
                       "The callback telephone is not a telephone number.",
                       "Digits, spaces and + - ( ) . only; at most 40 characters.")
            return value
    return None


def _name(patient) -> str | None:
    for name in patient.name or []:
        text = name.text or " ".join([*(name.given or []), name.family or ""]).strip()
        if text:
            return text[:160]
    return None


def _address_line(address) -> str | None:
    if address is None:
        return None
    parts = [address.text] if address.text else [
        ", ".join(address.line or []), address.city, " ".join(filter(None, [address.state, address.postalCode]))]
    line = ", ".join(part.strip() for part in parts if part and part.strip())
    return line[:200] or None


def _person(request: ServiceRequest):
    """(narrative line about the person, callback, address, its FHIRPath) from the subject."""
    subject = request.subject
    if subject.reference is None:
        return (f"Person: {subject.display[:160]}" if subject.display else "Person: not known"), None, None, None
    index, patient = _contained(request, subject.reference, "Patient", f"{SR}.subject.reference")
    facts = [_name(patient) or "name not known"]
    if patient.birthDate:
        born = patient.birthDate  # a date, or a partial one as FHIR allows ("1994", "1994-07")
        facts.append(f"born {born.isoformat() if hasattr(born, 'isoformat') else born}")
    if patient.gender:
        facts.append(patient.gender)
    address = next((_address_line(a) for a in patient.address or [] if _address_line(a)), None)
    return "Person: " + ", ".join(facts), _phone(patient, index), address, f"{SR}.contained[{index}].address"


def _language(request: ServiceRequest) -> tuple[str | None, bool | None]:
    """(BCP 47 tag, interpreter needed) from the contained Patient's communication and extension."""
    reference = request.subject.reference
    if reference is None:
        return None, None
    index, patient = _contained(request, reference, "Patient", f"{SR}.subject.reference")
    interpreter = next((extension.valueBoolean for extension in patient.extension or []
                        if extension.url == INTERPRETER_REQUIRED and extension.valueBoolean is not None), None)
    spoken = list(enumerate(patient.communication or []))
    spoken.sort(key=lambda item: not item[1].preferred)  # the preferred one first, else in order
    for number, communication in spoken[:1]:
        for place, coding in enumerate(communication.language.coding or []):
            if coding.system in (BCP47, None) and coding.code:
                try:
                    return languages.canonical(coding.code), interpreter
                except ValueError:
                    refuse(f"{SR}.contained[{index}].communication[{number}].language.coding[{place}].code",
                           "The person's language is not a BCP 47 code.", languages.MESSAGE)
    return None, interpreter


def _reason(request: ServiceRequest) -> tuple[str, str]:
    """(call type, narrative line) from reasonCode[0]: its text and a coding fieldapp can map."""
    if not request.reasonCode:
        refuse(f"{SR}.reasonCode", "Say why the person needs a mobile crisis response (reasonCode).",
               "Required: the reason as text and a code.")
    reason = request.reasonCode[0]
    if not reason.text or not reason.text.strip():
        refuse(f"{SR}.reasonCode[0].text", "Give the reason as text (reasonCode[0].text).", "Required.")
    if not reason.coding:
        refuse(f"{SR}.reasonCode[0].coding", "Give the reason as a code too (reasonCode[0].coding).", "Required.")
    for coding in reason.coding:
        code = (coding.code or "").strip()
        if coding.system == CALL_TYPE_SYSTEM and code.upper() in c.CALL_TYPES:
            call_type = code.upper()
            break
        if (coding.system, code.upper()) in REASON_CODES:
            call_type = REASON_CODES[(coding.system, code.upper())]
            break
    else:
        shown = ", ".join(f"{coding.system or '?'}|{coding.code or '?'}" for coding in reason.coding)
        refuse(f"{SR}.reasonCode[0].coding[0].code",
               f"fieldapp cannot map the reason code {shown} to a call type.",
               f"Use a code of {CALL_TYPE_SYSTEM} ({', '.join(c.CALL_TYPES)}), or one of SNOMED CT / ICD-10-CM "
               "listed in docs/fhir.md.")
    labels = ", ".join(f"{coding.system}|{coding.code}" for coding in reason.coding if coding.code)
    return call_type, f"Reason: {reason.text.strip()[:300]} ({labels[:200]})"


def _location(request: ServiceRequest, person_address, person_where):
    """(address, lat, lon) from the referenced Location, else the person's address."""
    if request.locationReference:
        where = f"{SR}.locationReference[0].reference"
        reference = request.locationReference[0].reference
        if not reference:
            refuse(where, "locationReference needs a reference to a contained Location (#<id>).")
        index, location = _contained(request, reference, "Location", where)
        address = _address_line(location.address)
        lat = lon = None
        if location.position is not None:
            lat, lon = float(location.position.latitude), float(location.position.longitude)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                refuse(f"{SR}.contained[{index}].position", "The position is not on Earth.",
                       "Latitude -90..90, longitude -180..180.")
        if not address and lat is None:
            refuse(f"{SR}.contained[{index}].address", "The Location has neither an address nor a position.")
        return address or f"{lat:.6f}, {lon:.6f}", lat, lon
    if person_address:
        return person_address, None, None
    refuse(f"{SR}.locationReference", "Say where the team should go: a locationReference to a contained "
           "Location, or the Patient's address.", "Required: a location or an address.")


def _refuse_unsupported(request: ServiceRequest) -> None:
    if request.modifierExtension:
        refuse(f"{SR}.modifierExtension", "fieldapp does not understand this modifier extension, and FHIR "
               "forbids ignoring one.")
    if request.doNotPerform:
        refuse(f"{SR}.doNotPerform", "A request not to perform a response is not a hand-off.")
    if request.status != "active":
        refuse(f"{SR}.status", "A hand-off is an active request.", "Must be active.")
    if request.intent not in ("order", "original-order"):
        refuse(f"{SR}.intent", "A hand-off is an order.", "Must be order or original-order.")
    if request.priority not in PRIORITIES:
        refuse(f"{SR}.priority", "Give the priority: routine, urgent, asap or stat.",
               "Required: routine, urgent, asap or stat.")


def _identifier(request: ServiceRequest) -> str | None:
    for identifier in request.identifier or []:
        if identifier.value:
            value = f"{identifier.system or ''}|{identifier.value}"
            if len(value) > 300:
                refuse(f"{SR}.identifier", "The identifier is too long.", "At most 300 characters.")
            return value
    return None


def read(body) -> Handoff:
    request = validated(body)
    _refuse_unsupported(request)
    person_line, callback, person_address, person_where = _person(request)
    call_type, reason_line = _reason(request)
    address, lat, lon = _location(request, person_address, person_where)
    notes = [note.text.strip() for note in request.note or [] if note.text and note.text.strip()]
    language, interpreter = _language(request)
    return Handoff(preferred_language=language, interpreter_needed=interpreter,
                   identifier=_identifier(request), call_type=call_type, priority=PRIORITIES[request.priority],
                   address=address, lat=lat, lon=lon, callback=callback,
                   note="\n".join(notes)[:4000] or None, lines=[person_line, reason_line])
