from flask import current_app
from marshmallow import ValidationError, fields, validate
from webargs.fields import DelimitedList

from fieldapp.calls import constants as c
from fieldapp.schemas import BaseSchema, Choice, Id, Int, Many, Moment, SafeString, Text, UpdateSchema


class District(SafeString):
    """One of the districts or beats of the ``DISTRICTS`` setting (read when the value arrives)."""

    def __init__(self, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("description", "The district or beat of the call: one of the agency's DISTRICTS "
                                           "setting (GET /api/v1/calls/vocabularies lists them).")
        super().__init__(validate=validate.Length(max=40, error="Use at most 40 characters."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        allowed = current_app.config.get("DISTRICTS", ())
        if name not in allowed:
            raise ValidationError("Choose a district from the list." if allowed
                                  else "No districts are set up (DISTRICTS): leave this empty.")
        return name


def _bool(**kwargs):
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


class CallRecordFields(BaseSchema):
    """fields (issue 11): eligibility, source and district, given at intake or later (PATCH)."""

    source = Choice(c.SOURCES, "Choose where the call came from.", allow_none=True, metadata={
        "description": "Where the call came from: " + ", ".join(c.SOURCES) + ". CAD (EIDO) calls are 911."})
    eligible = _bool(allow_none=True, metadata={
        "description": "Whether the call was eligible for the co-responder team; null: not assessed."})
    ineligible_reason = Choice(c.INELIGIBLE_REASONS, "Choose why the call was not eligible.", allow_none=True,
                               metadata={"description": "Required when eligible is false; refused otherwise: "
                                         + ", ".join(c.INELIGIBLE_REASONS) + "."})
    district = District(allow_none=True)


class LocationSchema(BaseSchema):
    address = Text(200, required=True)
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90, error="A latitude is from -90 to 90."))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180, error="A longitude is from -180 to 180."))


class CallCreateSchema(CallRecordFields):
    call_type = Choice(c.CALL_TYPES, "Choose a call type.", required=True)
    priority = Int(1, 4, message="Choose a priority from 1 (emergency) to 4 (routine).", required=True)
    location = fields.Nested(LocationSchema, required=True)
    narrative = Text(4000)
    cautions = Many(Choice(c.CAUTIONS, "Choose cautions from the list."), len(c.CAUTIONS))
    callback = Text(40, allow_none=True)
    external_id = Text(64, allow_none=True)
    handoff_note = Text(4000, allow_none=True, metadata={
        "description": "A 988 center's warm hand-off: what the counselor said, shown on its own on the call."})
    received_at = Moment(metadata={"description": "When the call was received; defaults to now."})


class CallEventSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    from_status = fields.String(dump_only=True, allow_none=True)
    unit = fields.Function(lambda e: e.unit.call_sign if e.unit else None, dump_only=True, allow_none=True)
    user = fields.Function(lambda e: e.user.username if e.user else None, dump_only=True, allow_none=True)
    recorded_at = fields.AwareDateTime(dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    disposition = fields.String(dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True, allow_none=True)


class CallSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    call_type = fields.String(dump_only=True)
    call_type_label = fields.Function(lambda call: c.CALL_TYPES.get(call.call_type), dump_only=True)
    priority = fields.Integer(dump_only=True)
    location = fields.Function(lambda call: {"address": call.address, "lat": call.lat, "lon": call.lon},
                               dump_only=True)
    narrative = fields.String(dump_only=True)
    cautions = fields.List(fields.String(), dump_only=True)
    callback = fields.String(dump_only=True, allow_none=True)
    external_id = fields.String(dump_only=True, allow_none=True)
    handoff_note = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    unit = fields.Function(lambda call: {"id": call.unit.id, "call_sign": call.unit.call_sign}
                           if call.unit else None, dump_only=True, allow_none=True)
    disposition = fields.String(dump_only=True, allow_none=True)
    cancel_reason = fields.String(dump_only=True, allow_none=True)
    closed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    source = fields.String(dump_only=True, allow_none=True)
    eligible = fields.Boolean(dump_only=True, allow_none=True)
    ineligible_reason = fields.String(dump_only=True, allow_none=True)
    final_call_type = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The type found on scene or at clearing; null: as received (call_type)."})
    district = fields.String(dump_only=True, allow_none=True)
    location_source = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "Where lat/lon came from: cad, geocoder or pin (a pin wins); null: no location."})
    zone = fields.Function(lambda call: {"id": call.zone.id, "name": call.zone.name} if call.zone else None,
                           dump_only=True, allow_none=True, metadata={"description": "The zone lat/lon lie in."})


class PinSchema(BaseSchema):
    """A dispatcher's pin on the map (PUT /api/v1/calls/<id>/location)."""

    lat = fields.Float(required=True, allow_nan=False,
                       validate=validate.Range(-90, 90, error="A latitude is from -90 to 90."))
    lon = fields.Float(required=True, allow_nan=False,
                       validate=validate.Range(-180, 180, error="A longitude is from -180 to 180."))


class CallDetailSchema(CallSchema):
    timeline = fields.List(fields.Nested(CallEventSchema), dump_only=True)
    next_statuses = fields.Function(lambda call: list(c.UNIT_TRANSITIONS.get(call.status, ())),
                                    dump_only=True)


class CallDetailsSchema(UpdateSchema, CallRecordFields):
    """A change to what the record says about a call (PATCH /api/v1/calls/<id>)."""

    final_call_type = Choice(c.CALL_TYPES, "Choose a call type.", allow_none=True, metadata={
        "description": "The type found on scene or at clearing (call_type stays the initial one)."})


class CallQuerySchema(BaseSchema):
    status = DelimitedList(Choice(c.STATUSES, "Choose call statuses from the list."),
                           validate=validate.Length(max=len(c.STATUSES)))
    unit_id = Id("unit", strict=False)


class AssignSchema(BaseSchema):
    unit_id = Id("unit", required=True)
    confirm_busy = fields.Boolean(load_default=True, metadata={
        "description": "false: refuse (409 unit_busy, naming the unit's other calls) when the unit "
                       "is busy with another active call, so the dispatcher can confirm first."})


class CancelSchema(BaseSchema):
    reason = Text(500, required=True)


class StatusChangeSchema(BaseSchema):
    id = fields.UUID(required=True, metadata={"description": "Made by the device when the user tapped."})
    status = Choice(c.UNIT_STATUSES, "Choose a status the unit can tap.", required=True)
    recorded_at = Moment(metadata={"description": "The device's time of the change."})
    disposition = Choice(c.DISPOSITIONS, "Choose how the call ended.", allow_none=True,
                         metadata={"description": "Required with status 'cleared'; refused with any other."})
    final_call_type = Choice(c.CALL_TYPES, "Choose a call type.", allow_none=True, metadata={
        "description": "The type found on scene: only with status 'on_scene', 'transporting' or 'cleared'."})


class VocabularySchema(BaseSchema):
    sources = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    ineligible_reasons = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    call_types = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)
    districts = fields.List(fields.String(), dump_only=True, metadata={"description": "The DISTRICTS setting."})
