"""The user's language (issue 23): Flask-Babel's locale and time-zone selectors.

Which language a page speaks, in this order: the user's own choice (``users.locale``, set on the
account page), else the browser's ``Accept-Language`` among the locales fieldapp has a catalogue for,
else the agency's ``DEFAULT_LOCALE`` (default "en"). Times are shown in the agency's zone
(``FIELDAPP_TIMEZONE``, fieldapp.clock). The catalogues live in ``fieldapp/translations`` (``make
translations`` extracts and updates them; ``make install`` compiles them); docs/i18n.md has the
glossary.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from babel import Locale
from flask import current_app, g, has_request_context, request
from flask_babel import force_locale, get_locale
from flask_babel.speaklater import LazyString

from fieldapp import clock
from fieldapp.extensions import babel
from fieldapp.i18n import formats

# The locales fieldapp speaks, English first; each but English has a catalogue in fieldapp/translations.
LOCALES = ("en", "es")


def supported() -> tuple[str, ...]:
    """The locales a user may choose (``LOCALES`` unless the app's config says otherwise: tests add a
    pseudo-locale)."""
    return tuple(current_app.config.get("LOCALES") or LOCALES)


def select_locale() -> str:
    """The locale of this request: the user's choice, the browser's, the agency's."""
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    locales = supported()
    # The user this request already loaded (Flask-Login keeps it in g): choosing a language never
    # queries the database itself, so the page saying the database is unreachable still renders.
    chosen = getattr(g.get("_login_user"), "locale", None)
    if chosen in locales:
        return chosen
    return request.accept_languages.best_match(locales) or current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    return clock.zone_name()


def html_lang() -> str:
    """The page's ``lang`` attribute (BCP 47: "es", "en-US")."""
    locale = get_locale()
    return str(locale).replace("_", "-") if locale else current_app.config["DEFAULT_LOCALE"]


def english(text) -> str:
    """A vocabulary label (a lazy_gettext string) as English, for what leaves the app or is stored:
    webhooks, FHIR, API labels, live events. Codes beside it are what programs should read.
    A label without variables is made English once per app (every live event carries two)."""
    if isinstance(text, LazyString) and not text._kwargs:
        known = current_app.extensions.setdefault("fieldapp_english", {})
        key = (text._func, text._args)
        if key not in known:
            known[key] = _in_english(text)
        return known[key]
    return _in_english(text)


def _in_english(text) -> str:
    with force_locale("en"):
        return str(text)


@contextmanager
def speaking(locale: str | None) -> Iterator[None]:
    """Messages written for another user (a push to a crew member) in that user's language."""
    with force_locale(locale if locale in supported() else current_app.config["DEFAULT_LOCALE"]):
        yield


def language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for each supported locale, for the account page."""
    return [(code, Locale.parse(code).get_display_name(code).capitalize()) for code in supported()]


def as_text(value):
    """A lazy_gettext label as plain text in the current locale; any other value unchanged. Jinja
    runs it on every ``{{ value }}`` (its ``finalize``, set in fieldapp.app): a LazyString says it is
    already HTML (``__html__``), so without this a translated label reached the page unescaped."""
    return str(value) if isinstance(value, LazyString) else value


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_locale=app.config["DEFAULT_LOCALE"],
                   default_timezone=app.config["FIELDAPP_TIMEZONE"])
    app.add_template_global(html_lang)
    app.add_template_global(language_choices)
    formats.register_filters(app)
