"""Locations, phones and schedules of services, by HSDS id (``places`` models).

Writes add to the session and never commit: an import commits once for the whole file. A row that
already holds the same values is not touched, so the same import twice changes nothing.
"""

import uuid
from collections import defaultdict

from sqlalchemy import select

from fieldapp.directory.places import Location, Phone, Schedule, ServiceAtLocation
from fieldapp.extensions import db


def _put(model, row_id: uuid.UUID, values: dict) -> str:
    row = db.session.get(model, row_id)
    if row is None:
        db.session.add(model(id=row_id, **values))
        return "created"
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    return "updated" if changed else "unchanged"


def put_location(location_id: uuid.UUID, values: dict) -> str:
    return _put(Location, location_id, values)


def get_location(location_id: uuid.UUID) -> Location | None:
    return db.session.get(Location, location_id)


def put_service_at_location(link_id: uuid.UUID, *, service_id, location_id, description="") -> str:
    return _put(ServiceAtLocation, link_id, {"service_id": service_id, "location_id": location_id,
                                             "description": description})


def put_phone(phone_id: uuid.UUID, service_id, values: dict) -> str:
    return _put(Phone, phone_id, {"service_id": service_id, **values})


def put_schedule(schedule_id: uuid.UUID, service_id, values: dict) -> str:
    return _put(Schedule, schedule_id, {"service_id": service_id, **values})


def places_of(service_ids) -> dict[uuid.UUID, dict]:
    """For each service id: its ``phones``, ``schedules`` and ``service_at_locations`` (with locations)."""
    found = defaultdict(lambda: {"phones": [], "schedules": [], "service_at_locations": []})
    ids = list(service_ids)
    if not ids:
        return found
    for key, model in (("phones", Phone), ("schedules", Schedule), ("service_at_locations", ServiceAtLocation)):
        for row in db.session.scalars(select(model).where(model.service_id.in_(ids)).order_by(model.id)):
            found[row.service_id][key].append(row)
    return found
