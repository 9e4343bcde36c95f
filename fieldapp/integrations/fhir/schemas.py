"""What a partner sends: a Task search, and the part of a Task it may change."""

from marshmallow import fields, validate

from fieldapp.integrations.fhir.codes import PARTNER_TASK_STATUSES, TASK_STATUS
from fieldapp.schemas import BaseSchema, Choice, Int, Text


class TaskSearchSchema(BaseSchema):
    owner = Text(60, metadata={"description": "Organization/<id> (the partner's own organization)."})
    status = Text(200, metadata={"description": "Task statuses, comma-separated: "
                                                + ", ".join(TASK_STATUS.values()) + "."})
    based_on = Text(120, data_key="based-on", metadata={
        "description": "988 crisis lines: ServiceRequest/<id> of one of its hand-offs."})
    count = Int(1, 500, strict=False, data_key="_count", load_default=100,
                metadata={"description": "At most this many Tasks (default 100)."})


class ReasonSchema(BaseSchema):
    text = Text(500, required=True)


class TaskPatchSchema(BaseSchema):
    """A partial Task (merge patch): only ``status`` and ``statusReason.text`` are read."""

    resourceType = fields.String(validate=validate.Equal("Task"))  # noqa: N815 - FHIR's name
    id = fields.UUID()
    status = Choice(PARTNER_TASK_STATUSES, "Choose a status a partner may set: "
                    + ", ".join(PARTNER_TASK_STATUSES) + ".", required=True)
    statusReason = fields.Nested(ReasonSchema)  # noqa: N815
