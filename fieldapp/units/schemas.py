from marshmallow import fields, validate

from fieldapp.i18n.messages import N_
from fieldapp.schemas import BaseSchema, Id, UserBriefSchema


class UnitCreateSchema(BaseSchema):
    call_sign = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z0-9-]{1,20}$", error=N_("1-20 letters, digits or '-', such as CR-1.")))


class ShiftCreateSchema(BaseSchema):
    clinician_id = Id("clinician", required=True)
    officer_id = Id("officer", required=True)


class ShiftSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    unit_id = fields.Integer(dump_only=True)
    clinician = fields.Nested(UserBriefSchema, dump_only=True)
    officer = fields.Nested(UserBriefSchema, dump_only=True)
    started_at = fields.AwareDateTime(dump_only=True)
    ended_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class UnitSchema(BaseSchema):
    """Dumps a ``units.services.UnitView``: the unit with its shift and derived status."""

    id = fields.Integer(dump_only=True, attribute="unit.id")
    call_sign = fields.String(dump_only=True, attribute="unit.call_sign")
    status = fields.String(dump_only=True)
    status_label = fields.String(dump_only=True)
    shift = fields.Nested(ShiftSchema, dump_only=True, allow_none=True)
    active_call_ids = fields.Method("_call_ids", dump_only=True)

    def _call_ids(self, view):
        return sorted(call.id for call in view.calls)
