"""Single sign-on with OpenID Connect, beside local accounts.

Authlib's Flask client does the protocol: discovery (``OIDC_ISSUER/.well-known/openid-configuration``),
the authorization code flow with PKCE (S256), ``state`` and ``nonce`` kept in the session, and the ID
token's signature checked against the issuer's keys (its ``jwks_uri``), with ``iss``, ``aud``, ``exp``
and ``nonce``. What is fieldapp's is here: which account the provider's user is, which role their claims
give (``OIDC_ROLE_CLAIM``, ``OIDC_ROLE_MAP``), whether the token shows a second factor (``amr`` in
``OIDC_MFA_AMR``), and the audit of every sign-in, refused or not.
"""

import re
import secrets

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from sqlalchemy import func, select

from fieldapp.accounts import passwords
from fieldapp.accounts.models import User
from fieldapp.accounts.oidc_models import OidcIdentity, OidcLoginSession
from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.errors import ServiceError
from fieldapp.extensions import db

CLIENT = "sso"
_EXTENSION = "fieldapp_oidc"


class SignInRefused(ServiceError):
    """The provider vouched for someone fieldapp will not let in; the page says why."""

    status = 403
    code = "sso_refused"


def enabled(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def init_app(app: Flask) -> None:
    """Register the provider when ``OIDC_ISSUER`` and ``OIDC_CLIENT_ID`` are set (else SSO is off)."""
    if not enabled(app):
        return
    config = app.config
    oauth = OAuth(app)
    oauth.register(CLIENT, client_id=config["OIDC_CLIENT_ID"], client_secret=config.get("OIDC_CLIENT_SECRET") or None,
                   server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
                   client_kwargs={"scope": config.get("OIDC_SCOPES") or "openid email profile",
                                  "code_challenge_method": "S256", "timeout": 10})
    app.extensions[_EXTENSION] = oauth


def client():
    """Authlib's client of the provider (it fetches and caches the discovery document and keys)."""
    return current_app.extensions[_EXTENSION].create_client(CLIENT)


# Claims -> role, second factor ---------------------------------------------------------------------

def _values(claim) -> list[str]:
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [value for value in claim if isinstance(value, str)]
    return []


def role_from_claims(claims: dict, role_claim: str, role_map: dict) -> str | None:
    """The role the first of ``role_map``'s entries (in its order) that the claim holds gives; None when
    none does. The claim may be a string or a list of strings (groups)."""
    held = set(_values(claims.get(role_claim)))
    return next((role for value, role in role_map.items() if value in held), None)


def shows_second_factor(claims: dict, mfa_amr) -> bool:
    """Whether the token's ``amr`` (RFC 8176 methods) names one of ``mfa_amr``."""
    return bool(set(_values(claims.get("amr"))) & set(mfa_amr))


# Who signs in ---------------------------------------------------------------------------------------

def _refuse(reason: str, message: str, claims: dict, **details):
    audit.record("auth.sso", outcome="failure", user=_Who(claims),
                 details={"reason": reason, "issuer": claims.get("iss"), "subject": claims.get("sub"),
                          "email": claims.get("email"), **details})
    db.session.commit()
    raise SignInRefused(message)


class _Who:
    id = None

    def __init__(self, claims):
        self.username = str(claims.get("email") or claims.get("sub") or "")[:80]


def account_for(claims: dict, token: dict | None = None) -> tuple[User, OidcIdentity]:
    """The fieldapp user the provider's ``claims`` (a checked ID token) are, with their role set from the
    claims; refuses (``SignInRefused``, audited) a user whose claims map to no role, an unknown one
    unless ``OIDC_CREATE_USERS``, a deactivated one, and an unverified e-mail."""
    config = current_app.config
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    role = role_from_claims(claims, config["OIDC_ROLE_CLAIM"], config["OIDC_ROLE_MAP"])
    if role is None:
        _refuse("no role", "Your account at the sign-in provider is not given any role in fieldapp. "
                "Ask your administrator to add you to a fieldapp group.", claims,
                claim=config["OIDC_ROLE_CLAIM"], values=_values(claims.get(config["OIDC_ROLE_CLAIM"]))[:20])
    identity = db.session.scalar(select(OidcIdentity).where(OidcIdentity.issuer == issuer,
                                                            OidcIdentity.subject == subject))
    user = identity.user if identity is not None else None
    email = str(claims.get("email") or "").strip().lower()
    if user is None:
        if not email or claims.get("email_verified") is False:
            _refuse("no verified e-mail", "The sign-in provider did not give a verified e-mail address, "
                    "so fieldapp cannot tell which account is yours.", claims)
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        if not config["OIDC_CREATE_USERS"]:
            _refuse("unknown user", "There is no fieldapp account for this e-mail address. Ask an "
                    "administrator to create one with it.", claims)
        user = _create(claims, email, role)
    if not user.active:
        _refuse("deactivated", "Your fieldapp account is deactivated. Ask an administrator.", claims)
    if user.role != role:
        audit.record("user.role_change", obj=user, user=user,
                     details={"from": user.role, "to": role, "by": "sso", "claim": config["OIDC_ROLE_CLAIM"]})
        user.role = role
    if identity is None:
        identity = OidcIdentity(user=user, issuer=issuer, subject=subject)
        db.session.add(identity)
    identity.last_sign_in_at = identity.checked_at = utcnow()
    if token:
        identity.refresh_token = token.get("refresh_token") or identity.refresh_token
        identity.access_token = token.get("access_token") or identity.access_token
    db.session.flush()
    return user, identity


def _create(claims: dict, email: str, role: str) -> User:
    base = re.sub(r"[^a-z0-9._-]", "", email.partition("@")[0].lower())[:60] or "user"
    username, n = base, 1
    while db.session.scalar(select(User.id).where(User.username == username)) is not None:
        n += 1
        username = f"{base}{n}"
    # No password of their own: signing in with one needs an admin to set it.
    user = User(username=username, full_name=str(claims.get("name") or username)[:120], role=role, email=email,
                password_hash=passwords.hash_password(secrets.token_urlsafe(32)))
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", obj=user, user=user,
                 details={"username": username, "role": role, "by": "sso", "issuer": claims.get("iss")})
    return user


def record_session(login_session, identity: OidcIdentity, claims: dict, *, second_factor: bool) -> None:
    """Tie a fieldapp session to the provider's sign-in it came from; audited with the ``amr``."""
    amr = ",".join(_values(claims.get("amr")))[:200]
    db.session.add(OidcLoginSession(login_session_id=login_session.id, identity_id=identity.id,
                                    sid=str(claims["sid"])[:255] if claims.get("sid") else None,
                                    second_factor=second_factor, amr=amr))
    audit.record("auth.sso", obj=login_session, user=identity.user,
                 details={"issuer": identity.issuer, "subject": identity.subject, "amr": amr,
                          "second_factor": "provider" if second_factor else "local"})
    db.session.commit()


def opened_by_provider(login_session) -> bool:
    """Whether ``login_session`` was opened by single sign-on."""
    if login_session is None:
        return False
    return db.session.get(OidcLoginSession, login_session.id) is not None


def provider_second_factor(login_session) -> bool:
    """Whether ``login_session`` was opened by a provider's token that showed a second factor."""
    if login_session is None:
        return False
    return bool(db.session.scalar(select(OidcLoginSession.second_factor)
                                  .where(OidcLoginSession.login_session_id == login_session.id)))
