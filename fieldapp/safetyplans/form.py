"""The safety-plan form as the service's fields: for the page and for the outbox's batch
(``fieldapp.sync.forms``). Each step is a text box, a line per item."""

from flask_babel import gettext as _

from fieldapp import clock
from fieldapp.encounters.constants import FOLLOW_UP_AFTER
from fieldapp.safetyplans.constants import STEPS
from fieldapp.safetyplans.schemas import SafetyPlanCreateSchema
from fieldapp.web import forms


def load_plan(form):
    """(data, errors) from the posted form; an error about one line of a step names the step's box."""
    payload = {key: [line.strip() for line in form.get(key, "").splitlines() if line.strip()] for key in STEPS}
    payload.update({"id": form.get("id", ""), "services": form.getlist("services")})
    if form.get("recorded_at"):
        payload["recorded_at"] = form["recorded_at"]
    due = form.get("follow_up_due", "").strip() if form.get("follow_up") else None
    if due:
        payload["follow_up_due"] = clock.from_input(due)
    data, errors = forms.load(SafetyPlanCreateSchema(), payload)
    boxes = {}
    for name, message in errors.items():
        box = name.split(".")[0]
        boxes[box] = f"{boxes[box]} {message}" if box in boxes else message
    if due == "":  # the box is ticked but no time given: say so rather than sign without a task
        boxes["follow_up_due"] = _("Choose when the follow-up is due.")
    if "id" in boxes:  # made by the device when Save was pressed: only a hand-made request lacks it
        boxes[""] = _("This form was sent without its id (%(problem)s): open it again and save.",
                       problem=boxes.pop("id"))
    if boxes:
        boxes.setdefault("", _("Please correct the fields marked below."))
        return None, boxes
    return data, {}


def default_follow_up() -> str:
    """The follow-up a new plan opens, as the form's time box shows it (as for an encounter)."""
    return clock.to_input(clock.utcnow() + FOLLOW_UP_AFTER)


def signed_words(form) -> str:
    """What a signed safety plan's page (its flash) and the outbox (its answer) say: one wording for both."""
    due = " " + _("A follow-up task is open for you.") if form.get("follow_up") else ""
    return _("Safety plan signed.%(due)s Print it for the person to keep.", due=due)
