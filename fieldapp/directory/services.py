"""Directory rules: organizations with unique names, their services, and searching them.

``data`` is what ``OrganizationSchema`` / ``ServiceSchema`` loaded; the rules are checked here again
so seeding and imports cannot bypass them.
"""

import uuid

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from fieldapp.audit import services as audit
from fieldapp.directory.models import CATEGORIES, SERVICE_STATUSES, Organization, Service
from fieldapp.errors import Conflict, Invalid, NotFound
from fieldapp.extensions import db

ACTIVE = "active"
ORGANIZATION_FIELDS = ("name", "description", "website")
SERVICE_FIELDS = ("organization_id", "name", "description", "category", "status", "eligibility_description",
                  "phone", "hours", "address", "latitude", "longitude", "part2_program")
NAME_TAKEN = "An organization with this name is already in the directory."
MAX_TERMS = 8


def _uuid(value):
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- organizations -------------------------------------------------------------------------

def list_organizations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(func.lower(Organization.name), Organization.id)))


def get_organization(org_id, *, field="organization_id") -> Organization:
    key = _uuid(org_id)
    organization = db.session.get(Organization, key) if key else None
    if organization is None:
        raise NotFound(_("No such organization."), fields={field: [_("No such organization.")]})
    return organization


def organization_exists(org_id) -> bool:
    key = _uuid(org_id)
    return key is not None and db.session.get(Organization, key) is not None


def _clean_name(value) -> str:
    name = (value or "").strip()
    if not name:
        raise Invalid(_("A name is required."), fields={"name": [_("A name is required.")]})
    return name


def _check_name_free(name, *, exclude_id=None):
    query = select(Organization.id).where(func.lower(Organization.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Organization.id != exclude_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Conflict(NAME_TAKEN, fields={"name": [NAME_TAKEN]})


def _flush_organization():
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent create with the same name won the race
        db.session.rollback()
        raise Conflict(NAME_TAKEN, fields={"name": [NAME_TAKEN]}) from None


def create_organization(data, by) -> Organization:
    name = _clean_name(data.get("name"))
    _check_name_free(name)
    organization = Organization(name=name, description=(data.get("description") or "").strip(),
                                website=data.get("website") or None)
    db.session.add(organization)
    _flush_organization()
    audit.record("organization.create", obj=organization, user=by, details={"name": name})
    db.session.commit()
    return organization


def update_organization(org_id, data, by) -> Organization:
    """Change the fields given in ``data``; unchanged fields are left alone."""
    organization = get_organization(org_id, field="org_id")
    changes = {}
    if "name" in data:
        name = _clean_name(data["name"])
        if name != organization.name:
            _check_name_free(name, exclude_id=organization.id)
            changes["name"] = name
    if "description" in data:
        changes["description"] = (data["description"] or "").strip()
    if "website" in data:
        changes["website"] = data["website"] or None
    changed = _apply(organization, changes)
    if changed:
        _flush_organization()
        audit.record("organization.update", obj=organization, user=by,
                     details={"name": organization.name, "fields": changed})
        db.session.commit()
    return organization


def _apply(obj, changes) -> list[str]:
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, changes[name])
    return sorted(changed)


# --- services ------------------------------------------------------------------------------

def get_service(service_id) -> Service:
    key = _uuid(service_id)
    service = db.session.get(Service, key) if key else None
    if service is None:
        raise NotFound(_("No such service."))
    return service


def _check_choices(data):
    if "category" in data and data["category"] not in CATEGORIES:
        raise Invalid(_("Unknown category."), fields={"category": [_("Choose one of: ") + ", ".join(CATEGORIES) + "."]})
    if "status" in data and data["status"] not in SERVICE_STATUSES:
        raise Invalid(_("Unknown status."),
                      fields={"status": [_("Choose one of: ") + ", ".join(SERVICE_STATUSES) + "."]})


def _service_values(data) -> dict:
    values = {name: data[name] for name in SERVICE_FIELDS if name in data}
    if "name" in values:
        values["name"] = _clean_name(values["name"])
    for name in ("description", "eligibility_description"):
        if name in values:
            values[name] = (values[name] or "").strip()
    for name in ("phone", "hours", "address"):
        if name in values:
            values[name] = (values[name] or "").strip() or None
    if "part2_program" in values:
        values["part2_program"] = bool(values["part2_program"])
    return values


def create_service(data, by) -> Service:
    organization = get_organization(data.get("organization_id"))
    if "category" not in data:
        raise Invalid(_("A category is required."), fields={"category": [_("Choose a category.")]})
    _check_choices(data)
    values = _service_values(data)
    values.pop("organization_id", None)
    values.setdefault("status", ACTIVE)
    service = Service(organization=organization, **values)
    db.session.add(service)
    db.session.flush()
    audit.record("service.create", obj=service, user=by, details={
        "name": service.name, "organization": organization.name, "category": service.category,
        "status": service.status})
    db.session.commit()
    return service


def update_service(service_id, data, by) -> Service:
    """Change the fields given in ``data`` (a partial update); unchanged fields are left alone."""
    service = get_service(service_id)
    _check_choices(data)
    values = _service_values(data)
    if "organization_id" in values:
        values["organization_id"] = get_organization(values["organization_id"]).id
    before = service.status
    changed = _apply(service, values)
    if changed:
        details = {"name": service.name, "fields": changed}
        if "status" in changed:
            details["status"] = {"from": before, "to": service.status}
        audit.record("service.update", obj=service, user=by, details=details)
        db.session.commit()  # expires the service, so a changed organization is reloaded
    return service


def _contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere; the user's % and _ are literal characters."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_services(q=None, category=None, include_inactive=False, limit=100) -> list[Service]:
    """Services matching every word of ``q`` (in the service's name or description or its
    organization's name, any case), optionally in one category; active services only unless
    ``include_inactive``. Ordered by name."""
    query = (select(Service).join(Service.organization).options(contains_eager(Service.organization))
             .order_by(func.lower(Service.name), Service.name, Service.id).limit(limit))
    for term in (q or "").split()[:MAX_TERMS]:
        pattern = _contains(term)
        query = query.where(or_(Service.name.ilike(pattern, escape="\\"),
                                Service.description.ilike(pattern, escape="\\"),
                                Organization.name.ilike(pattern, escape="\\")))
    if category:
        _check_choices({"category": category})
        query = query.where(Service.category == category)
    if not include_inactive:
        query = query.where(Service.status == ACTIVE)
    return list(db.session.scalars(query))


def count_services() -> int:
    return db.session.scalar(select(func.count()).select_from(Service))


# --- imports by HSDS id (fieldapp.integrations.hsds) ---------------------------------------
# The caller validated ``data`` with the schemas above and commits once for the whole import;
# an unchanged record is not written (nor audited), so running the same import again changes nothing.

def put_organization(org_id: uuid.UUID, data: dict, by=None) -> tuple[Organization, str]:
    """Create the organization with this HSDS id, or bring it up to date: (organization, outcome),
    outcome one of ``created``, ``updated``, ``unchanged``."""
    name = _clean_name(data.get("name"))
    _check_name_free(name, exclude_id=org_id)
    values = {"name": name, "description": (data.get("description") or "").strip(),
              "website": data.get("website") or None}
    organization = db.session.get(Organization, org_id)
    if organization is None:
        organization = Organization(id=org_id, **values)
        db.session.add(organization)
        db.session.flush()
        audit.record("organization.import", obj=organization, user=by, details={"name": name, "created": True})
        return organization, "created"
    changed = _apply(organization, values)
    if not changed:
        return organization, "unchanged"
    audit.record("organization.import", obj=organization, user=by, details={"name": name, "fields": changed})
    return organization, "updated"


def put_service(service_id: uuid.UUID, data: dict, by=None) -> tuple[Service, str]:
    """Create the service with this HSDS id, or update the fields given: (service, outcome).
    Without ``category`` a new service is ``other`` and an existing one keeps its own."""
    get_organization(data.get("organization_id"))
    _check_choices(data)
    values = _service_values(data)
    service = db.session.get(Service, service_id)
    if service is None:
        values.setdefault("status", ACTIVE)
        values.setdefault("category", "other")
        service = Service(id=service_id, **values)
        db.session.add(service)
        db.session.flush()
        audit.record("service.import", obj=service, user=by, details={
            "name": service.name, "category": service.category, "status": service.status, "created": True})
        return service, "created"
    changed = _apply(service, values)
    if not changed:
        return service, "unchanged"
    audit.record("service.import", obj=service, user=by, details={"name": service.name, "fields": changed})
    return service, "updated"


def page_of_services(page: int, per_page: int) -> tuple[int, list[Service]]:
    """Every service (any status), by name: the total and one page (``page`` from 1)."""
    total = count_services()
    query = (select(Service).order_by(func.lower(Service.name), Service.name, Service.id)
             .offset((page - 1) * per_page).limit(per_page))
    return total, list(db.session.scalars(query))
