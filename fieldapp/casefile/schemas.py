"""The encounter as it is logged: its own fields and the referral made with it, saved together."""

from marshmallow import fields

from fieldapp.encounters.schemas import EncounterFieldsSchema
from fieldapp.referrals.schemas import ReferralCreateSchema


class EncounterCreateSchema(EncounterFieldsSchema):
    referral = fields.Nested(ReferralCreateSchema, metadata={
        "description": "The referral made with this encounter, saved with it (both or neither). The outcome "
                       "'referred' needs this or no_referral_reason."})
