import re

from marshmallow import ValidationError, fields

from fieldapp.encounters import constants as c
from fieldapp.i18n.messages import N_
from fieldapp.people.schemas import PersonBriefSchema, PersonSchema
from fieldapp.schemas import BaseSchema, Choice, Many, Moment, Text, UpdateSchema


class CodeField(fields.String):
    """Upper-cased, spaces removed, matching ``pattern``; "" is None. ``dotted`` puts ICD-10-CM's dot in
    (F329 -> F32.9)."""

    def __init__(self, pattern: str, message: str, *, dotted=False, **kwargs):
        self.pattern, self.message, self.dotted = re.compile(pattern), message, dotted
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip().upper().replace(" ", "")
        if not text:
            return None
        if self.dotted and "." not in text and len(text) > 3:
            text = f"{text[:3]}.{text[3:]}"
        if len(text) > 20 or not self.pattern.match(text):
            raise ValidationError(self.message)
        return text


class BillingFieldsSchema(BaseSchema):
    """billing (issue 21; docs/billing.md): where, and what only a clinician records."""

    place_of_service = Choice(c.PLACES_OF_SERVICE, N_("Choose where the person was met."), allow_none=True, metadata={
        "description": "The CMS place-of-service code: " + ", ".join(c.PLACES_OF_SERVICE) + "."})
    medicaid_id = CodeField(c.MEDICAID_ID, "A Medicaid id is 4 to 20 letters and digits.", metadata={
        "description": "The person's Medicaid id, when given. Clinicians only (recorded and seen)."})
    diagnosis_code = CodeField(c.ICD10CM, "Enter an ICD-10-CM code like F32.9.", dotted=True, metadata={
        "description": "An ICD-10-CM diagnosis code, optional (format-checked). Clinicians only."})


class BillingDetailsSchema(UpdateSchema, BillingFieldsSchema):
    """A clinician adds or corrects an encounter's billing details after it was logged; null clears one."""


class EncounterFieldsSchema(BillingFieldsSchema):
    """An encounter's own fields; ``fieldapp.casefile.schemas.EncounterCreateSchema`` adds the referral
    made with it (referrals sit above encounters)."""

    id = fields.UUID(required=True, metadata={"description": "Made by the device when the user pressed Save."})
    outcome = Choice(c.OUTCOMES, N_("Choose what happened."), required=True)
    hospitalization_type = Choice(c.HOSPITALIZATION_TYPES, N_("Choose voluntary, involuntary hold or medical."),
                                  allow_none=True, metadata={"description": "Required when the outcome is "
                                                             "'hospitalized'; refused otherwise."})
    concerns = Many(Choice(c.CONCERNS, N_("Choose concerns from the list.")), len(c.CONCERNS))
    person = fields.Nested(PersonSchema, metadata={"description": "A new person. Give this or person_id."})
    person_id = fields.UUID(metadata={"description": "A person already recorded. Give this or person."})
    probable_cause = fields.Boolean(truthy={True}, falsy={False})
    diverted = fields.Boolean(truthy={True}, falsy={False}, metadata={
        "description": "Only with probable_cause true, and never with the outcome 'arrested'."})
    use_of_force = fields.Boolean(truthy={True}, falsy={False})
    force_type = Choice(c.FORCE_TYPES, N_("Choose the kind of force from the list."), allow_none=True,
                        metadata={"description": "Required when use_of_force is true; refused otherwise."})
    enforcement_action = fields.Boolean(truthy={True}, falsy={False})
    transport = Choice(c.TRANSPORTS, N_("Choose how the person was transported."))
    narrative = Text(4000)
    no_referral_reason = Text(500, metadata={
        "description": "Only with the outcome 'referred' and no referral: why none was made."})
    recorded_at = Moment(metadata={"description": "The device's time of saving."})
    # fields (issue 11): docs/metrics.md, "On scene, in detail".
    primary_concern = Choice(c.CONCERNS, N_("Choose the primary concern among the concerns ticked."), allow_none=True,
                             metadata={"description": "The main presenting concern: one of ``concerns``."})
    contact_mode = Choice(c.CONTACT_MODES, N_("Choose how the person was contacted."), allow_none=True,
                          metadata={"description": "How the person was contacted: " + ", ".join(c.CONTACT_MODES)})
    transport_destination = Choice(c.DESTINATIONS, N_("Choose where the person was taken."), allow_none=True, metadata={
        "description": "Where the person was taken: only with a transport other than 'none'."})
    declined_services = fields.Boolean(truthy={True}, falsy={False}, metadata={
        "description": "The person was contacted and declined services (an outcome detail, as Iowa City counts it)."})
    officer_engaged = fields.Boolean(truthy={True}, falsy={False}, allow_none=True, metadata={
        "description": "The officer engaged with the person (beyond keeping the scene safe); null: not recorded."})
    backup_requested = fields.Boolean(truthy={True}, falsy={False}, metadata={
        "description": "Police backup was requested for this person."})
    backup_requested_at = Moment(allow_none=True, metadata={
        "description": "When backup was requested: only with backup_requested."})
    backup_arrived_at = Moment(allow_none=True, metadata={
        "description": "When backup arrived: only with backup_requested, not before backup_requested_at."})
    backup_reason = Choice(c.BACKUP_REASONS, N_("Choose why backup was requested."), allow_none=True, metadata={
        "description": "Required with backup_requested: " + ", ".join(c.BACKUP_REASONS) + "."})


class ReferralBriefSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    service = fields.Function(lambda r: r.service.name, dump_only=True)
    status = fields.String(dump_only=True)


class EncounterSchema(BaseSchema):
    """Dumped through ``visibility.view(EncounterSchema, visibility.ENCOUNTER, role)``."""

    id = fields.UUID(dump_only=True)
    call_id = fields.Integer(dump_only=True)
    person = fields.Nested(PersonBriefSchema, dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True)
    outcome_label = fields.Function(lambda e: str(c.OUTCOMES[e.outcome]), dump_only=True)
    hospitalization_type = fields.String(dump_only=True, allow_none=True)
    concerns = fields.List(fields.String(), dump_only=True)
    probable_cause = fields.Boolean(dump_only=True)
    diverted = fields.Boolean(dump_only=True)
    use_of_force = fields.Boolean(dump_only=True)
    force_type = fields.String(dump_only=True, allow_none=True)
    enforcement_action = fields.Boolean(dump_only=True)
    transport = fields.String(dump_only=True)
    narrative = fields.String(dump_only=True)
    primary_concern = fields.String(dump_only=True, allow_none=True)
    contact_mode = fields.String(dump_only=True, allow_none=True)
    transport_destination = fields.String(dump_only=True, allow_none=True)
    declined_services = fields.Boolean(dump_only=True)
    officer_engaged = fields.Boolean(dump_only=True, allow_none=True)
    backup_requested = fields.Boolean(dump_only=True)
    backup_requested_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    backup_arrived_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    backup_reason = fields.String(dump_only=True, allow_none=True)
    no_referral_reason = fields.String(dump_only=True, allow_none=True)
    place_of_service = fields.String(dump_only=True, allow_none=True)
    medicaid_id = fields.String(dump_only=True, allow_none=True)
    diagnosis_code = fields.String(dump_only=True, allow_none=True)
    apco_code = fields.String(dump_only=True)
    recorded_at = fields.AwareDateTime(dump_only=True)
    received_at = fields.AwareDateTime(dump_only=True)
    created_by = fields.Function(lambda e: e.created_by.username if e.created_by else None, dump_only=True,
                                 allow_none=True)
    referrals = fields.List(fields.Nested(ReferralBriefSchema), dump_only=True,
                            metadata={"description": "Referrals this role may see."})


class RecentContactSchema(BaseSchema):
    encounter_id = fields.UUID(dump_only=True, attribute="id")
    recorded_at = fields.AwareDateTime(dump_only=True)
    outcome = fields.String(dump_only=True)
    call_type = fields.Function(lambda e: e.call.call_type, dump_only=True)
    use_of_force = fields.Boolean(dump_only=True)


class ActiveReferralSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    service = fields.Function(lambda r: r.service.name, dump_only=True)
    category = fields.Function(lambda r: r.service.category, dump_only=True)
    status = fields.String(dump_only=True)
    due_at = fields.AwareDateTime(dump_only=True)


class BriefingSchema(BaseSchema):
    """Dumped through ``visibility.view(BriefingSchema, visibility.BRIEFING, role)``."""

    call_id = fields.Integer(dump_only=True)
    prior_calls = fields.Integer(dump_only=True, metadata={"description": "Earlier calls at this address."})
    prior_encounters = fields.Integer(dump_only=True)
    last_contact_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_only=True)
    recent = fields.List(fields.Nested(RecentContactSchema), dump_only=True)
    cautions = fields.List(fields.String(), dump_only=True)
    use_of_force_count = fields.Integer(dump_only=True)
    people = fields.List(fields.Nested(PersonBriefSchema), dump_only=True)
    active_referrals = fields.List(fields.Nested(ActiveReferralSchema), dump_only=True)
    open_followups = fields.Integer(dump_only=True)
    preferred_language = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The person's language (BCP 47): the call's, else a person's met on this call."})
    interpreter_needed = fields.Boolean(dump_only=True, allow_none=True)
