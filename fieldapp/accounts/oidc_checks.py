"""A user disabled or signed out at the OpenID provider loses every fieldapp session.

Two ways, since providers offer different things:
- **Back-channel logout** (OpenID Connect Back-Channel Logout 1.0), where the provider offers it: it
  POSTs a signed ``logout_token`` to ``/sso/backchannel-logout``; ``back_channel_logout`` checks it
  against the issuer's keys and ends the sessions of its ``sub`` (or ``sid``) at once.
- **A periodic check** through the job queue: the sweep (every ``JOBS_SWEEP_SECONDS``) enqueues a check
  of each provider account with a live session not checked for ``OIDC_CHECK_SECONDS``; the check uses
  the refresh token (a disabled user's is refused with ``invalid_grant``) or, without one, userinfo with
  the access token. A provider that cannot be reached proves nothing: the check is tried again.
With the defaults (120 s + a 15 s sweep) a disabled user is out within about 2.5 minutes.
"""

import logging
from datetime import timedelta

import requests
from flask import current_app
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import exists, select

from fieldapp.accounts import oidc
from fieldapp.accounts.models import LoginSession
from fieldapp.accounts.oidc_models import OidcIdentity, OidcLoginSession
from fieldapp.accounts.services import sign_out_everywhere
from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.errors import Invalid
from fieldapp.extensions import db
from fieldapp.jobs import queue as jobs

log = logging.getLogger(__name__)
JOB = "fieldapp.accounts.oidc_checks.check"
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def due_identities() -> list[int]:
    """Provider accounts whose user has a live session and that were not checked lately."""
    now = utcnow()
    since = now - _seconds(current_app.config["OIDC_CHECK_SECONDS"])
    live = exists().where(LoginSession.user_id == OidcIdentity.user_id, LoginSession.revoked_at.is_(None),
                          LoginSession.expires_at > now)
    return list(db.session.scalars(select(OidcIdentity.id).where(OidcIdentity.checked_at <= since, live)))


def _seconds(value) -> timedelta:
    return timedelta(seconds=float(value))


def sweep() -> int:
    """Enqueue a check of every provider account that is due (the job queue's periodic sweep)."""
    if not oidc.enabled():
        return 0
    due = due_identities()
    for identity_id in due:
        jobs.enqueue(JOB, identity_id, dedupe=f"oidc-check:{identity_id}")
    return len(due)


def check(identity_id: int) -> str:
    """Ask the provider whether this account may still sign in: "ok", "ended" or "unknown"."""
    identity = db.session.get(OidcIdentity, identity_id)
    if identity is None or not oidc.enabled():
        return "unknown"
    try:
        verdict = _ask_provider(identity)
    except (requests.RequestException, ValueError, KeyError) as error:
        log.warning("could not check the provider account %s: %s", identity_id, error)
        return "unknown"
    if verdict == "ok":
        identity.checked_at = utcnow()
        db.session.commit()
        return "ok"
    end_sessions(identity, "provider refused the account's tokens")
    return "ended"


def _ask_provider(identity: OidcIdentity) -> str:
    config = current_app.config
    metadata = oidc.client().load_server_metadata()
    auth = (config["OIDC_CLIENT_ID"], config.get("OIDC_CLIENT_SECRET") or "")
    if identity.refresh_token:
        answer = requests.post(metadata["token_endpoint"], timeout=10, auth=auth,
                               data={"grant_type": "refresh_token", "refresh_token": identity.refresh_token},
                               headers={"Accept": "application/json"})
        if answer.status_code == 200:
            tokens = answer.json()
            identity.refresh_token = tokens.get("refresh_token") or identity.refresh_token
            identity.access_token = tokens.get("access_token") or identity.access_token
            return "ok"
        if answer.status_code in (400, 401) and answer.json().get("error") in ("invalid_grant", "unauthorized_client"):
            return "refused"
        raise ValueError(f"token endpoint answered {answer.status_code}")
    if identity.access_token:
        answer = requests.get(metadata["userinfo_endpoint"], timeout=10,
                              headers={"Authorization": f"Bearer {identity.access_token}"})
        if answer.status_code == 200:
            return "ok"
        if answer.status_code in (401, 403):
            return "refused"
        raise ValueError(f"userinfo answered {answer.status_code}")
    raise ValueError("no token to check the account with")


def end_sessions(identity: OidcIdentity, reason: str) -> None:
    """End every session and token of the user behind ``identity``, audited."""
    identity.refresh_token = identity.access_token = None
    identity.checked_at = utcnow()
    sign_out_everywhere(identity.user)
    audit.record("auth.sso_sessions_ended", obj=identity, user=identity.user,
                 details={"reason": reason, "issuer": identity.issuer, "subject": identity.subject})
    db.session.commit()


def back_channel_logout(logout_token: str) -> int:
    """Check a provider's ``logout_token`` and end the sessions it names; answers how many provider
    accounts it ended. Refuses (``Invalid``) a token that is not the issuer's logout token for us."""
    if not isinstance(logout_token, str) or not 0 < len(logout_token) <= 8192:
        raise Invalid(_("Send the provider's logout_token."), fields={"logout_token": [_("Missing or too long.")]})
    config = current_app.config
    client = oidc.client()
    metadata = client.load_server_metadata()
    registry = JWSRegistry(algorithms=metadata.get("id_token_signing_alg_values_supported") or ["RS256"])
    try:
        token = jwt.decode(logout_token, KeySet.import_key_set(client.fetch_jwk_set()), registry=registry)
        jwt.JWTClaimsRegistry(leeway=120, iss={"essential": True, "value": metadata.get("issuer")},
                              aud={"essential": True, "value": config["OIDC_CLIENT_ID"]},
                              iat={"essential": True}).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise Invalid(_("The logout token is not valid."), fields={"logout_token": [str(error)[:200]]}) from None
    claims = token.claims
    events = claims.get("events")
    if not isinstance(events, dict) or LOGOUT_EVENT not in events or "nonce" in claims \
            or not (claims.get("sub") or claims.get("sid")):
        raise Invalid(_("The logout token is not a back-channel logout token."),
                      fields={"logout_token": [_("Not a logout token (events, sub or sid; no nonce).")]})
    query = select(OidcIdentity).where(OidcIdentity.issuer == metadata.get("issuer"))
    if claims.get("sub"):
        query = query.where(OidcIdentity.subject == str(claims["sub"]))
    if claims.get("sid"):
        query = query.where(OidcIdentity.id.in_(select(OidcLoginSession.identity_id)
                                                .where(OidcLoginSession.sid == str(claims["sid"]))))
    identities = list(db.session.scalars(query))
    for identity in identities:
        end_sessions(identity, "back-channel logout")
    return len(identities)
