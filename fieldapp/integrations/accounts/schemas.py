from marshmallow import fields

from fieldapp.i18n.messages import N_
from fieldapp.integrations.accounts.services import ACTIONS, KINDS
from fieldapp.schemas import BaseSchema, Choice, Many, Text

ALL_ACTIONS = sorted({action for actions in ACTIONS.values() for action in actions})


class IntegrationCreateSchema(BaseSchema):
    name = Text(80, required=True)
    kind = Choice(KINDS, N_("Choose the kind: cad, partner or crisis_line."), required=True)
    actions = Many(Choice(ALL_ACTIONS, N_("Choose actions from the list in the API document.")),
                   len(ALL_ACTIONS),
                          metadata={"description": "Default: every action of the kind."})
    organization_id = fields.UUID(allow_none=True, metadata={"description": "Partners: the directory "
                                                             "organization the account acts for."})
    webhook_url = Text(500, allow_none=True,
                       metadata={"description": "CAD, crisis_line: where status goes back (https)."})


class WebhookUrlSchema(BaseSchema):
    webhook_url = Text(500, required=True, allow_none=True)


class IntegrationSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    actions = fields.List(fields.String(), dump_only=True)
    organization_id = fields.UUID(dump_only=True, allow_none=True)
    webhook_url = fields.String(dump_only=True, allow_none=True)
    key_id = fields.String(dump_only=True, metadata={"description": "The public part of the key: fa_int_<key_id>_..."})
    active = fields.Boolean(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    key_rotated_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    revoked_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class IntegrationCreatedSchema(IntegrationSchema):
    key = fields.String(dump_only=True, metadata={"description": "Shown this once; only its hash is kept."})
    webhook_secret = fields.String(dump_only=True, allow_none=True,
                                   metadata={"description": "CAD, crisis_line: the secret that signs webhooks. "
                                                            "Shown this once."})


class DeliverySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    integration_id = fields.Integer(dump_only=True)
    call_id = fields.Integer(dump_only=True)
    event = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    attempts = fields.Integer(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    next_attempt_at = fields.AwareDateTime(dump_only=True)
    last_attempt_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    last_status_code = fields.Integer(dump_only=True, allow_none=True)
    last_error = fields.String(dump_only=True, allow_none=True)
    delivered_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    payload = fields.Dict(dump_only=True)


class DeliveryQuerySchema(BaseSchema):
    status = Choice(("pending", "failed", "delivered"), "Choose pending, failed or delivered.")
