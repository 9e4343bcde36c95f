"""What a partner sends: a Task search, and the part of a Task it may change."""

from marshmallow import fields, validate

from fieldapp.integrations.fhir.codes import PARTNER_TASK_STATUSES, TASK_STATUS
from fieldapp.schemas import BaseSchema, Text


class TaskSearchSchema(BaseSchema):
    owner = Text(60, metadata={"description": "Organization/<id> (the partner's own organization)."})
    status = Text(200, metadata={"description": "Task statuses, comma-separated: "
                                                + ", ".join(TASK_STATUS.values()) + "."})
    count = fields.Integer(data_key="_count", load_default=100, validate=validate.Range(1, 500))


class ReasonSchema(BaseSchema):
    text = Text(500, required=True)


class TaskPatchSchema(BaseSchema):
    """A partial Task (merge patch): only ``status`` and ``statusReason.text`` are read."""

    resourceType = fields.String(validate=validate.Equal("Task"))  # noqa: N815 - FHIR's name
    id = fields.UUID()
    status = fields.String(required=True, validate=validate.OneOf(PARTNER_TASK_STATUSES))
    statusReason = fields.Nested(ReasonSchema)  # noqa: N815
