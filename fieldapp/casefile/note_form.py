"""The note form (a note, an addendum, the follow-up it may open) as the API's fields: for the pages
and for the outbox's batch (``fieldapp.sync.forms``)."""

from flask_babel import gettext as _

from fieldapp import clock
from fieldapp.web import forms


def load_note(form, schema):
    payload = {"id": form.get("id", ""), "body": form.get("body", "").strip(),
               "recorded_at": form.get("recorded_at") or None}
    payload = {key: value for key, value in payload.items() if value not in (None, "")}
    due = form.get("follow_up_due", "").strip() if form.get("follow_up") else None
    if due:
        payload["follow_up_due"] = clock.from_input(due)
    data, errors = forms.load(schema(), payload)
    if due == "":  # the box is ticked but no time given: say so rather than sign without a task
        errors = {"": _("Please correct the fields marked below."), **errors,
                  "follow_up_due": _("Choose when the follow-up is due.")}
    return data, errors


def signed_words(form) -> str:
    """What a signed note's page (its flash) and the outbox (its answer) say: one wording for both."""
    due = " " + _("A follow-up task is open for you.") if form.get("follow_up") else ""
    return _("Note signed.%(due)s", due=due)
