from marshmallow import fields

from fieldapp.followup_contacts import constants as c
from fieldapp.i18n.messages import N_
from fieldapp.schemas import BaseSchema, Choice, Moment


class FollowUpContactCreateSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "Made by the device when the user pressed Save."})
    encounter_id = fields.UUID(allow_none=True, metadata={
        "description": "The encounter followed up (its person is taken from it). Give this or person_id."})
    person_id = fields.UUID(allow_none=True, metadata={
        "description": "The person followed up, when there is no encounter. Give this or encounter_id."})
    contacted_at = Moment(required=True, metadata={"description": "When the contact (or the attempt) was made."})
    mode = Choice(c.MODES, N_("Choose how the contact was made."), required=True,
                  metadata={"description": "How: " + ", ".join(c.MODES) + "."})
    reached = fields.Boolean(truthy={True}, falsy={False}, required=True, metadata={
        "description": "Whether the person was reached (an attempt that reached no one counts too)."})
    result = Choice(c.RESULTS, N_("Choose what came of the contact."), required=True,
                    metadata={"description": "What came of it: " + ", ".join(c.RESULTS) + "."})


class FollowUpContactSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    encounter_id = fields.UUID(dump_only=True, allow_none=True)
    person_id = fields.UUID(dump_only=True, allow_none=True)
    contacted_at = fields.AwareDateTime(dump_only=True)
    mode = fields.String(dump_only=True)
    reached = fields.Boolean(dump_only=True)
    result = fields.String(dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    created_by = fields.Function(lambda f: f.created_by.username if f.created_by else None, dump_only=True,
                                 allow_none=True)
