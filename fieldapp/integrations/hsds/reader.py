"""Reading an HSDS 3.0 file into organizations and services shaped like the HSDS API's ``*_full``.

JSON: a ``service_full``, ``organization_full`` or ``service_at_location_full`` document, or a paged
list of any of them (``{"contents": [...]}``). Tabular: a folder or zip of the HSDS CSV files with a
``datapackage.json``; its rows are linked back into the nested shape the JSON has, so one importer
reads both. Anything that is not a readable HSDS file raises ``HsdsFileError`` before the database is
touched.
"""

import csv
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from fieldapp.integrations.hsds import validation

MAX_ZIP_MEMBERS = 200
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
TABLES = ("organizations", "services", "phones", "schedules", "service_at_location", "locations", "addresses",
          "attributes", "taxonomy_terms")
REQUIRED_TABLES = ("organizations", "services")
NOT_DIRECTORY_KEYS = {"taxonomy", "term_uri", "code", "version", "location_type", "link_entity"}
MAX_DEPTH = 32  # HSDS's deepest path (a list, a service, its locations, a location, its addresses...) is < 10


class HsdsFileError(ValueError):
    """The file cannot be read as HSDS 3.0: nothing is imported."""


@dataclass
class Document:
    organizations: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id or position, why)
    warnings: list[str] = field(default_factory=list)


# --- JSON ----------------------------------------------------------------------------------

def read_json(data: bytes) -> Document:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HsdsFileError(f"Not a JSON document: {error}.") from None
    except RecursionError:
        raise HsdsFileError(f"The JSON is nested too deeply (HSDS needs at most {MAX_DEPTH} levels).") from None
    if _deeper_than(payload, MAX_DEPTH):
        raise HsdsFileError(f"The JSON is nested too deeply (HSDS needs at most {MAX_DEPTH} levels).")
    document = Document()
    if isinstance(payload, dict) and "contents" in payload:
        if not isinstance(payload["contents"], list):
            raise HsdsFileError("A paged list needs 'contents' to be a list.")
        if payload.get("total_pages", 1) not in (None, 1) and not payload.get("last_page", True):
            document.warnings.append(f"This is page {payload.get('page_number', '?')} of "
                                     f"{payload.get('total_pages')}: only its {len(payload['contents'])} "
                                     "item(s) were read.")
        items = payload["contents"]
    elif isinstance(payload, dict):
        items = [payload]
    else:
        raise HsdsFileError("Expected an HSDS object or a paged list ({\"contents\": [...]}).")
    for position, item in enumerate(items, start=1):
        _add_item(document, item, position)
    if not document.organizations and not document.services:
        raise HsdsFileError("No HSDS organization or service found in this document.")
    return document


def _deeper_than(payload, limit: int) -> bool:
    """Walked without recursion, so no document can exhaust the stack here."""
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def _well_typed(document: Document, kind: str, record: dict) -> bool:
    """A JSON record with a field of the wrong HSDS type is refused, with every such field named."""
    problems = validation.problems(kind, record)
    if problems:
        document.skipped.append((kind, str(record.get("id")), "Wrong type: " + "; ".join(problems) + "."))
    return not problems


def _add_item(document: Document, item, position: int) -> None:
    if not isinstance(item, dict):
        document.skipped.append(("item", f"#{position}", "Not an object."))
    elif "service" in item and "location" in item:  # service_at_location_full
        service = dict(item["service"]) if isinstance(item["service"], dict) else {}
        service["service_at_locations"] = [{key: value for key, value in item.items() if key != "service"}]
        _add_service(document, service, checked=True)
    elif {"status", "organization", "organization_id"} & item.keys():
        _add_service(document, item, checked=True)
    elif NOT_DIRECTORY_KEYS & item.keys():
        document.skipped.append(("item", str(item.get("id") or f"#{position}"),
                                 "Not an organization or a service (a taxonomy term or location alone)."))
    else:
        _add_organization(document, item, checked=True)
        for service in item.get("services") or []:
            if isinstance(service, dict):
                _add_service(document, {**service, "organization_id": service.get("organization_id") or item.get("id")},
                             checked=True)


def _add_organization(document: Document, organization: dict, *, checked=False) -> None:
    brief = {key: value for key, value in organization.items() if key != "services"}
    if checked and not _well_typed(document, "organization", brief):
        return
    if all(known.get("id") != brief.get("id") for known in document.organizations):
        document.organizations.append(brief)


def _add_service(document: Document, service: dict, *, checked=False) -> None:
    """``checked``: a JSON record (typed values); the CSV package's values are all text."""
    if checked and not _well_typed(document, "service", service):
        return
    organization = service.get("organization")
    if isinstance(organization, dict):
        _add_organization(document, organization, checked=checked)
        service = {**service, "organization_id": service.get("organization_id") or organization.get("id")}
    document.services.append(service)


# --- the tabular package (CSV) -------------------------------------------------------------

def read_tabular(files: dict[str, bytes]) -> Document:
    """``files``: file name (within the package) -> content."""
    if "datapackage.json" not in files:
        raise HsdsFileError("Not an HSDS tabular package: datapackage.json is missing.")
    document = Document()
    names = _resource_paths(files["datapackage.json"], document)
    tables = {}
    for table in TABLES:
        name = names.get(table, f"{table}.csv")
        if name not in files:
            if table in REQUIRED_TABLES:
                raise HsdsFileError(f"The package has no {name}.")
            tables[table] = []
            continue
        tables[table] = _rows(name, files[name])
    _link(document, tables)
    if not document.organizations and not document.services:
        raise HsdsFileError("The package's organizations.csv and services.csv have no rows.")
    return document


def _resource_paths(descriptor: bytes, document: Document) -> dict:
    try:
        package = json.loads(descriptor.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        package = None
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        document.warnings.append("datapackage.json is not a Data Package descriptor (no resources list); "
                                 "the HSDS table names were used (organizations.csv, services.csv, ...).")
        return {}
    return {resource["name"]: PurePosixPath(str(resource["path"])).name for resource in package["resources"]
            if isinstance(resource, dict) and resource.get("name") and isinstance(resource.get("path"), str)}


def _rows(name: str, content: bytes) -> list[dict]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HsdsFileError(f"{name} is not UTF-8 text.") from None
    try:
        return [{key: (value if value != "" else None) for key, value in row.items() if key}
                for row in csv.DictReader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise HsdsFileError(f"{name} is not a readable CSV file: {error}.") from None


def _by(rows, key) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        if row.get(key):
            grouped[row[key]].append(row)
    return grouped


def _link(document: Document, tables: dict) -> None:
    locations = {row["id"]: row for row in tables["locations"] if row.get("id")}
    addresses = _by(tables["addresses"], "location_id")
    terms = {row["id"]: row for row in tables["taxonomy_terms"] if row.get("id")}
    phones, schedules = _by(tables["phones"], "service_id"), _by(tables["schedules"], "service_id")
    links, attributes = _by(tables["service_at_location"], "service_id"), _by(tables["attributes"], "link_id")
    document.organizations.extend(tables["organizations"])
    service_ids = set()
    for row in tables["services"]:
        service_id = row.get("id")
        service_ids.add(service_id)
        service_at_locations = []
        for link in links.get(service_id, []):
            location = locations.get(link.get("location_id"))
            if location is None:
                document.skipped.append(("service_at_location", str(link.get("id")),
                                         f"Location {link.get('location_id')} is not in locations.csv."))
                continue
            service_at_locations.append({**link, "location": {**location,
                                                               "addresses": addresses.get(location["id"], [])}})
        document.services.append({
            **row, "phones": phones.get(service_id, []), "schedules": schedules.get(service_id, []),
            "service_at_locations": service_at_locations,
            "attributes": [{**attribute, "taxonomy_term": terms.get(attribute.get("taxonomy_term_id"))}
                           for attribute in attributes.get(service_id, [])]})
    for attribute in tables["attributes"]:
        if attribute.get("link_id") not in service_ids:
            document.skipped.append(("attribute", str(attribute.get("id")),
                                     f"Links to {attribute.get('link_id')}, which is not a service in this "
                                     "package (fieldapp keeps taxonomy terms of services only)."))


# --- files ---------------------------------------------------------------------------------

def read_upload(filename: str, data: bytes) -> Document:
    """An uploaded file: a zip of the tabular package, else a JSON document."""
    if filename.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        return read_tabular(_unzip(data))
    return read_json(data)


def read_path(path: str | Path) -> Document:
    """A file given on the command line: a folder or zip of CSV files, or a JSON document."""
    path = Path(path)
    if path.is_dir():
        return read_tabular({child.name: child.read_bytes() for child in path.iterdir() if child.is_file()})
    if not path.is_file():
        raise HsdsFileError(f"No such file or folder: {path}.")
    return read_upload(path.name, path.read_bytes())


def _unzip(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise HsdsFileError("Not a readable zip file.") from None
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_ZIP_MEMBERS or sum(info.file_size for info in members) > MAX_UNZIPPED_BYTES:
        raise HsdsFileError(f"The zip holds more than {MAX_ZIP_MEMBERS} files or "
                            f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB: too large to import here.")
    descriptors = [info for info in members if PurePosixPath(info.filename).name == "datapackage.json"]
    root = str(PurePosixPath(descriptors[0].filename).parent) if descriptors else "."
    files = {}
    try:
        for info in members:
            path = PurePosixPath(info.filename)
            if str(path.parent) == root:
                files[path.name] = archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise HsdsFileError(f"The zip file is damaged: {error}.") from None
    return files
