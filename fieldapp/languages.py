"""A person's preferred language: a BCP 47 tag (RFC 5646), checked and named from CLDR (Babel).

Calls and people carry ``preferred_language`` (a tag such as ``en``, ``es``, ``es-MX``, ``zh-Hant``) and
``interpreter_needed``. Forms offer a short list first (English, Spanish), then any language CLDR names.
A tag is accepted when its form is BCP 47's (language, optional script, region and variants) and CLDR
knows its language subtag; it is stored in its canonical case (``es-MX``, ``zh-Hant-TW``).

Person records made before issue 23 may hold free text ("Spanish"): ``label`` shows such a value as it
is, so nothing recorded is hidden.
"""

import re
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from marshmallow import ValidationError

from fieldapp.i18n.messages import N_
from fieldapp.schemas import SafeString

SHORT_LIST = ("en", "es")  # offered first on every form; any other language follows
MESSAGE = N_("Give the language as a BCP 47 code, such as en, es or es-MX.")
# language (2-3 letters; 4-8 are reserved or registered: CLDR does not name them), script, region, variants
_TAG = re.compile(r"^(?P<language>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}|\d{3}))?"
                  r"(?P<variants>(?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*)$")


# ISO 639-2/3 three-letter codes -> the BCP 47 tag (BCP 47 uses the shortest ISO 639 code: spa -> es)
ALIASES = {alias: tag for alias, tag in get_global("language_aliases").items() if len(alias) == 3 and "_" not in tag}


@cache
def _names(locale: str = "en") -> Locale:
    return Locale.parse(locale)


def canonical(value: str) -> str:
    """The tag in BCP 47's canonical case, or ValueError when it is not a tag of a language CLDR knows."""
    match = _TAG.match(value.strip()) if isinstance(value, str) and len(value) <= 35 else None
    if match is None or match["language"].lower() not in _names().languages or match["language"].lower() == "und":
        raise ValueError(MESSAGE)
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    parts += [variant.lower() for variant in match["variants"].split("-") if variant]
    return "-".join(parts)


def by_name(name: str) -> str | None:
    """The tag of a language named in English ("Spanish", "spanish"), else None."""
    wanted = name.strip().lower()
    return next((code for code, known in _names().languages.items()
                 if known.lower() == wanted and re.fullmatch(r"[a-z]{2,3}", code)), None)


def is_tag(value: str | None) -> bool:
    try:
        canonical(value or "")
    except ValueError:
        return False
    return True


def primary(tag: str | None) -> str | None:
    """The language subtag (``es`` of ``es-MX``) of a valid tag, else None: what metrics count by."""
    return canonical(tag).split("-")[0] if is_tag(tag) else None


def spoken_of(offered: tuple[str, ...], *tags: str | None) -> str:
    """The first of ``offered`` (e.g. ("en", "es")) that one of the person's tags speaks, in their order;
    else the first offered: the language a text the person hears or keeps comes in."""
    return next((primary(tag) for tag in tags if primary(tag) in offered), offered[0])


def label(tag: str | None, locale: str = "en") -> str:
    """The language's name in ``locale``, with its own name where it differs ("Spanish · español")."""
    if not tag:
        return ""
    if not is_tag(tag):
        return tag  # free text from before issue 23, shown as recorded
    parts = canonical(tag).split("-")
    names = _names(locale)
    name = names.languages.get(parts[0], parts[0])
    details = [names.scripts.get(part, part) if len(part) == 4 and part[0].isupper() else
               names.territories.get(part, part) for part in parts[1:]
               if len(part) == 2 or (len(part) == 3 and part.isdigit()) or (len(part) == 4 and part[0].isupper())]
    if details:
        name = f"{name} ({', '.join(details)})"
    try:
        own = _names(parts[0]).languages.get(parts[0])
    except (UnknownLocaleError, ValueError):  # a language CLDR names but has no locale of its own
        own = None
    return f"{name} · {own}" if own and own.lower() != name.split(" (")[0].lower() else name


def choices(locale: str = "en") -> list[tuple[str, str]]:
    """(tag, name) for a form's list: the short list first, then every other language CLDR names."""
    names = _names(locale).languages
    rest = sorted(((code, name) for code, name in names.items()
                   if code not in SHORT_LIST and re.fullmatch(r"[a-z]{2,3}", code) and code != "und"),
                  key=lambda item: item[1].lower())
    return [(code, names[code]) for code in SHORT_LIST] + rest


class Language(SafeString):
    """A BCP 47 language tag, stored in canonical case; anything else is refused naming the field."""

    def __init__(self, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("description", "The person's preferred language, a BCP 47 tag (RFC 5646): "
                                           "en, es, es-MX, zh-Hant, ...")
        metadata.setdefault("example", "es")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return canonical(text)
        except ValueError:
            raise ValidationError(MESSAGE) from None


def form_payload(form) -> dict:
    """A page form's language fields (``templates/_language.html``) as the API takes them: only those given."""
    payload = {}
    if form.get("preferred_language", "").strip():
        payload["preferred_language"] = form.get("preferred_language").strip()
    if form.get("interpreter_needed") in ("yes", "no"):
        payload["interpreter_needed"] = form.get("interpreter_needed") == "yes"
    return payload
