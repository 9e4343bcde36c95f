from marshmallow import fields

from fieldapp.clock import utcnow
from fieldapp.schemas import DUE_TIME, BaseSchema, Moment, Text


class NoteCreateSchema(BaseSchema):
    id = fields.UUID(required=True)
    body = Text(20000, required=True)
    follow_up_due = Moment(DUE_TIME, allow_none=True, metadata={"description": "Opens a follow-up task due then."})
    recorded_at = Moment()


class AddendumCreateSchema(BaseSchema):
    id = fields.UUID(required=True)
    body = Text(20000, required=True)
    recorded_at = Moment()


class AddendumSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    body = fields.String(dump_only=True)
    author = fields.Function(lambda n: n.author.username, dump_only=True)
    signed_at = fields.AwareDateTime(dump_only=True)
    recorded_at = fields.AwareDateTime(dump_only=True)


class NoteSchema(AddendumSchema):
    encounter_id = fields.UUID(dump_only=True, allow_none=True)
    person_id = fields.UUID(dump_only=True, allow_none=True)
    addendum_to_id = fields.UUID(dump_only=True, allow_none=True)
    addenda = fields.List(fields.Nested(AddendumSchema), dump_only=True)


class FollowUpSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    note_id = fields.UUID(dump_only=True)
    person_id = fields.UUID(dump_only=True, allow_none=True)
    person = fields.Function(lambda f: str(f.note.person.display_name) if f.note.person else None,
                             dump_only=True, allow_none=True)
    callback = fields.Function(lambda f: getattr(f, "callback", None) or None, dump_only=True, allow_none=True,
                               metadata={"description": "The callback number of the person's call, if any."})
    encounter_id = fields.UUID(dump_only=True, allow_none=True)
    assignee = fields.Function(lambda f: f.assignee.username, dump_only=True)
    due_at = fields.AwareDateTime(dump_only=True)
    overdue = fields.Function(lambda f: f.done_at is None and f.due_at < utcnow(), dump_only=True)
    done_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True, allow_none=True)
    note_excerpt = fields.Function(lambda f: f.note.body[:140], dump_only=True)


class FollowUpQuerySchema(BaseSchema):
    mine = fields.Boolean(load_default=True)
    include_done = fields.Boolean(load_default=False)


class FollowUpDoneSchema(BaseSchema):
    outcome = Text(2000, required=True)
