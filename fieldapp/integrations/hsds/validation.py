"""The types HSDS 3.0 gives the fields fieldapp reads, checked with ``jsonschema`` before a JSON
record is taken: a record whose field has the wrong type (``"name": 12345``, ``"description": ["x"]``)
is refused with a message naming the record and the field, never stored as text.

The types are those of the standard's ``schema/compiled/service.json`` and ``organization.json``
(Open Referral, CC BY-SA 4.0); ``tests/integrations/test_hsds_validation.py`` checks them against the
standard's files, so they cannot drift. Only the fields the importer reads are listed; others pass.
The CSV package is not checked here: every CSV value is text, read by the importer's own rules.
"""

from jsonschema import Draft202012Validator

S, N, OBJ, A = "string", "number", "object", "array"


def _record(properties: dict, *, nullable=False) -> dict:
    """An object whose listed fields have their HSDS type or are null (a missing value)."""
    return {"type": [OBJ, "null"] if nullable else [OBJ], "properties": {
        name: kind if isinstance(kind, dict) else {"type": [kind, "null"]} for name, kind in properties.items()}}


def _list_of(properties: dict) -> dict:
    return {"type": [A, "null"], "items": _record(properties)}


ADDRESS = {"id": S, "address_1": S, "address_2": S, "city": S, "state_province": S, "postal_code": S,
           "country": S, "address_type": S}
LOCATION = {"id": S, "name": S, "location_type": S, "description": S, "latitude": N, "longitude": N,
            "organization_id": S, "addresses": _list_of(ADDRESS)}
PHONE = {"id": S, "number": S, "extension": N, "type": S, "description": S}
SCHEDULE = {"id": S, "freq": S, "interval": N, "byday": S, "opens_at": S, "closes_at": S, "valid_from": S,
            "valid_to": S, "description": S}
TERM = {"id": S, "code": S, "name": S, "taxonomy": S}
ORGANIZATION = {"id": S, "name": S, "description": S, "website": S}
SERVICE = {"id": S, "organization_id": S, "name": S, "description": S, "status": S, "eligibility_description": S,
           "phones": _list_of(PHONE), "schedules": _list_of(SCHEDULE),
           "service_at_locations": _list_of({"id": S, "description": S, "location": _record(LOCATION, nullable=True)}),
           "attributes": _list_of({"id": S, "taxonomy_term": _record(TERM, nullable=True)})}

SCHEMAS = {"organization": _record(ORGANIZATION), "service": _record(SERVICE)}
_VALIDATORS = {kind: Draft202012Validator(schema) for kind, schema in SCHEMAS.items()}
_NAMES = {"string": "text", "number": "a number", "object": "an object", "array": "a list", "null": "empty"}


def problems(kind: str, record: dict) -> list[str]:
    """What is wrong with ``record`` (an ``organization`` or a ``service``): one line per field, naming
    it by its path (``phones.0.extension``)."""
    found = []
    for error in sorted(_VALIDATORS[kind].iter_errors(record), key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(part) for part in error.absolute_path) or "(the record)"
        expected = error.validator_value if error.validator == "type" else None
        if isinstance(expected, list):
            wanted = " or ".join(_NAMES.get(name, name) for name in expected if name != "null")
            found.append(f"{path}: must be {wanted}, not {_kind_of(error.instance)}")
        else:
            found.append(f"{path}: {error.message}")
    return found


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "text"
