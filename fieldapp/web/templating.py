"""Jinja filters and globals: ages, devices, labels (dates and times: fieldapp.i18n.formats). A part's own
vocabulary for templates (the call types and statuses) is added by ``fieldapp.wiring``."""

import re

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from fieldapp import clock, languages
from fieldapp.roles import LABELS as ROLE_LABELS


def register_template_helpers(app):
    def age(value):
        seconds = int((clock.utcnow() - value).total_seconds()) if value else 0
        if seconds < 60:
            return _("just now")
        minutes = seconds // 60
        if minutes < 60:
            return _("%(minutes)s min ago", minutes=minutes)
        hours, minutes = divmod(minutes, 60)
        if hours < 24:
            return _("%(hours)s h %(minutes)s min ago", hours=hours, minutes=minutes)
        return _("%(days)s d %(hours)s h ago", days=hours // 24, hours=hours % 24)

    app.add_template_filter(device)
    app.add_template_filter(age)
    app.add_template_global(generate_csrf, "csrf_token")
    app.add_template_global(tel_href)
    app.add_template_global(language_label)
    app.add_template_global(language_choices)
    app.add_template_global(languages.spoken_of, "spoken_of")
    app.jinja_env.globals.update(
        # an unknown zone fails here, at start-up
        ROLE_LABELS=ROLE_LABELS, TIMEZONE=clock.zone(clock.zone_name(app)).key,
    )


def _ui_locale() -> str:
    """The user's language (Flask-Babel's locale of the request), for naming other languages in it."""
    locale = get_locale() if has_request_context() else None
    return str(locale) if locale else "en"


def language_label(tag: str | None) -> str:
    """A person's preferred language named in the user's language, with its own name ("Spanish · español")."""
    return languages.label(tag, _ui_locale())


def language_choices() -> list[tuple[str, str]]:
    """The language list of a form: English and Spanish first, then every other, in the user's language."""
    return languages.choices(_ui_locale())


def device(user_agent: str | None) -> str:
    """'Chrome on Android' from a user-agent string: enough for a person to recognise a session."""
    agent = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
                                            ("Chrome/", "Chrome"), ("Safari/", "Safari")) if key in agent), None)
    system = next((name for key, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                                           ("Windows", "Windows"), ("Mac OS", "Mac"), ("Linux", "Linux"))
                   if key in agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or (agent[:40] if agent else _("Unknown device"))


_EXTENSION = re.compile(r"(?i)\s*(?<![a-z])(?:ext\.?|extension|x)\s*(?=\d)")
_KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")


def tel_href(phone: str) -> str:
    """``tel:`` link for a phone number as people write it: "(555) 010-1000 ext. 2" dials 5550101000,2;
    letters are keypad digits (1-800-273-TALK)."""
    number, *extension = _EXTENSION.split(phone, maxsplit=1)
    digits = re.sub(r"[^0-9+*#]", "", number.upper().translate(_KEYPAD))
    if extension and re.sub(r"[^0-9]", "", extension[0]):
        digits += "," + re.sub(r"[^0-9]", "", extension[0])
    return "tel:" + digits
