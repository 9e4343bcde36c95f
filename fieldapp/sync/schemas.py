from marshmallow import fields, validate

from fieldapp.schemas import BaseSchema, Text

MAX_RECORDS = 100  # per request at most; the SYNC_BATCH setting may lower it, GET /session/csrf reports it
MAX_FIELDS = 300  # form fields per record


class SyncRecordSchema(BaseSchema):
    ref = Text(64, required=True, metadata={"description": "The device's key for the record; echoed in its result."})
    path = Text(300, required=True, metadata={"description": "The field form's address, e.g. /calls/12/status."})
    fields = fields.List(fields.List(Text(20000), validate=validate.Length(equal=2)),
                         required=True, validate=validate.Length(max=MAX_FIELDS),
                         metadata={"description": "The form's fields as [name, value] pairs, in order."})


class SyncRequestSchema(BaseSchema):
    records = fields.List(fields.Nested(SyncRecordSchema), required=True,
                          validate=validate.Length(min=1, max=MAX_RECORDS))


class SyncErrorSchema(BaseSchema):
    code = fields.String()
    message = fields.String()
    fields = fields.Dict(keys=fields.String(), values=fields.Raw())


class SyncResultSchema(BaseSchema):
    ref = fields.String()
    result = fields.String(metadata={"enum": ["stored", "replayed", "refused", "failed"]})
    status = fields.Integer(metadata={"description": "The status the record alone would have had."})
    location = fields.String(allow_none=True, metadata={"description": "The page of the saved record."})
    error = fields.Nested(SyncErrorSchema, allow_none=True)
    warnings = fields.List(fields.String())
    message = fields.String(allow_none=True, metadata={
        "description": "What was saved, in the page's words (\"Encounter saved, call cleared: ...\"), for "
                       "the page the device opens next; null when refused or failed."})


class SyncResponseSchema(BaseSchema):
    results = fields.List(fields.Nested(SyncResultSchema))
