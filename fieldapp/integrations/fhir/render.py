"""A referral as FHIR R4 resources (Gravity SDOH Clinical Care shapes): ServiceRequest, Task, Consent.

What is rendered comes from the referral as the viewer's role sees it (``visibility.REFERRAL`` and
``visibility.PERSON``): a field the role may not see is absent from the FHIR too. A referral to a
42 CFR Part 2 program is labelled (meta.security) and carries the redisclosure notice in a note,
whoever views it.
"""

import base64
import json

from fieldapp import visibility
from fieldapp.directory.models import CATEGORIES
from fieldapp.i18n import english
from fieldapp.integrations.fhir import codes
from fieldapp.people.schemas import PersonSchema
from fieldapp.referrals import constants as c
from fieldapp.referrals.partners import last_reason
from fieldapp.referrals.schemas import ReferralSchema

REQUESTER = "Co-responder program"
CONSENT_ID = "consent"


def _when(value):
    return value.isoformat() if value else None


def _present(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in (None, [], {})}


def shown(referral, role: str) -> dict:
    return visibility.view(ReferralSchema, visibility.REFERRAL, role).dump(referral)


def _subject(referral, role: str) -> dict:
    if referral.person is None or role not in visibility.PERSON:
        return {"display": "Unidentified person" if referral.person is None else "Withheld"}
    person = visibility.view(PersonSchema, visibility.PERSON, role).dump(referral.person)
    return _present({"reference": f"Patient/{person['id']}", "display": person.get("display_name")})


def _requester(referral, seen: dict) -> dict:
    if seen.get("created_by") and referral.created_by_id is not None:
        return {"reference": f"Practitioner/{referral.created_by_id}", "display": seen["created_by"]}
    return {"display": REQUESTER}


def _performer(referral) -> dict:
    organization = referral.service.organization
    return {"reference": f"Organization/{organization.id}", "display": organization.name}


def _part2_labels(referral) -> dict:
    if not referral.service.part2_program:
        return {}
    return {"meta": {"security": [
        {"system": codes.ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"},
        {"system": codes.ACT_CODE, "code": "NORDSCLCD", "display": "no redisclosure without consent directive"}]},
        "note": [{"text": c.PART2_REDISCLOSURE_NOTICE}]}


def _category(service) -> list[dict]:
    codings = [{"system": codes.CATEGORY_SYSTEM, "code": service.category,
                "display": english(CATEGORIES.get(service.category, service.category))}]
    if service.category in codes.SDOH_DOMAINS:
        code, display = codes.SDOH_DOMAINS[service.category]
        codings.insert(0, {"system": codes.SDOHCC_CODES, "code": code, "display": display})
    return [{"coding": codings, "text": english(CATEGORIES.get(service.category, service.category))}]


def consent(referral, role: str, seen: dict) -> dict:
    """The person's consent to the referral, contained in the ServiceRequest."""
    part2 = referral.service.part2_program
    resource = {
        "resourceType": "Consent", "id": CONSENT_ID,
        "status": "rejected" if referral.consent_type == "declined" else "active",
        "scope": {"coding": [{"system": codes.CONSENT_SCOPE, "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": codes.LOINC, "code": "59284-0", "display": "Patient Consent"}]}],
        "patient": _subject(referral, role), "dateTime": seen.get("consent_at"),
        "policyRule": {"coding": [{"system": codes.ACT_CODE, "code": "42CFRPart2"} if part2 else
                                  {"system": codes.ACT_CODE, "code": "OPTIN"}]},
        "provision": {"type": "deny" if referral.consent_type == "declined" else "permit",
                      "actor": [{"role": {"coding": [{"system": codes.PARTICIPATION, "code": "IRCP"}]},
                                 "reference": _performer(referral)}]},
    }
    if part2:
        resource["policy"] = [{"uri": codes.PART2_POLICY}]
    if seen.get("consent_type"):
        resource["provision"]["purpose"] = [{"system": codes.ACT_CODE, "code": "TREAT"}]
        resource["sourceAttachment"] = {"title": f"Consent: {c.CONSENT_TYPES[seen['consent_type']].lower()}"}
    if seen.get("consent_given_by"):
        resource["performer"] = [{"display": seen["consent_given_by"]}]
    if part2 and seen.get("part2_consent"):
        data = base64.b64encode(json.dumps(seen["part2_consent"], sort_keys=True).encode()).decode()
        resource["sourceAttachment"] = {"contentType": "application/json", "data": data,
                                        "title": "Written consent (42 CFR 2.31)"}
    return _present(resource)


def service_request(referral, role: str) -> dict:
    seen = shown(referral, role)
    labels = _part2_labels(referral)
    notes = labels.get("note", []) + ([{"text": seen["note"]}] if seen.get("note") else [])
    return _present({
        "resourceType": "ServiceRequest", "id": str(referral.id), "meta": labels.get("meta"),
        "contained": [consent(referral, role, seen)],
        "status": codes.SERVICE_REQUEST_STATUS[referral.status], "intent": "order",
        "category": _category(referral.service),
        "code": {"coding": [{"system": codes.SERVICE_SYSTEM, "code": str(referral.service.id),
                             "display": referral.service.name}], "text": referral.service.name},
        "subject": _subject(referral, role), "authoredOn": _when(referral.created_at),
        "requester": _requester(referral, seen), "performer": [_performer(referral)],
        "supportingInfo": [{"reference": f"#{CONSENT_ID}", "display": "Consent to the referral"}],
        "occurrencePeriod": {"end": seen["due_at"]} if seen.get("due_at") else None,
        "note": notes,
    })


def task(referral, role: str) -> dict:
    seen = shown(referral, role)
    status = codes.TASK_STATUS[referral.status]
    labels = _part2_labels(referral)
    resource = {
        "resourceType": "Task", "id": str(referral.id), "meta": labels.get("meta"), "status": status,
        "businessStatus": {"text": english(c.STATUS_LABELS[referral.status])}, "intent": "order",
        "code": {"coding": [{"system": codes.TASK_CODE, "code": "fulfill", "display": "Fulfill the focal request"}]},
        "focus": {"reference": f"ServiceRequest/{referral.id}"}, "for": _subject(referral, role),
        "authoredOn": _when(referral.created_at), "lastModified": _when(_last_change(referral)),
        "requester": _requester(referral, seen), "owner": _performer(referral),
        "executionPeriod": _present({"start": _when(referral.created_at), "end": seen.get("closed_at")}),
        "note": labels.get("note"),
    }
    if status in codes.NEEDS_STATUS_REASON:
        reason = last_reason(referral) or english(c.STATUS_LABELS[referral.status])
        if referral.status == c.UNABLE:
            reason = f"Unable to contact: {reason}" if reason != english(c.STATUS_LABELS[c.UNABLE]) else reason
        resource["statusReason"] = {"text": reason}
    return _present(resource)


def _last_change(referral):
    return max((event.received_at for event in referral.history), default=referral.created_at)


def searchset(resources: list[dict], base: str) -> dict:
    """A search result Bundle; ``base`` is the FHIR base URL (absolute, ending in /)."""
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"fullUrl": f"{base}{resource['resourceType']}/{resource['id']}", "resource": resource,
                       "search": {"mode": "match"}} for resource in resources]}
