"""HTML forms are validated by the same marshmallow schemas as the API."""

from flask import flash
from flask_babel import gettext as _
from marshmallow import ValidationError

from fieldapp.errors import ServiceError
from fieldapp.extensions import db
from fieldapp.i18n.messages import translate, translate_fields


def as_number(value):
    """Form fields arrive as text; turn numbers into numbers and leave the rest for the schema."""
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return text
    return value


def load(schema, payload: dict):
    """Returns (data, errors); errors maps field names to messages, "" to a form-wide message."""
    try:
        return schema.load(payload), {}
    except ValidationError as error:
        return None, flat_errors(translate_fields(error.messages))


def refused(error: ServiceError) -> ServiceError:
    """The one path for a service's refusal on a page; every form page calls it (or the two helpers
    below) in its ``except ServiceError``. The unit of work is rolled back. A 403, or a 404 that names
    no field (the record itself is not there for this user), is raised again: the error handler
    (``fieldapp.web.errors``) answers it exactly as it answers the API, and audits a 403 as
    ``authz.denied``. Anything else is the page's to show beside its form."""
    db.session.rollback()
    if error.status == 403 or (error.status == 404 and not error.fields):
        raise error
    return error


def form_errors(error: ServiceError) -> tuple[dict, int]:
    """What a form page shows for a service's refusal: (field -> message with "" the form-wide one, status)."""
    refused(error)
    errors = {key: " ".join(value) if isinstance(value, list) else str(value)
              for key, value in translate_fields(error.fields).items()}
    errors[""] = translate(error.message)
    return errors, error.status


def flash_refusal(error: ServiceError) -> None:
    """A refusal on a page that answers with a redirect: its message and its fields' messages, flashed."""
    refused(error)
    flash(" ".join([translate(error.message), *[" ".join(v) if isinstance(v, list) else str(v)
                                                for v in translate_fields(error.fields).values()]]), "error")


def flat_errors(messages, prefix=""):
    flat = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flat_errors(value, f"{name}."))
        else:
            flat[name] = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if flat and "" not in flat:
        flat[""] = _("Please correct the fields marked below.")
    return flat
