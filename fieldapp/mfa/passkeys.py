"""Passkeys (WebAuthn) as a second factor beside TOTP, with the ``webauthn`` library (py_webauthn):
it parses and checks the attestation and assertion structures, signatures and counters, which are
easy to get subtly wrong by hand.

The flow is two steps each time: ``*_options`` makes the browser's options and a fresh challenge (the
caller keeps the challenge, server-side or in the signed session, and hands it back once);
``register`` and ``verify_assertion`` check what the authenticator answered against it.

``verify_assertion`` is the one check of a passkey: the sign-in's code step uses it, and so may any
other step that must see the user again (unlocking an idle session).

A phone's platform authenticator (its screen lock) is asked for with resident key and user
verification *preferred*, so security keys without a PIN still work.

``webauthn`` (with its CBOR and certificate parsers, ~5 MB) is imported where a passkey is set up or
checked, not with the app: an export, the worker or a CLI command never needs it.
"""

import json
from functools import cache
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.errors import Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.i18n.messages import N_
from fieldapp.mfa.passkey_models import Passkey

MAX_PASSKEYS = 10
NOT_ACCEPTED = N_("The passkey was not accepted. Try again, or use another way to sign in.")  # shown through _()


@cache
def _known_transports() -> frozenset[str]:
    from webauthn.helpers.structs import AuthenticatorTransport

    return frozenset(transport.value for transport in AuthenticatorTransport)


def challenge_text(challenge: bytes) -> str:
    """A challenge as the text kept in the signed session (base64url)."""
    from webauthn.helpers import bytes_to_base64url

    return bytes_to_base64url(challenge)


def challenge_bytes(text: str) -> bytes:
    """The challenge kept as ``challenge_text``; ValueError when it is not base64url."""
    from webauthn import base64url_to_bytes

    return base64url_to_bytes(text)


def relying_party() -> tuple[str, str]:
    """(RP ID, origin): ``WEBAUTHN_RP_ID`` / ``WEBAUTHN_ORIGIN`` when set, else this request's host and
    origin (behind a proxy, ``PROXY_FIX_HOPS`` makes them the public ones)."""
    config = current_app.config
    origin = config.get("WEBAUTHN_ORIGIN") or request.host_url.rstrip("/")
    return config.get("WEBAUTHN_RP_ID") or urlsplit(origin).hostname, origin


def passkeys_of(user) -> list[Passkey]:
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)))


def of_user(user):
    """The query of ``user``'s passkeys' ids (``mfa.services.is_enrolled`` asks whether one exists)."""
    return select(Passkey.id).where(Passkey.user_id == user.id)


def has_passkey(user) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Passkey).where(Passkey.user_id == user.id)))


def _descriptors(user) -> list:
    from webauthn import base64url_to_bytes
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    return [PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(key.credential_id),
        transports=[AuthenticatorTransport(t) for t in key.transports.split(",") if t in _known_transports()] or None)
        for key in passkeys_of(user)]


def registration_options(user) -> tuple[str, bytes]:
    """The browser's ``PublicKeyCredentialCreationOptions`` (JSON) and the challenge to keep."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    rp_id, _unused = relying_party()
    options = generate_registration_options(
        rp_id=rp_id, rp_name=current_app.config.get("WEBAUTHN_RP_NAME") or "fieldapp",
        user_id=f"fieldapp-user-{user.id}".encode(), user_name=user.username, user_display_name=user.full_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=_descriptors(user))
    return options_to_json(options), options.challenge


def register(user, credential, challenge: bytes, name: str) -> Passkey:
    """Check the authenticator's answer to ``registration_options`` and keep the new passkey."""
    from webauthn import verify_registration_response
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.exceptions import InvalidRegistrationResponse

    name = (name or "").strip() or "Passkey"
    if len(name) > 80:
        raise Invalid(_("The name is too long."), fields={"name": [_("At most 80 characters.")]})
    if len(passkeys_of(user)) >= MAX_PASSKEYS:
        most = _("At most %(count)s passkeys.", count=MAX_PASSKEYS)
        raise Invalid(most, fields={"credential": [most]})
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(credential=_json(credential), expected_challenge=challenge,
                                                expected_rp_id=rp_id, expected_origin=origin)
    except (InvalidRegistrationResponse, ValueError, TypeError, KeyError) as error:
        audit.record("mfa.passkey_add", outcome="failure", object_type="users", object_id=user.id, user=user,
                     details={"reason": str(error)[:200]})
        db.session.commit()
        raise Invalid(_(NOT_ACCEPTED), fields={"credential": [_(NOT_ACCEPTED)]}, code="passkey_invalid") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == credential_id)) is not None:
        raise Invalid(_("This passkey is already set up."), fields={"credential": ["This passkey is already set up."]},
                      code="passkey_invalid")
    transports = credential.get("response", {}).get("transports") if isinstance(credential, dict) else None
    passkey = Passkey(user_id=user.id, credential_id=credential_id, public_key=verified.credential_public_key,
                      sign_count=verified.sign_count, name=name,
                      transports=",".join(t for t in (transports or []) if t in _known_transports())[:200])
    db.session.add(passkey)
    db.session.flush()
    audit.record("mfa.passkey_add", obj=passkey, user=user,
                 details={"name": name, "user_verified": verified.user_verified, "aaguid": verified.aaguid})
    db.session.commit()
    return passkey


def authentication_options(user) -> tuple[str, bytes]:
    """The browser's ``PublicKeyCredentialRequestOptions`` (JSON) for ``user``'s passkeys, and the challenge."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    rp_id, _unused = relying_party()
    options = generate_authentication_options(rp_id=rp_id, allow_credentials=_descriptors(user),
                                              user_verification=UserVerificationRequirement.PREFERRED)
    return options_to_json(options), options.challenge


def verify_assertion(user, credential, challenge: bytes | None) -> Passkey | None:
    """The passkey of ``user`` that signed ``challenge`` in ``credential`` (the browser's
    ``PublicKeyCredential`` as JSON), or None. Records the use (counter, time, audit row) and commits.

    The caller must hand each challenge in once (pop it from where it kept it)."""
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import InvalidAuthenticationResponse

    data = _json(credential)
    if not challenge or not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    passkey = db.session.scalar(select(Passkey).where(Passkey.user_id == user.id,
                                                      Passkey.credential_id == data["id"][:1400]))
    if passkey is None:
        return None
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=data, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=passkey.public_key, credential_current_sign_count=passkey.sign_count)
    except (InvalidAuthenticationResponse, ValueError, TypeError, KeyError):
        return None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    audit.record("mfa.passkey_use", obj=passkey, user=user,
                 details={"name": passkey.name, "user_verified": verified.user_verified})
    db.session.commit()
    return passkey


def remove(user, passkey_id: int) -> Passkey:
    """Remove one of ``user``'s passkeys (the caller commits, after ending other sessions)."""
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        raise NotFound(_("No such passkey."))
    db.session.delete(passkey)
    audit.record("mfa.passkey_remove", obj=passkey, user=user, details={"name": passkey.name})
    return passkey


def forget(user) -> None:
    """Remove every passkey of ``user`` (an admin's reset of the second factor; the caller commits)."""
    db.session.execute(delete(Passkey).where(Passkey.user_id == user.id))


def _json(credential):
    if isinstance(credential, str | bytes):
        try:
            return json.loads(credential)
        except ValueError:
            return None
    return credential
