"""Importing an HSDS 3.0 document into the directory, in one transaction, through the directory services.

Organizations and services are created or updated by their HSDS ids; a service's phones, schedules
and locations too. A record fieldapp cannot take (no name, an id that is not a UUID, a name another
organization already has, a status HSDS does not define) is skipped with the reason, and the rest
is imported. A file that cannot be read at all imports nothing. Records not in the file are left as
they are (an import never deletes).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app
from marshmallow import ValidationError

from fieldapp.audit import services as audit
from fieldapp.directory import place_services as places
from fieldapp.directory import services as directory
from fieldapp.directory.schemas import OrganizationSchema, ServiceSchema
from fieldapp.errors import ServiceError
from fieldapp.extensions import db
from fieldapp.integrations.hsds import mapping
from fieldapp.integrations.hsds.reader import Document
from fieldapp.web.forms import flat_errors


@dataclass
class Report:
    source: str = ""
    counts: dict = field(default_factory=lambda: defaultdict(Counter))  # kind -> outcome -> n
    skipped: list = field(default_factory=list)  # (kind, id, reason)
    unmapped_terms: dict = field(default_factory=lambda: defaultdict(list))  # term -> service names
    warnings: list = field(default_factory=list)
    error: str | None = None

    def count(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total("created") or self.total("updated"))

    def as_dict(self) -> dict:
        return {"source": self.source, "error": self.error,
                "counts": {kind: dict(counter) for kind, counter in self.counts.items()},
                "skipped": [{"kind": kind, "id": record_id, "reason": reason}
                            for kind, record_id, reason in self.skipped],
                "unmapped_terms": dict(self.unmapped_terms),
                "warnings": list(self.warnings)}

    def lines(self) -> list[str]:
        if self.error:
            return [f"Nothing imported from {self.source}: {self.error}"]
        lines = [f"Imported {self.source}: {self.total('created')} created, {self.total('updated')} updated, "
                 f"{self.total('unchanged')} unchanged, {len(self.skipped)} skipped."]
        for kind, counter in sorted(self.counts.items()):
            lines.append(f"  {kind}: " + ", ".join(f"{counter[o]} {o}" for o in ("created", "updated", "unchanged")))
        lines += [f"  skipped {kind} {record_id}: {reason}" for kind, record_id, reason in self.skipped]
        lines += [f"  unmapped taxonomy term {term} (services: {', '.join(names)}); set HSDS_CATEGORY_MAP to map it"
                  for term, names in self.unmapped_terms.items()]
        lines += [f"  note: {warning}" for warning in self.warnings]
        return lines


def import_document(document: Document, *, source: str, by=None) -> Report:
    """Apply ``document`` and commit once; on any failure roll back everything and say why."""
    report = Report(source=source, skipped=list(document.skipped), warnings=list(document.warnings))
    try:
        terms = mapping.category_map(current_app.config.get("HSDS_CATEGORY_MAP"))
    except ValueError as error:
        report.error = str(error)
        return report
    try:
        taken = {str(org.get("id")): _organization(org, report, by) for org in document.organizations}
        for service in document.services:
            _service(service, taken, terms, report, by)
        db.session.flush()
    except Exception as error:  # noqa: BLE001 - whatever broke, nothing may stay half-imported
        db.session.rollback()
        current_app.logger.exception("HSDS import of %s failed", source)
        report.error = f"the import failed and was undone ({type(error).__name__})."
        audit.record("directory.import", outcome="failure", user=by, details={"source": source})
        db.session.commit()
        return report
    audit.record("directory.import", user=by, details={
        "source": source, "created": report.total("created"), "updated": report.total("updated"),
        "skipped": len(report.skipped), "unmapped_terms": sorted(report.unmapped_terms)})
    db.session.commit()
    return report


def _load(schema, payload, report, kind, record_id, *, optional=()):
    """``payload`` as the schema loads it; a bad ``optional`` field is left out with a note, any
    other problem skips the record with the reason."""
    try:
        return schema.load(payload)
    except ValidationError as error:
        dropped = set(error.messages) & set(optional)
        if dropped and set(error.messages) <= dropped:
            report.warnings.append(f"{kind} {record_id}: left out {', '.join(sorted(dropped))} "
                                   f"({'; '.join(' '.join(error.messages[name]) for name in sorted(dropped))})")
            return _load(schema, {k: v for k, v in payload.items() if k not in dropped}, report, kind, record_id)
        reasons = "; ".join(f"{name}: {message}" for name, message in flat_errors(error.messages).items() if name)
        report.skipped.append((kind, record_id, reasons))
        return None


def _organization(hsds: dict, report: Report, by) -> bool:
    org_id = mapping.as_uuid(hsds.get("id"))
    if org_id is None:
        report.skipped.append(("organization", str(hsds.get("id")), "The id is not a UUID."))
        return False
    data = _load(OrganizationSchema(), mapping.organization_values(hsds), report, "organization", str(org_id),
                 optional=("website",))
    if data is None:
        return False
    try:
        _, outcome = directory.put_organization(org_id, data, by=by)
    except ServiceError as error:
        report.skipped.append(("organization", str(org_id), error.message))
        return False
    report.count("organization", outcome)
    return True


def _service(hsds: dict, taken: dict, terms: dict, report: Report, by) -> None:
    service_id, org_key = mapping.as_uuid(hsds.get("id")), str(hsds.get("organization_id"))
    if service_id is None:
        report.skipped.append(("service", str(hsds.get("id")), "The id is not a UUID."))
        return
    if taken.get(org_key) is False:
        report.skipped.append(("service", str(service_id), f"Its organization {org_key} was skipped."))
        return
    if org_key not in taken and not directory.organization_exists(org_key):
        report.skipped.append(("service", str(service_id),
                               f"Its organization {org_key} is neither in this file nor in the directory."))
        return
    category, unmapped = mapping.category_of(hsds.get("attributes"), terms)
    for term in unmapped:
        report.unmapped_terms[term].append(str(hsds.get("name") or service_id))
    payload = {"organization_id": org_key, "name": mapping.clean_text(hsds.get("name")) or "",
               "description": str(hsds.get("description") or ""), "status": hsds.get("status") or "active",
               "eligibility_description": str(hsds.get("eligibility_description") or "")}
    if category:
        payload["category"] = category
    phones = [mapping.phone_values(p) | {"id": p.get("id")} for p in hsds.get("phones") or [] if isinstance(p, dict)]
    phones = [p for p in phones if _keep(p, "phone", report, needs="number")]
    schedules = [mapping.schedule_values(s) | {"id": s.get("id")} for s in hsds.get("schedules") or []
                 if isinstance(s, dict)]
    schedules = [s for s in schedules if _keep(s, "schedule", report)]
    links = _locations(hsds, report)
    if "phones" in hsds:
        payload["phone"] = mapping.phone_text(phones[0]) if phones else None
    if "schedules" in hsds:
        payload["hours"] = mapping.hours_text(schedules[0]) if schedules else None
    if "service_at_locations" in hsds:
        first = places.get_location(links[0][1]) if links else None
        payload.update(address=mapping.address_text(first) if first else None,
                       latitude=first.latitude if first else None, longitude=first.longitude if first else None)
    data = _load(ServiceSchema(partial=("category",)), payload, report, "service", str(service_id))
    if data is None:
        return
    try:
        service, outcome = directory.put_service(service_id, data, by=by)
    except ServiceError as error:
        report.skipped.append(("service", str(service_id), error.message))
        return
    report.count("service", outcome)
    for phone in phones:
        report.count("phone", places.put_phone(phone.pop("id"), service.id, phone))
    for schedule in schedules:
        report.count("schedule", places.put_schedule(schedule.pop("id"), service.id, schedule))
    for link, _ in links:
        report.count("service_at_location", places.put_service_at_location(
            link["id"], service_id=service.id, location_id=link["location_id"], description=link["description"]))


def _keep(values: dict, kind: str, report: Report, needs=None) -> bool:
    values["id"] = mapping.as_uuid(values["id"])
    if values["id"] is None:
        report.skipped.append((kind, "?", "The id is missing or not a UUID."))
        return False
    if needs and not values.get(needs):
        report.skipped.append((kind, str(values["id"]), f"No {needs}."))
        return False
    return True


def _locations(hsds: dict, report: Report) -> list[tuple[dict, object]]:
    """Create or update the service's locations (before the service, whose address is the first one's)."""
    links = []
    for link in hsds.get("service_at_locations") or []:
        hsds_location = link.get("location") if isinstance(link, dict) else None
        link_id = mapping.as_uuid(link.get("id")) if isinstance(link, dict) else None
        location_id = mapping.as_uuid(hsds_location.get("id")) if isinstance(hsds_location, dict) else None
        if link_id is None or location_id is None:
            report.skipped.append(("service_at_location", str(link.get("id") if isinstance(link, dict) else "?"),
                                  "No location, or an id that is not a UUID."))
            continue
        location, notes = mapping.location_values(hsds_location)
        report.warnings.extend(note for note in notes if note not in report.warnings)
        owner = mapping.as_uuid(hsds_location.get("organization_id"))
        location["organization_id"] = owner if owner and directory.organization_exists(owner) else None
        report.count("location", places.put_location(location_id, location))
        links.append(({"id": link_id, "location_id": location_id, "description": str(link.get("description") or "")},
                      location_id))
    return links
