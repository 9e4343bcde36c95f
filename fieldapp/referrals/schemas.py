from marshmallow import fields, validate

from fieldapp.directory.schemas import category_in_english
from fieldapp.i18n.messages import N_
from fieldapp.referrals import constants as c
from fieldapp.referrals.services import is_overdue
from fieldapp.schemas import DUE_TIME, BaseSchema, Choice, Many, Moment, PastDay, Text


class Part2ConsentSchema(BaseSchema):
    """The elements of a written consent under 42 CFR 2.31."""

    patient_name = Text(120)
    discloser = Text(200)
    information = Text(500)
    recipient = Text(200)
    purpose = Text(500)
    expires = Text(120, metadata={"description": "A date, event or condition."})
    revocation_explained = fields.Boolean(truthy={True}, falsy={False})
    signature = Text(120)
    signed_on = PastDay()


class ConsentSchema(BaseSchema):
    type = Choice(c.CONSENT_TYPES, "Say whether consent was given verbally, in writing, or declined.", required=True)
    given_by = Text(120, required=True, metadata={"description": "Who consented: the person, or a guardian by name."})
    at = Moment()
    part2 = fields.Nested(Part2ConsentSchema, metadata={
        "description": "Written consent under 42 CFR 2.31: every element, for a Part 2 program only (clinicians)."})


class ReferralCreateSchema(BaseSchema):
    id = fields.UUID(required=True)
    service_id = fields.UUID(required=True)
    consent = fields.Nested(ConsentSchema, required=True)
    note = Text(2000)
    due_at = Moment(DUE_TIME, metadata={"description": "When it should be completed; default 7 days."})
    recorded_at = Moment()


class ReferralStatusSchema(BaseSchema):
    id = fields.UUID(required=True)
    status = Choice([s for s in c.STATUS_LABELS if s != c.MADE], "Choose the referral's next step.", required=True)
    reason = Text(500, metadata={"description": "Required for declined, unable_to_contact and cancelled."})
    recorded_at = Moment()


class ReferralEventSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    referral_id = fields.UUID(dump_only=True)
    from_status = fields.String(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    user = fields.Function(lambda e: e.user.username if e.user else None, dump_only=True, allow_none=True)
    partner = fields.String(dump_only=True, allow_none=True)  # a partner organization's step (FHIR Task)
    recorded_at = fields.AwareDateTime(dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)


class ServiceBriefSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    name = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    category_label = fields.Function(lambda s: category_in_english(s.category), dump_only=True)
    organization = fields.Function(lambda s: s.organization.name, dump_only=True)
    phone = fields.String(dump_only=True, allow_none=True)


class ReferralSchema(BaseSchema):
    """Dumped through ``visibility.view(ReferralSchema, visibility.REFERRAL, role)``."""

    id = fields.UUID(dump_only=True)
    encounter_id = fields.UUID(dump_only=True)
    person_id = fields.UUID(dump_only=True, allow_none=True)
    service = fields.Nested(ServiceBriefSchema, dump_only=True)
    status = fields.String(dump_only=True)
    status_label = fields.Function(lambda r: str(c.STATUS_LABELS[r.status]), dump_only=True)
    consent_type = fields.String(dump_only=True)
    consent_given_by = fields.String(dump_only=True)
    consent_at = fields.AwareDateTime(dump_only=True)
    part2_consent = fields.Dict(dump_only=True, allow_none=True)
    redisclosure_notice = fields.Function(
        lambda r: c.PART2_REDISCLOSURE_NOTICE if r.service.part2_program else None, dump_only=True, allow_none=True)
    note = fields.String(dump_only=True)
    due_at = fields.AwareDateTime(dump_only=True)
    overdue = fields.Function(is_overdue, dump_only=True)
    closed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
    created_by = fields.Function(lambda r: r.created_by.username if r.created_by else None, dump_only=True,
                                 allow_none=True)
    history = fields.List(fields.Nested(ReferralEventSchema), dump_only=True)


class ReferralQuerySchema(BaseSchema):
    status = Many(Choice(c.STATUS_LABELS, N_("Choose referral statuses from the list.")), len(c.STATUS_LABELS))
    overdue = fields.Boolean()
    due_within_days = fields.Integer(
        validate=validate.Range(1, 366, error=N_("Choose from 1 to 366 days.")),
        metadata={"description": "Open referrals due within this many days (overdue ones included)."})
    mine = fields.Boolean()
    q = Text(100, metadata={"description": "Words of the person's name or the service's or organization's name."})
