"""One error shape for every failure: ``{"error": {"code", "message", "fields"}}``.

Services raise ``ServiceError`` subclasses; API clients get JSON, browsers get a page. This module
says what a refusal is; ``fieldapp.web.errors`` answers it (and audits every refused authorization).
"""

from collections.abc import Callable

from flask import jsonify, render_template, request
from marshmallow import Schema
from marshmallow import fields as ma_fields

from fieldapp.i18n.messages import translate, translate_fields


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message, *, fields=None, code=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class Invalid(ServiceError):
    status, code = 422, "invalid"


HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 414: "uri_too_long",
              415: "unsupported_media_type", 422: "invalid", 429: "too_many_requests", 500: "internal_error",
              503: "unavailable"}


# Addresses that scripts call (never a person's browser tab): they get JSON answers, never a
# redirect to the login page, whose rendering would start a new session behind the user's back.
SCRIPT_PATHS = ("/api/", "/events", "/session/")


def wants_json() -> bool:
    if request.path.startswith(SCRIPT_PATHS) or "text/event-stream" in request.accept_mimetypes.values():
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def flatten_fields(messages) -> dict:
    """webargs nests errors by location ({"json": {...}}); clients want field -> messages."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    if set(messages) <= {"json", "query", "form", "headers", "view_args", "files"}:
        merged = {}
        for part in messages.values():
            merged.update(flatten_fields(part))
        return merged
    return messages


class ErrorDetailSchema(Schema):
    code = ma_fields.String(required=True, metadata={"description": "A stable word for programs, e.g. "
                                                     "'invalid', 'not_found', 'id_conflict'."})
    message = ma_fields.String(required=True, metadata={"description": "What went wrong, for a person."})
    fields_ = ma_fields.Dict(required=True, data_key="fields", metadata={
        "description": "Field name -> list of messages (nested objects for nested fields); {} when none."})


class ErrorSchema(Schema):
    """The body of every error response: ``{"error": {"code", "message", "fields"}}``."""

    error = ma_fields.Nested(ErrorDetailSchema, required=True)


# Addresses answered in their standard's own error shape (FHIR's OperationOutcome under
# /api/v1/fhir/): path prefix -> render(status, code, message, fields) -> (response, status).
# Connected at start-up (fieldapp.wiring), since the standards' parts sit above this module.
ERROR_SHAPES: dict[str, Callable] = {}


def answer_errors_under(prefix: str, render: Callable) -> None:
    ERROR_SHAPES[prefix] = render


def error_response(status, code, message, fields=None, *, template="errors/error.html"):
    message, fields = translate(message), translate_fields(fields or {})  # the user's language (issue 23)
    for prefix, render in ERROR_SHAPES.items():
        if request.path.startswith(prefix):
            return render(status, code, message, fields or {})
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    return render_template(template, status=status, code=code, message=message, fields=fields or {}), status
