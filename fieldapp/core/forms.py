"""HTML forms are validated by the same marshmallow schemas as the API."""

from marshmallow import ValidationError

from fieldapp.errors import ServiceError


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
        return None, _flat(error.messages)


def errors_of(error: ServiceError) -> dict:
    errors = {key: " ".join(value) if isinstance(value, list) else str(value)
              for key, value in error.fields.items()}
    errors[""] = error.message
    return errors


def _flat(messages, prefix=""):
    flat = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{name}."))
        else:
            flat[name] = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if flat and "" not in flat:
        flat[""] = "Please correct the fields marked below."
    return flat
