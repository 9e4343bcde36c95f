import re

from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import ValidationError, fields

from fieldapp.i18n.messages import N_
from fieldapp.push.keys import b64url_decode
from fieldapp.schemas import BaseSchema, SafeString, Text

_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def _base64url(length, what, check=None):
    """Browser-made key material: base64url text of ``length`` characters (without padding)."""
    message = f"Give the browser's {what} key as base64url text of {length} characters."

    def valid(value):
        if not _B64URL.match(value) or len(value.rstrip("=")) != length:
            raise ValidationError(message)
        if check is not None:
            check(value)
    return SafeString(required=True, validate=valid, error_messages={"required": "This field is required."},
                      metadata={"description": message})


def _p256_point(value):
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(value))
    except ValueError:
        raise ValidationError(N_("This is not a P-256 public key.")) from None


class PublicKeySchema(BaseSchema):
    public_key = fields.String(dump_only=True, metadata={
        "description": "The VAPID public key (P-256 uncompressed point, base64url without padding): give it "
                       "to PushManager.subscribe() as applicationServerKey."})


class SubscriptionKeysSchema(BaseSchema):
    # p256dh: a 65-byte uncompressed P-256 point (87 characters); auth: a 16-byte secret (22 characters).
    p256dh = _base64url(87, "p256dh", _p256_point)
    auth = _base64url(22, "auth")


class EndpointSchema(BaseSchema):
    endpoint = Text(1000, required=True, metadata={
        "description": "The push service URL the browser gave (https on a public address)."})


class SubscriptionSchema(EndpointSchema):
    """``PushSubscription.toJSON()`` as the browser gives it."""

    keys = fields.Nested(SubscriptionKeysSchema, required=True,
                         error_messages={"required": "This field is required.",
                                         "type": "Give the keys as an object with p256dh and auth."})
    expirationTime = fields.Float(load_only=True, allow_none=True, allow_nan=False,  # noqa: N815
                                  error_messages={"invalid": "Give a number of milliseconds, or null."},
                                  metadata={"description": "Sent by browsers (milliseconds or null); ignored."})


class SubscriptionOutSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    endpoint = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
