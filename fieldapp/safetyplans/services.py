"""Safety plans: made on an encounter by a clinician, signed as a note of the same id (which opens
the follow-up), read by clinicians (admins for audit), every read audited."""

import uuid

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.audit import services as audit
from fieldapp.directory import services as directory
from fieldapp.errors import Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.notes import services as notes
from fieldapp.roles import ADMIN, CLINICIAN
from fieldapp.safetyplans.constants import CRISIS_LINE, STEPS
from fieldapp.safetyplans.models import SafetyPlan


def _services(ids) -> list[dict]:
    """The directory services chosen, as printed: name and phone, kept as they were that day."""
    chosen = []
    for service_id in ids:
        try:
            service = directory.get_service(service_id)
        except NotFound:
            raise Invalid(_("A chosen service is not in the directory."),
                          fields={"services": [_("No such service in the directory.")]}) from None
        chosen.append({"id": str(service.id), "name": service.name, "phone": service.phone or ""})
    return chosen


def as_text(steps: dict) -> str:
    """The plan as the signed note's words: each step's heading and lines, 988 always last of step 5."""
    lines = ["Safety plan (Stanley-Brown) made with the person."]
    for number, (key, (heading, _help)) in enumerate(STEPS.items(), start=1):
        items = list(steps.get(key) or [])
        if key == "professionals":
            items += [f"{s['name']} {s['phone']}".strip() for s in steps.get("services", [])]
            items.append(f"{CRISIS_LINE[0]}: {CRISIS_LINE[1]}")
        label = heading if key == "reasons_for_living" else f"{number}. {heading}"
        lines.append(f"{label}: " + ("; ".join(items) if items else "-"))
    return "\n".join(lines)


def make_plan(encounter_id, data: dict, *, by) -> tuple[SafetyPlan, bool]:
    """Sign the plan (a note of the same id, with the follow-up it opens). The same id and contents
    again is a replay (the plan as saved); the same id with other contents is refused (409)."""
    steps = {key: [line for line in data.get(key, []) if line.strip()] for key in STEPS}
    steps["services"] = _services(data.get("services", []))
    fields = {"id": data["id"], "body": as_text(steps), "recorded_at": data.get("recorded_at"),
              "follow_up_due": data.get("follow_up_due"), "plan": steps}

    def attach(note):
        db.session.add(SafetyPlan(id=note.id, note_id=note.id, encounter_id=note.encounter_id,
                                  person_id=note.person_id, author_id=by.id, steps=steps,
                                  recorded_at=note.recorded_at))
        audit.record("safety_plan.create", object_type="safety_plans", object_id=note.id, user=by,
                     details={"encounter_id": str(note.encounter_id)})

    note, created = notes.add_note(data=fields, by=by, encounter_id=encounter_id, attach=attach)
    return db.session.get(SafetyPlan, note.id), created


def get_plan(user, plan_id) -> SafetyPlan:
    plan = db.session.get(SafetyPlan, plan_id) if isinstance(plan_id, uuid.UUID) else None
    if plan is None:
        raise NotFound(_("No such safety plan."))
    notes.get_note(user, plan.note_id, audit_read=False)  # clinicians (admins for audit) only
    audit.record("safety_plan.view", obj=plan, user=user)
    db.session.commit()
    return plan


def plans_on(user, encounter_id) -> list[SafetyPlan]:
    """The encounter's plans, newest first, for clinicians (and admins); none for any other role."""
    if user.role not in (CLINICIAN, ADMIN):
        return []
    return list(db.session.scalars(select(SafetyPlan).where(SafetyPlan.encounter_id == encounter_id)
                                   .order_by(SafetyPlan.signed_at.desc())))
