from marshmallow import fields

from fieldapp.schemas import SEARCH_TIME, BaseSchema, Moment, Text


class AuditQuerySchema(BaseSchema):
    username = Text(80)
    action = Text(60)
    object_type = Text(40)
    object_id = Text(64)
    since = Moment(SEARCH_TIME)
    until = Moment(SEARCH_TIME)


class AuditEventSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    at = fields.AwareDateTime(dump_only=True)
    user_id = fields.Integer(dump_only=True, allow_none=True)
    username = fields.String(dump_only=True, allow_none=True)
    action = fields.String(dump_only=True)
    object_type = fields.String(dump_only=True, allow_none=True)
    object_id = fields.String(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True)
    ip = fields.String(dump_only=True, allow_none=True)
    user_agent = fields.String(dump_only=True, allow_none=True)
    details = fields.Dict(dump_only=True)
