from marshmallow import fields

from fieldapp.schemas import BaseSchema


class EidoCallSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    external_id = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    call_type = fields.String(dump_only=True)
    priority = fields.Integer(dump_only=True)


class EidoResultSchema(BaseSchema):
    result = fields.String(dump_only=True, metadata={
        "description": "created | updated | unchanged | replayed | cancelled"})
    changed = fields.List(fields.String(), dump_only=True)
    call = fields.Nested(EidoCallSchema, dump_only=True)
    task = fields.Dict(dump_only=True, allow_none=True, metadata={
        "description": "988 crisis lines only: the hand-off's FHIR R4 Task (docs/fhir.md)."})
