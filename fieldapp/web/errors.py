"""How every failure is answered: one handler per kind, for pages and API alike (the shape is
``fieldapp.errors``). A refused authorization (403) is audited as ``authz.denied`` here, and only
here: pages that show a refusal on their form (``fieldapp.web.forms.submit``) come through ``refused``.
"""

from flask import current_app, g, has_request_context, make_response, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import event
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from fieldapp.audit import services as audit
from fieldapp.errors import HTTP_CODES, ServiceError, error_response, flatten_fields
from fieldapp.extensions import db, login_manager


def _handle_service_error(error: ServiceError):
    _rollback()
    if error.status == 403:
        _audit_denied(error.message)
    response = make_response(error_response(error.status, error.code, error.message, error.fields))
    response.headers.extend(getattr(error, "headers", None) or {})  # e.g. a 429's Retry-After
    return response


def _handle_validation_error(error: ValidationError):
    db.session.rollback()
    return error_response(422, "invalid", _("Some fields are not valid."), flatten_fields(error.messages))


def _handle_http_exception(error: HTTPException):
    _rollback()
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = {}
    message = error.description
    if "messages" in data or "errors" in data:
        fields = flatten_fields(data.get("errors") or data.get("messages"))
        if status == 400 and "_schema" not in fields:
            status = 422
        message = data.get("message") or (_("Some fields are not valid.") if status == 422 else
                                          _("The request body is not valid JSON."))
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
        return _("Something went wrong on our side. Please try again.")
    if g.get("commit_state"):
        return _("Something went wrong on our side after your change reached the database. "
                 "It may have been saved: check before you try again.")
    return _("Something went wrong on our side; nothing was saved. Please try again.")


# The database cannot be reached (refused, dropped, the pool exhausted): 503 with Retry-After,
# never a 500. Its page does not extend base.html, which would ask the database who is signed in.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 10


def _database_unavailable(error: Exception):
    current_app.logger.error("database unavailable: %s", error.__class__.__name__, exc_info=error)
    message = (_("The database cannot be reached right now. ") + (
        _("Your change may have reached it before the connection broke: check before you try again.")
        if g.get("commit_state") else _("Nothing was saved; please try again in a few seconds.")))
    # Flask-Login's template context asks who is signed in, which needs the database: nobody, here.
    login_manager._update_request_context_with_user()
    response = make_response(error_response(503, "database_unavailable", message, template="errors/unavailable.html"))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _rollback() -> None:
    try:
        db.session.rollback()
    except UNREACHABLE:  # the connection is gone: nothing to roll back
        db.session.close()


def _handle_unexpected(error: Exception):
    _rollback()
    if isinstance(error, UNREACHABLE):
        return _database_unavailable(error)
    if isinstance(error, IntegrityError) and g.get("commit_state") != "done":
        # A safety net: a unique key or reference the services did not check first. Nothing saved.
        current_app.logger.error("integrity error answered 409", exc_info=error)
        return error_response(409, "conflict", _("This conflicts with a record already saved; nothing was saved."))
    if isinstance(error, DataError) and g.get("commit_state") != "done":
        # A safety net: a value the schemas let through but the database refuses. Nothing saved.
        current_app.logger.error("data error answered 422", exc_info=error)
        return error_response(422, "invalid", _("A value is outside what can be stored; nothing was saved."))
    current_app.logger.exception("unhandled error")
    return error_response(500, "internal_error", failure_message())


def _audit_denied(message):
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
