from marshmallow import ValidationError, fields, validate

from fieldapp.accounts import licensure
from fieldapp.accounts.passwords import MAX_LENGTH
from fieldapp.i18n.messages import N_
from fieldapp.roles import ROLES
from fieldapp.schemas import BaseSchema, Choice, SafeString, Text, UpdateSchema, UserBriefSchema

USERNAME = validate.Regexp(r"^[a-z0-9._-]{2,80}$",
                           error=N_("2-80 characters: lower-case letters, digits, '.', '_' or '-'."))


class TokenRequestSchema(BaseSchema):
    username = Text(80, required=True)
    password = Text(MAX_LENGTH, required=True, load_only=True)
    otp = Text(32, load_only=True, metadata={"description": "For users with a second factor: the 6-digit "
                                                              "code of their authenticator app, or a recovery code."})
    device_token = Text(100, load_only=True, metadata={
        "description": "The device token an earlier sign-in with the second factor answered (a known "
                       "device): while the account is locked by others' failures, this client may still "
                       "sign in with the password and a code, counted against its own 5-failure lock."})


class TokenSchema(BaseSchema):
    token = fields.String(dump_only=True)
    device_token = fields.String(dump_only=True, metadata={
        "description": "After a sign-in with the second factor: this client's known-device token (the "
                       "same one when it sent one); keep it privately and send it with later sign-ins."})
    expires_at = fields.AwareDateTime(dump_only=True)
    user = fields.Nested(UserBriefSchema, dump_only=True)


class UserSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    username = fields.String(required=True, validate=USERNAME)
    full_name = Text(120, required=True)
    role = Choice(ROLES, N_("Choose a role."), required=True)
    password = Text(MAX_LENGTH, required=True, load_only=True)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254),
                         metadata={"description": "How single sign-on finds this account (optional)."})
    active = fields.Boolean(dump_only=True)
    locked_until = fields.AwareDateTime(dump_only=True, allow_none=True)
    must_change_password = fields.Boolean(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    credential = fields.String(dump_only=True, allow_none=True)
    npi = fields.String(dump_only=True, allow_none=True)
    bh_role = fields.String(dump_only=True, allow_none=True)


class NpiField(fields.String):
    """10 digits with the right Luhn check digit (``licensure.npi_problem``); "" or null clears it."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        problem = text and licensure.npi_problem(text)
        if problem:
            raise ValidationError(problem)
        return text or None


class LicensureSchema(BaseSchema):
    """billing (issue 21): what an admin sets on a clinician for claims (docs/billing.md)."""

    credential = SafeString(allow_none=True, validate=validate.Regexp(
        licensure.CREDENTIAL, error=N_("Up to 20 letters, digits, '.', '-' or '/', like LCSW or MD.")),
        metadata={"description": "As written on a claim: LCSW, LMHC, MD, CPS ..."})
    npi = NpiField(allow_none=True, metadata={"description": "The National Provider Identifier: 10 digits "
                                              "with a Luhn check digit over 80840 + the number."})
    bh_role = Choice(licensure.BH_ROLES, N_("Choose licensed behavioral-health professional or peer worker."),
                     allow_none=True, metadata={"description": "licensed | peer | null (clinicians only)."})


class UserUpdateSchema(UpdateSchema, LicensureSchema):
    active = fields.Boolean(truthy={True}, falsy={False})
    role = Choice(ROLES, N_("Choose a role."))
    password = Text(MAX_LENGTH, load_only=True,
                    metadata={"description": "A new password; the user must change it at next sign-in."})
    unlock = fields.Boolean(truthy={True}, falsy={False}, load_only=True,
                            validate=validate.Equal(True, error=N_("Send true to unlock the account.")),
                            metadata={"description": "Lift a lockout after failed logins."})


class PasswordChangeSchema(BaseSchema):
    current_password = Text(MAX_LENGTH, required=True, load_only=True)
    new_password = Text(MAX_LENGTH, required=True, load_only=True)


class SessionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    last_seen_at = fields.AwareDateTime(dump_only=True)
    expires_at = fields.AwareDateTime(dump_only=True)
    ip = fields.String(dump_only=True, allow_none=True)
    user_agent = fields.String(dump_only=True, allow_none=True)
    second_factor_at = fields.AwareDateTime(dump_only=True, allow_none=True, metadata={
        "description": "When this session passed the second factor; null: password only."})
    locked_at = fields.AwareDateTime(dump_only=True, allow_none=True, metadata={
        "description": "Locked after inactivity since then (unlock: POST /api/v1/me/unlock)."})


class UnlockSchema(BaseSchema):
    method = Text(20, load_default="password", metadata={"description": "How to unlock: 'password' "
                                                                         "(other methods as registered)."})
    password = Text(MAX_LENGTH, load_only=True)
    credential = fields.Dict(load_only=True, metadata={"description": "method 'passkey': the browser's "
                                                                      "answer to POST /unlock/passkey/options."})
