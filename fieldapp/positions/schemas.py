from marshmallow import fields, validate

from fieldapp.i18n.messages import N_
from fieldapp.positions.services import MAX_BATCH
from fieldapp.schemas import SEARCH_TIME, BaseSchema, Id, Many, Moment


def _coordinate(low, high, message):
    return fields.Float(required=True, allow_nan=False, validate=validate.Range(low, high, error=message),
                        error_messages={"invalid": message, "required": N_("This field is required."),
                                        "special": message, "null": message})


class PositionInSchema(BaseSchema):
    lat = _coordinate(-90, 90, N_("A latitude is a number from -90 to 90."))
    lon = _coordinate(-180, 180, N_("A longitude is a number from -180 to 180."))
    accuracy_m = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(
        0, 100000, error=N_("An accuracy is from 0 to 100000 metres.")),
        error_messages={"invalid": N_("An accuracy is a number of metres."),
                        "special": N_("An accuracy is a number of metres.")})
    recorded_at = Moment(required=True, metadata={"description": "The device's time of the position."})


class PositionBatchSchema(BaseSchema):
    device_id = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9._:-]{1,64}$", error=N_("1-64 letters, digits or . _ : -, such as a UUID.")),
        error_messages={"required": N_("This field is required."), "invalid": N_("1-64 letters, digits or . _ : -.")},
        metadata={"description": "The sending device's own id (a UUID): with recorded_at, it names a position."})
    positions = Many(fields.Nested(PositionInSchema), MAX_BATCH, required=True,
                     error_messages={"required": N_("Send a list of positions.")})


class PositionSchema(BaseSchema):
    unit_id = fields.Integer(dump_only=True)
    call_id = fields.Integer(dump_only=True, allow_none=True)
    lat = fields.Float(dump_only=True)
    lon = fields.Float(dump_only=True)
    accuracy_m = fields.Float(dump_only=True, allow_none=True)
    recorded_at = fields.AwareDateTime(dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)


class RecordedSchema(BaseSchema):
    stored = fields.Integer(dump_only=True)
    replayed = fields.Integer(dump_only=True)
    latest = fields.Nested(PositionSchema, dump_only=True, allow_none=True)


class LatestSchema(BaseSchema):
    """Dumps a ``services.Latest``: a unit's latest position and how old it is."""

    unit_id = fields.Integer(dump_only=True, attribute="unit.id")
    call_sign = fields.String(dump_only=True, attribute="unit.call_sign")
    call_id = fields.Integer(dump_only=True, allow_none=True, attribute="position.call_id")
    lat = fields.Float(dump_only=True, attribute="position.lat")
    lon = fields.Float(dump_only=True, attribute="position.lon")
    accuracy_m = fields.Float(dump_only=True, allow_none=True, attribute="position.accuracy_m")
    recorded_at = fields.AwareDateTime(dump_only=True, attribute="position.recorded_at")
    received_at = fields.AwareDateTime(dump_only=True, attribute="position.received_at")
    age_seconds = fields.Integer(dump_only=True)
    stale = fields.Boolean(dump_only=True, metadata={"description": "Older than 2 minutes."})


class HistoryQuerySchema(BaseSchema):
    call_id = Id("call", strict=False)
    since = Moment(SEARCH_TIME)
    until = Moment(SEARCH_TIME)


class SharingSchema(BaseSchema):
    share = fields.Boolean(dump_only=True)
    unit_id = fields.Integer(dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True, metadata={"description": "call, on_shift, no_call or off_shift"})
