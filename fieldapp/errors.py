"""One error shape for every failure: ``{"error": {"code", "message", "fields"}}``.

Services raise ``ServiceError`` subclasses; API clients get JSON, browsers get a page.
"""

from flask import current_app, g, has_request_context, jsonify, render_template, request
from marshmallow import Schema, ValidationError
from marshmallow import fields as ma_fields
from sqlalchemy import event
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from fieldapp.extensions import db


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
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
              422: "invalid", 429: "too_many_requests", 500: "internal_error"}


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


def error_response(status, code, message, fields=None):
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    template = "errors/error.html"
    return render_template(template, status=status, code=code, message=message, fields=fields or {}), status


def _handle_service_error(error: ServiceError):
    db.session.rollback()
    if error.status == 403:
        _audit_denied(error.message)
    return error_response(error.status, error.code, error.message, error.fields)


def _handle_validation_error(error: ValidationError):
    db.session.rollback()
    return error_response(422, "invalid", "Some fields are not valid.", flatten_fields(error.messages))


def _handle_http_exception(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = {}
    message = error.description
    if "messages" in data or "errors" in data:
        fields = flatten_fields(data.get("errors") or data.get("messages"))
        if status == 400 and "_schema" not in fields:
            status = 422
        message = data.get("message") or ("Some fields are not valid." if status == 422 else
                                          "The request body is not valid JSON.")
    if status == 403:
        _audit_denied(message)
    response = error_response(status, data.get("code") or HTTP_CODES.get(status, "error"), message, fields)
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response[0].headers["Allow"] = ", ".join(error.valid_methods)
    return response


# --- what a failure may already have saved ---------------------------------------------------
# A 500 must not say "nothing was saved" when this request's transaction committed (or was being
# committed when the connection broke): the record may be there, and a retry must check first.

@event.listens_for(Session, "before_commit")
def _commit_started(session):
    if has_request_context():
        g.commit_state = g.get("commit_state") or "attempted"


@event.listens_for(Session, "after_commit")
def _committed(session):
    if has_request_context():
        g.commit_state = "done"


def failure_message() -> str:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return "Something went wrong on our side. Please try again."
    if g.get("commit_state"):
        return ("Something went wrong on our side after your change reached the database. "
                "It may have been saved: check before you try again.")
    return "Something went wrong on our side; nothing was saved. Please try again."


def _handle_unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, IntegrityError) and g.get("commit_state") != "done":
        # A safety net: a unique key or reference the services did not check first. Nothing saved.
        current_app.logger.error("integrity error answered 409", exc_info=error)
        return error_response(409, "conflict", "This conflicts with a record already saved; nothing was saved.")
    if isinstance(error, DataError) and g.get("commit_state") != "done":
        # A safety net: a value the schemas let through but the database refuses. Nothing saved.
        current_app.logger.error("data error answered 422", exc_info=error)
        return error_response(422, "invalid", "A value is outside what can be stored; nothing was saved.")
    current_app.logger.exception("unhandled error")
    return error_response(500, "internal_error", failure_message())


def _audit_denied(message):
    from fieldapp.audit import services as audit

    try:
        audit.record("authz.denied", outcome="denied",
                     details={"path": request.path, "method": request.method, "message": message})
        db.session.commit()
    except Exception:  # noqa: BLE001 - never let auditing a denial turn it into a 500
        db.session.rollback()


def register_errorhandlers(app):
    app.register_error_handler(ServiceError, _handle_service_error)
    app.register_error_handler(ValidationError, _handle_validation_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
