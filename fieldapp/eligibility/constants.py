"""Why an eligible call was not sent to the team (the GPL toolkit's "eligible but not served")."""

from flask_babel import lazy_gettext as _l

NOT_SENT_REASONS = {
    "no_unit_available": _l("No unit available"),
    "outside_hours": _l("Outside the team's hours"),
    "dispatcher_decision": _l("Sent to police or EMS instead"),
    "caller_declined": _l("Caller declined the team"),
    "other": _l("Other"),
}
