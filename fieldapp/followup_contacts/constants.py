"""Vocabularies of follow-up contacts (Iowa City's quarterly report counts them; Durham HEART: within 48 h)."""

from flask_babel import lazy_gettext as _l

MODES = {"in_person": _l("In person"), "phone": _l("Phone"), "telehealth": _l("Telehealth (video)"),
         "text": _l("Text message")}
RESULTS = {
    "stable": _l("Stable, no further need"),
    "connected": _l("Connected to a service"),
    "needs_support": _l("Needs more support"),
    "declined": _l("Declined services"),
    "crisis": _l("In crisis again"),
    "not_reached": _l("Not reached"),
    "other": _l("Other"),
}
