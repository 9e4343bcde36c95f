"""Every error of a FHIR endpoint as a FHIR R4 OperationOutcome (``application/fhir+json``).

``fieldapp.errors.error_response`` hands errors of paths under ``/api/v1/fhir/`` here (connected in
``fieldapp.wiring``): the same status and the same words as fieldapp's JSON error, one issue per
field message with the field as a FHIRPath ``expression`` (services of the FHIR endpoints name their
fields that way, e.g. ``ServiceRequest.priority``; a bare element name of a resource sent in the body
gets that resource's type in front), and fieldapp's error code in ``details``.
"""

import json
import re

from flask import current_app, request

FHIR_JSON = "application/fhir+json"
ERROR_SYSTEM = "urn:fieldapp:error"
# HTTP status -> OperationOutcome.issue.code (http://hl7.org/fhir/issue-type).
ISSUE_TYPES = {400: "structure", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported",
               409: "conflict", 413: "too-costly", 415: "not-supported", 422: "invalid", 429: "throttled",
               500: "exception"}


def _flatten(fields, prefix="") -> list[tuple[str, str]]:
    """(field path, message) pairs from fieldapp's ``fields`` (nested for nested objects)."""
    pairs = []
    if isinstance(fields, dict):
        for key, value in fields.items():
            name = str(key) if not prefix else (f"{prefix}[{key}]" if isinstance(key, int) or str(key).isdigit()
                                                 else f"{prefix}.{key}")
            pairs += _flatten(value, name)
    elif isinstance(fields, list | tuple):
        for item in fields:
            pairs += _flatten(item, prefix) if isinstance(item, dict | list) else [(prefix, str(item))]
    else:
        pairs.append((prefix, str(fields)))
    return pairs


def _resource_type() -> str | None:
    """The ``resourceType`` of the JSON body, if the request has one."""
    body = request.get_json(silent=True, cache=True) if request.method in ("POST", "PUT", "PATCH") else None
    kind = body.get("resourceType") if isinstance(body, dict) else None
    return kind if isinstance(kind, str) and kind.isalpha() and kind[:1].isupper() else None


def expression(name: str, resource_type: str | None) -> str | None:
    if not name or name == "_schema":
        return None
    name = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", name)  # note.0.text -> note[0].text
    if resource_type and name[:1].islower():
        return f"{resource_type}.{name}"
    return name


def _issue_type(status: int, text: str) -> str:
    if status == 422 and ("required" in text.lower() or text.lower().startswith("missing")):
        return "required"
    return ISSUE_TYPES.get(status, "processing")


def outcome(status: int, code: str, message: str, fields: dict) -> dict:
    details = {"coding": [{"system": ERROR_SYSTEM, "code": code}], "text": message}
    severity = "fatal" if status >= 500 else "error"
    resource_type = _resource_type() if fields else None
    issues = []
    for name, text in _flatten(fields):
        issue = {"severity": severity, "code": _issue_type(status, text), "details": details,
                 "diagnostics": text}
        where = expression(name, resource_type)
        if where:
            issue["expression"] = [where]
        issues.append(issue)
    if not issues:
        issues = [{"severity": severity, "code": _issue_type(status, message), "details": details,
                   "diagnostics": message}]
    return {"resourceType": "OperationOutcome", "issue": issues}


def answer(status: int, code: str, message: str, fields: dict):
    """An error of a FHIR endpoint: ``(response, status)`` as ``fieldapp.errors.error_response``."""
    body = json.dumps(outcome(status, code, message, fields))
    return current_app.response_class(body, status=status, mimetype=FHIR_JSON), status


# The OpenAPI document's error responses of the FHIR endpoints: ``@blp.doc(responses=OPENAPI_ERRORS)``.
OUTCOME_SCHEMA = {
    "type": "object", "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
        "issue": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["severity", "code"],
            "properties": {"severity": {"type": "string", "enum": ["fatal", "error", "warning", "information"]},
                           "code": {"type": "string"}, "diagnostics": {"type": "string"},
                           "expression": {"type": "array", "items": {"type": "string"}},
                           "details": {"type": "object"}}}}}}
_ERROR_RESPONSE = {"description": "An error, as a FHIR R4 OperationOutcome (docs/fhir.md, Errors).",
                   "content": {FHIR_JSON: {"schema": OUTCOME_SCHEMA}}}
OPENAPI_ERRORS = {"default": _ERROR_RESPONSE, "422": _ERROR_RESPONSE}
