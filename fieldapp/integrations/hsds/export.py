"""Services as HSDS 3.0 ``service`` objects (with organization, phones, schedules, locations and the
category as an attribute), and the HSDS API's paged list.

An imported service is exported with the HSDS rows it came with. A service typed into fieldapp has
none; its phone, hours, address and coordinates become a phone, a schedule and a location whose ids
are derived from the service's id (UUID v5), so they stay the same from one export to the next.
Fields HSDS types as strings are left out rather than sent as null.
"""

import math
import uuid

from fieldapp.directory.models import CATEGORIES
from fieldapp.directory.places import Location
from fieldapp.i18n import english
from fieldapp.integrations.hsds.mapping import FIELDAPP_TAXONOMY

NAMESPACE = uuid.UUID("a3046192-4273-4012-b8e2-fe628ded7796")  # fieldapp's derived HSDS ids
FREQUENCIES = ("WEEKLY", "MONTHLY")  # HSDS schedule.freq
ADDRESS_REQUIRED = ("address_1", "city", "state_province", "postal_code", "country", "address_type")


def derived_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def _present(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def service_document(service, places: dict) -> dict:
    organization = service.organization
    return _present({
        "id": str(service.id), "organization_id": str(organization.id), "name": service.name,
        "description": service.description, "status": service.status,
        "eligibility_description": service.eligibility_description or None,
        "last_modified": service.updated_at.isoformat() if service.updated_at else None,
        "organization": _present({"id": str(organization.id), "name": organization.name,
                                  "description": organization.description, "website": organization.website}),
        "phones": [_phone(service, phone) for phone in places["phones"]] or _derived_phones(service),
        "schedules": [_schedule(service, schedule) for schedule in places["schedules"]] or _derived_schedules(service),
        "service_at_locations": [_service_at_location(service, link.id, link.location, link.description)
                                 for link in places["service_at_locations"]] or _derived_locations(service),
        "attributes": [_category(service)],
    })


def _phone(service, phone) -> dict:
    return _present({"id": str(phone.id), "service_id": str(service.id), "number": phone.number,
                     "extension": phone.extension, "type": phone.type, "description": phone.description or None})


def _derived_phones(service) -> list[dict]:
    if not service.phone:
        return []
    return [{"id": derived_id(service.id, "phone"), "service_id": str(service.id), "number": service.phone}]


def _schedule(service, schedule) -> dict:
    return _present({
        "id": str(schedule.id), "service_id": str(service.id),
        "freq": schedule.freq if schedule.freq in FREQUENCIES else None, "interval": schedule.interval,
        "byday": schedule.byday, "opens_at": schedule.opens_at, "closes_at": schedule.closes_at,
        "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
        "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
        "description": schedule.description or None})


def _derived_schedules(service) -> list[dict]:
    if not service.hours:
        return []
    return [{"id": derived_id(service.id, "schedule"), "service_id": str(service.id), "description": service.hours}]


def _service_at_location(service, link_id, location: Location, description) -> dict:
    address = {"id": str(location.address_id) if location.address_id else None, "location_id": str(location.id),
               "address_1": location.address_1, "address_2": location.address_2, "city": location.city,
               "state_province": location.state_province, "postal_code": location.postal_code,
               "country": location.country, "address_type": location.address_type}
    complete = address["id"] and all(address[name] for name in ADDRESS_REQUIRED)
    return _present({
        "id": str(link_id), "service_id": str(service.id), "location_id": str(location.id),
        "description": description or None,
        "location": _present({
            "id": str(location.id), "location_type": location.location_type, "name": location.name,
            "description": location.description or None,
            "organization_id": str(location.organization_id) if location.organization_id else None,
            "latitude": location.latitude, "longitude": location.longitude,
            "addresses": [_present(address)] if complete else None})})


def _derived_locations(service) -> list[dict]:
    if not service.address and service.latitude is None:
        return []
    location_id = derived_id(service.id, "location")
    return [{"id": derived_id(service.id, "service_at_location"), "service_id": str(service.id),
             "location_id": location_id,
             "location": _present({"id": location_id, "location_type": "physical", "name": service.address,
                                   "latitude": service.latitude, "longitude": service.longitude})}]


def _category(service) -> dict:
    label = english(CATEGORIES.get(service.category, service.category))
    term_id = derived_id(FIELDAPP_TAXONOMY, service.category)
    return {"id": derived_id(service.id, "category"), "link_id": str(service.id), "link_type": "service",
            "link_entity": "service", "taxonomy_term_id": term_id,
            "taxonomy_term": {"id": term_id, "code": service.category, "name": label, "description": label,
                              "taxonomy": FIELDAPP_TAXONOMY}}


def page_document(contents: list[dict], *, total: int, page: int, per_page: int) -> dict:
    """The HSDS API's paged list (``Page`` in schema/openapi.json)."""
    pages = math.ceil(total / per_page) if total else 0
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}
