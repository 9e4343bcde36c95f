"""Enforcing access for integration accounts (CAD systems, partner organizations), declared with
``fieldapp.web.access.allow_integration`` beside the people's roles.

Integration accounts authenticate with ``Authorization: Bearer fa_int_...`` (never a user's token)
and reach only the endpoints declared for their kind and one of their allowed actions; a person's
session or token never reaches those endpoints, and an integration key never reaches a person's.
``security.access.enforce_access`` hands both cases to ``enforce`` below. Every request with an
integration key is audited under ``integration:<name>``.
"""

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.audit import services as audit
from fieldapp.errors import Forbidden, Unauthorized
from fieldapp.extensions import db
from fieldapp.integrations.accounts import services as integrations
from fieldapp.web.access import IntegrationPolicy


def request_key() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token.startswith(integrations.KEY_PREFIX):
        return token
    return None


def concerns(policy) -> bool:
    """True when the request carries an integration key, or the endpoint is for integrations only."""
    if request_key() is not None:
        return True
    return isinstance(policy, IntegrationPolicy) and not policy.people


def _audit(account, outcome, message=None):
    details = {"method": request.method, "path": request.path}
    if message:
        details["message"] = message
    audit.record("integration.request", obj=account, object_type="integration_accounts", outcome=outcome,
                 user=integrations.actor(account) if account else None, details=details)
    db.session.commit()


def enforce(policy):
    key = request_key()
    account = integrations.authenticate(key) if key else None
    if not isinstance(policy, IntegrationPolicy):
        _audit(account, "denied", "integration key on a person's endpoint")
        raise Forbidden(_("An integration key reaches only the integration endpoints."))
    if key is None:
        if current_user.is_authenticated:
            raise Forbidden(_("Only integration accounts use this endpoint."))
        raise Unauthorized(_("Send the integration's key: 'Authorization: Bearer fa_int_...'."))
    if account is None:
        _audit(None, "failure", "unknown or revoked integration key")
        raise Unauthorized(_("This integration key is not valid, or it was revoked or rotated."))
    if not policy.allows(account.kind, account.actions):
        _audit(account, "denied", f"needs {policy.actions.get(account.kind, 'another kind of account')}")
        raise Forbidden(_("This integration account is not allowed to do this."))
    _audit(account, "success")
    g.integration = integrations.actor(account)
    return None
