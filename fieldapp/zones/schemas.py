from marshmallow import fields

from fieldapp.i18n.messages import N_
from fieldapp.schemas import BaseSchema, Id, Int, Many

MAX_TARGET_MINUTES = 24 * 60  # said in TargetSchema's message


class TargetSchema(BaseSchema):
    zone_id = Id("zone", required=True)
    priority = Int(1, 4, message=N_("Choose a priority from 1 (emergency) to 4 (routine)."), required=True)
    minutes = Int(1, MAX_TARGET_MINUTES, message=N_("A target is from 1 to 1440 minutes."),
                  allow_none=True, required=True, metadata={
                      "description": "Received -> first unit on scene, in minutes; null removes the target."})


class TargetsSchema(BaseSchema):
    targets = Many(fields.Nested(TargetSchema), 800, required=True)


class TargetOutSchema(BaseSchema):
    zone_id = fields.Integer(dump_only=True)
    zone = fields.Function(lambda t: t.zone.name, dump_only=True)
    priority = fields.Integer(dump_only=True)
    minutes = fields.Integer(dump_only=True)


class TargetsOutSchema(BaseSchema):
    default_minutes = fields.Integer(dump_only=True, metadata={
        "description": "The target of calls outside every zone, or without a target for their priority "
                       "(the RESPONSE_TARGET_MINUTES setting)."})
    targets = fields.List(fields.Nested(TargetOutSchema), dump_only=True)


class UploadOutSchema(BaseSchema):
    added = fields.List(fields.String(), dump_only=True)
    kept = fields.List(fields.String(), dump_only=True)
    removed = fields.List(fields.String(), dump_only=True)
