"""HTML forms are validated by the same marshmallow schemas as the API."""

from marshmallow import ValidationError

from fieldapp.errors import ServiceError
from fieldapp.extensions import db


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
        return None, flat_errors(error.messages)


def form_errors(error: ServiceError) -> tuple[dict, int]:
    """What a form page shows for a service's refusal: (errors, status). A 403, or a 404 that names
    no field (the record itself is not there for this user), is raised instead, so the error page
    answers and the refusal is audited."""
    db.session.rollback()
    if error.status == 403 or (error.status == 404 and not error.fields):
        raise error
    return errors_of(error), error.status


def errors_of(error: ServiceError) -> dict:
    errors = {key: " ".join(value) if isinstance(value, list) else str(value)
              for key, value in error.fields.items()}
    errors[""] = error.message
    return errors


def flat_errors(messages, prefix=""):
    flat = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flat_errors(value, f"{name}."))
        else:
            flat[name] = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if flat and "" not in flat:
        flat[""] = "Please correct the fields marked below."
    return flat
