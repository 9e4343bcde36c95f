"""Schema building blocks shared by every domain's schemas.

Every input field is built from these, so the rules hold everywhere (OWASP ASVS V5: input
validation at a trusted boundary):

- ``Text(max)``: refuses NUL bytes, other control characters and lone surrogates.
- ``Moment(window)``: an ISO 8601 time with its offset, inside a window around the server's time,
  that can be converted to UTC (``9999-12-31T23:59:59-14:00`` cannot).
- ``Day(earliest, latest)``, ``BirthDate()``: dates inside a sane range.
- ``Int(min, max)``, ``Id(what)``: whole numbers within the database's 32-bit signed range.
- ``Choice(values, message)``: one of a set, refused with a message written for a person.
- ``Many(field, max)``: a list with a maximum length.
- ``UpdateSchema``: a change (PATCH) that must name at least one field.

Messages are written for the person filling in the form, never the validator's own wording.
"""

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from fieldapp.clock import utcnow
from fieldapp.i18n.messages import N_

INT32_MAX = 2**31 - 1  # PostgreSQL integer / serial columns

# Characters no text field holds: NUL and the other C0 controls except tab, line feed and carriage
# return, DEL and the C1 controls (invisible, never typed), and UTF-16 surrogates (a lone one cannot
# be stored or encoded as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

CONTROL_MESSAGE = N_("Remove the invisible control character (such as NUL) from this text.")
SURROGATE_MESSAGE = N_("This text holds a broken character; type it again.")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None. Used by ``Text`` and the request guard."""
    if _CONTROL.search(value):
        return CONTROL_MESSAGE
    if _SURROGATE.search(value):
        return SURROGATE_MESSAGE
    return None


# marshmallow's own wording -> words for the person filling in the form. A field's own message wins.
PLAIN_WORDS = {
    "Missing data for required field.": N_("This field is required."),
    "Field may not be null.": N_("This field cannot be empty."),
    "Not a valid UUID.": N_("This is not a valid id."),
    "Not a valid boolean.": N_("Answer yes or no."),
    "Not a valid string.": N_("Enter text here."),
    "Not a valid integer.": N_("Enter a whole number."),
    "Not a valid list.": N_("Give a list here."),
    "Invalid input type.": N_("Give a group of fields here."),
    "Not a valid date.": N_("Enter a date like 2026-11-24."),
}


def _plain_words(field) -> None:
    field.error_messages = {key: PLAIN_WORDS.get(text, text) if isinstance(text, str) else text
                            for key, text in field.error_messages.items()}
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if inner is not None:
            _plain_words(inner)


class BaseSchema(Schema):
    """Unknown fields are refused (marshmallow's default), so a typo is a 422 naming the field.
    Every refusal is worded for a person (``PLAIN_WORDS``), never marshmallow's own wording."""

    error_messages = {"unknown": N_("This field is not accepted here.")}

    def on_bind_field(self, field_name, field_obj):
        _plain_words(field_obj)


@cache
def shared(schema_class: type[Schema]) -> Schema:
    """One instance of ``schema_class`` for every load (a schema keeps no state between loads, and
    making one copies its fields): for paths that load a record many times, such as batch sync."""
    return schema_class()


class UpdateSchema(BaseSchema):
    """A change (PATCH): every field optional, but at least one must be sent.

    Subclass it together with the create schema: ``class ThingUpdateSchema(UpdateSchema, ThingSchema)``.
    The OpenAPI document says ``minProperties: 1`` (see ``fieldapp.apidoc``).
    """

    min_properties = 1

    def __init__(self, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(**kwargs)

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError(N_("Send at least one field to change."), "_schema")


class SafeString(fields.String):
    """A string without control characters or lone surrogates."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem:
            raise ValidationError(problem)
        return text


def Text(max_length, *, required=False, min_length=None, **kwargs):  # noqa: N802 - reads like a field
    minimum = min_length if min_length is not None else (1 if required else 0)
    kwargs.setdefault("error_messages", {}).setdefault("required", "This field is required.")
    return SafeString(required=required, validate=validate.Length(
        min=minimum, max=max_length,
        error=f"Use {minimum} to {max_length} characters." if minimum else f"Use at most {max_length} characters."),
        **kwargs)


def Choice(values, message=N_("Choose one of the listed options."), **kwargs):  # noqa: N802
    """One of ``values`` (a sequence, or a dict whose keys are the values). The OpenAPI document
    lists them as an ``enum``; a refusal says ``message``, not the validator's list."""
    messages = kwargs.setdefault("error_messages", {})
    messages.setdefault("required", message)
    messages.setdefault("null", message)
    return SafeString(validate=validate.OneOf(list(values), error=message), **kwargs)


def Int(minimum=0, maximum=INT32_MAX, *, message=None, strict=True, **kwargs):  # noqa: N802
    """A whole number in [minimum, maximum]; ``strict`` (JSON bodies) refuses "5" and 5.0.
    Query strings arrive as text: give ``strict=False`` there."""
    if not INT32_MAX >= maximum >= minimum >= -INT32_MAX - 1:
        raise ValueError("Int bounds must lie within the 32-bit signed range")
    message = message or f"Enter a whole number from {minimum} to {maximum}."
    kwargs.setdefault("error_messages", {}).setdefault("invalid", message)
    return fields.Integer(strict=strict, validate=validate.Range(minimum, maximum, error=message), **kwargs)


def Id(what="record", **kwargs):  # noqa: N802
    """The id of a row (a positive 32-bit integer): anything else names no record."""
    return Int(1, INT32_MAX, message=f"No such {what}.", **kwargs)


def Many(field, max_length, **kwargs):  # noqa: N802
    """A list of at most ``max_length`` items."""
    return fields.List(field, validate=validate.Length(max=max_length, error=f"At most {max_length} items."),
                       **kwargs)


# --- times and dates -----------------------------------------------------------------------

class Window:
    """How far before and after the server's time a time may lie, with a sentence saying so."""

    def __init__(self, before: timedelta, after: timedelta, words: str):
        self.before, self.after, self.words = before, after, words

    def contains(self, moment: datetime) -> bool:
        try:
            moment = moment.astimezone(UTC)
        except (OverflowError, ValueError):
            return False
        now = utcnow()
        return now - self.before <= moment <= now + self.after


DAY, YEAR = timedelta(days=1), timedelta(days=366)
# A device's own time of an action: offline phones send late, but not a year late; a clock may run
# a little ahead (calls.status refuses a status change more than an hour ahead).
DEVICE_TIME = Window(YEAR, DAY, "within the last year, and at most a day ahead of the server's clock")
# When something should be done: soon after it was recorded, never decades away.
DUE_TIME = Window(YEAR, 2 * YEAR, "within a year before and two years after today")
# A search bound: any time the records could carry, and open-ended searches ("until 2099").
SEARCH_TIME = Window(100 * YEAR, 100 * YEAR, "within 100 years of today")


class BoundedMoment(fields.AwareDateTime):
    """An ISO 8601 time with its UTC offset, within ``window`` of the server's time; returned in UTC."""

    def __init__(self, window: Window = DEVICE_TIME, **kwargs):
        self.window = window
        message = f"Enter a time {window.words}, like 2026-11-24T14:03:00-05:00."
        kwargs.setdefault("error_messages", {}).update(
            {"invalid": message, "invalid_awareness": "Give the time with its UTC offset, like -05:00 or Z."})
        self.out_of_range = f"The time must be {window.words}."
        metadata = kwargs.setdefault("metadata", {})
        metadata["description"] = (metadata.get("description", "") + f" ISO 8601 with offset, {window.words}.").strip()
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not self.window.contains(moment):
            raise ValidationError(self.out_of_range)
        return moment.astimezone(UTC)


def Moment(window: Window = DEVICE_TIME, **kwargs):  # noqa: N802
    """A time with its offset inside ``window`` (default: a device's time of an action).
    Naive times are refused, not guessed at."""
    return BoundedMoment(window, **kwargs)


def _latest_date_on_earth() -> date:
    return (utcnow() + timedelta(hours=14)).date()  # UTC+14 is the first zone into a new day


class BoundedDate(fields.Date):
    """A YYYY-MM-DD date from ``earliest`` to ``latest`` (a date, or a function of today)."""

    def __init__(self, earliest, latest, message, **kwargs):
        self.earliest, self.latest, self.message = earliest, latest, message
        kwargs.setdefault("error_messages", {}).setdefault("invalid", "Enter a date like 2026-11-24.")
        super().__init__(**kwargs)

    def _bound(self, bound):
        return bound() if callable(bound) else bound

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not self._bound(self.earliest) <= day <= self._bound(self.latest):
            raise ValidationError(self.message)
        return day


def Day(earliest=date(2000, 1, 1), latest=lambda: _latest_date_on_earth() + 5 * YEAR,  # noqa: N802
        message=N_("Enter a date from 2000-01-01 to five years from today."), **kwargs):
    return BoundedDate(earliest, latest, message, **kwargs)


def BirthDate(**kwargs):  # noqa: N802
    """A date of birth: not in the future, not before 1900."""
    metadata = kwargs.setdefault("metadata", {})
    metadata.setdefault("description", "Date of birth, YYYY-MM-DD: from 1900-01-01 to today.")
    return BoundedDate(date(1900, 1, 1), _latest_date_on_earth,
                       "A date of birth is between 1900-01-01 and today.", **kwargs)


def PastDay(**kwargs):  # noqa: N802
    """A day something was done (a signature): within the last year and not in the future."""
    return BoundedDate(lambda: _latest_date_on_earth() - YEAR, _latest_date_on_earth,
                       "Enter a date within the last year, not in the future.", **kwargs)


class UserBriefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    full_name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
