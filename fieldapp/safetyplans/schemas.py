from marshmallow import fields, validates_schema
from marshmallow.exceptions import ValidationError

from fieldapp.i18n.messages import N_
from fieldapp.safetyplans.constants import ITEM_CHARS, SERVICES_MAX, STEP_ITEMS, STEPS
from fieldapp.schemas import DUE_TIME, BaseSchema, Many, Moment, Text


def _step(key):
    heading, prompt = STEPS[key]
    return Many(Text(ITEM_CHARS), STEP_ITEMS, load_default=list,
                metadata={"description": f"{heading}: {prompt}. At most {STEP_ITEMS} lines."})


class SafetyPlanCreateSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "Made by the device when Save is pressed."})
    warning_signs = _step("warning_signs")
    coping_strategies = _step("coping_strategies")
    distractions = _step("distractions")
    people_to_ask = _step("people_to_ask")
    professionals = _step("professionals")
    safe_environment = _step("safe_environment")
    reasons_for_living = _step("reasons_for_living")
    services = Many(fields.UUID(), SERVICES_MAX, load_default=list,
                    metadata={"description": "Directory services to contact (their phone is printed)."})
    follow_up_due = Moment(DUE_TIME, allow_none=True, metadata={"description": "The follow-up the plan opens."})
    recorded_at = Moment()

    @validates_schema
    def _something_planned(self, data, **kwargs):
        if not any(data.get(key) for key in STEPS) and not data.get("services"):
            raise ValidationError(N_("Write at least one step of the plan with the person."), "warning_signs")


class SafetyPlanSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    encounter_id = fields.UUID(dump_only=True)
    person_id = fields.UUID(dump_only=True, allow_none=True)
    author = fields.Function(lambda p: p.author.username, dump_only=True)
    steps = fields.Dict(dump_only=True)
    recorded_at = fields.AwareDateTime(dump_only=True)
    signed_at = fields.AwareDateTime(dump_only=True)
