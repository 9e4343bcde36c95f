from marshmallow import fields

from fieldapp.schemas import BaseSchema, Text


class TotpSetupSchema(BaseSchema):
    secret = fields.String(dump_only=True, metadata={"description": "Base32 secret for manual entry."})
    otpauth_uri = fields.String(dump_only=True, metadata={"description": "otpauth:// URI (as in the QR code)."})


class TotpConfirmSchema(BaseSchema):
    otp = Text(32, required=True, load_only=True)


class RecoveryCodesSchema(BaseSchema):
    recovery_codes = fields.List(fields.String(), dump_only=True,
                                 metadata={"description": "Shown once: each signs in once instead of a code."})
