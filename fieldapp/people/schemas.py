from marshmallow import ValidationError, fields, validates_schema

from fieldapp.i18n.messages import N_
from fieldapp.languages import Language
from fieldapp.people.constants import GENDERS, RACE_ETHNICITY
from fieldapp.schemas import BaseSchema, BirthDate, Choice, Int, Many, Text


class PersonSchema(BaseSchema):
    id = fields.UUID(metadata={"description": "Optional: made by the device for a new person."})
    display_name = fields.String(dump_only=True)
    unidentified = fields.Boolean(load_default=False)
    given_name = Text(80, allow_none=True)
    family_name = Text(80, allow_none=True)
    dob = BirthDate(allow_none=True)
    approx_age = Int(0, 120, message=N_("Enter an age from 0 to 120."), allow_none=True)
    gender = Choice(GENDERS, N_("Choose a gender from the list."), load_default="not_recorded")
    race_ethnicity = Many(Choice(RACE_ETHNICITY, N_("Choose race and ethnicity from the list.")), len(RACE_ETHNICITY))
    preferred_language = Language(allow_none=True)
    interpreter_needed = fields.Boolean(allow_none=True, truthy={True}, falsy={False}, metadata={
        "description": "Whether the person needs an interpreter; null: not known."})
    created_at = fields.AwareDateTime(dump_only=True)

    @validates_schema
    def _named_or_unidentified(self, data, **kwargs):
        named = data.get("given_name") or data.get("family_name")
        if not named and not data.get("unidentified"):
            raise ValidationError(N_("Give a name, or record the person as unidentified."), "unidentified")
        if named and data.get("unidentified"):
            raise ValidationError(N_("An unidentified person has no name."), "unidentified")


class PersonQuerySchema(BaseSchema):
    q = Text(100, required=True, min_length=2)


class PersonBriefSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    display_name = fields.String(dump_only=True)
    unidentified = fields.Boolean(dump_only=True)
