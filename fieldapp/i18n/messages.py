"""Messages written by others (marshmallow's own, webargs') in the user's language.

marshmallow formats its messages in English before fieldapp sees them ("Longer than maximum length
80."). ``translate`` finds the catalogue's message for such a text: the same text, or one of the
templates below with its values put back ("Como máximo 80 caracteres."). The JSON error shape and the
form pages pass every message through it (fieldapp.errors, fieldapp.web.forms)."""

import re
from functools import cache

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

# marshmallow 3/4's default messages (fields and validators), as it writes them.
TEMPLATES = (
    _l("Missing data for required field."), _l("Field may not be null."), _l("Invalid value."),
    _l("Not a valid string."), _l("Not a valid integer."), _l("Not a valid number."),
    _l("Not a valid boolean."), _l("Not a valid datetime."), _l("Not a valid date."), _l("Not a valid time."),
    _l("Not a valid UUID."), _l("Not a valid email address."), _l("Not a valid URL."), _l("Unknown field."),
    _l("Invalid input type."), _l("Not a valid list."), _l("Not a valid tuple."), _l("Not a valid mapping type."),
    _l("Invalid input."), _l("Not a valid period of time."), _l("Invalid data."),
    _l("Shorter than minimum length {min}."), _l("Longer than maximum length {max}."),
    _l("Length must be between {min} and {max}."), _l("Length must be {equal}."),
    _l("Must be greater than or equal to {min}."), _l("Must be less than or equal to {max}."),
    _l("Must be greater than or equal to {min} and less than or equal to {max}."),
    _l("Must be greater than {min}."), _l("Must be less than {max}."),
    _l("Must be one of: {choices}."), _l("String does not match expected pattern."),
    _l("Number too large."), _l("Special numeric values (nan or infinity) are not permitted."),
    _l("The request body is not valid JSON."), _l("Some fields are not valid."),
    # fieldapp's own, written with their values (fieldapp.schemas, accounts.passwords, outbound)
    _l("Use {min} to {max} characters."), _l("Use at most {max} characters."), _l("Use at least {min} characters."),
    _l("At most {max} items."), _l("At most {max} characters."), _l("{what} must use https."),
    _l("{what} must be on a public address, not {refusal}."), _l("Give a host name, without user or password."),
    _l("Not a valid port."), _l("{what} must be on a public address, not a loopback address."),
    _l("a loopback address"), _l("a private or reserved address"),  # outbound.address_refusal's words
)


@cache
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    patterns = []
    for template in TEMPLATES:
        english = template._args[0]  # the msgid (flask_babel's LazyString keeps it)
        if "{" in english:
            regex = re.escape(english)
            regex = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>.+?)", regex)
            patterns.append((re.compile("^" + regex + "$"), english))
    return tuple(patterns)


def translate(message):
    """A message in the user's language, when the catalogue has it (as it is, or as a template)."""
    if not isinstance(message, str) or not message:
        return message
    translated = gettext(message)
    if translated != message:
        return translated
    for pattern, english in _patterns():
        found = pattern.match(message)
        if found:
            # a value may be words of the catalogue itself ("Webhook URLs", "a loopback address")
            return gettext(english).format(**{key: translate(value) for key, value in found.groupdict().items()})
    return message


def translate_fields(fields):
    """Each message of a field -> messages mapping (nested for nested fields), translated."""
    if isinstance(fields, dict):
        return {key: translate_fields(value) for key, value in fields.items()}
    if isinstance(fields, list | tuple):
        return [translate_fields(value) for value in fields]
    return translate(fields)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    """Marks a message for the catalogue and leaves it as it is: schemas' messages are fixed at import
    time, so ``translate`` finds their translation when they are answered."""
    return message
