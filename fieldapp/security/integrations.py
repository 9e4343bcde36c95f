"""Access for integration accounts (CAD systems, partner organizations), beside the people's roles.

    @allow_integration("cad", "eido.intake")            # a CAD account allowed to send EIDO
    @allow_integration("partner", "referrals.update")   # a partner organization's account

Integration accounts authenticate with ``Authorization: Bearer fa_int_...`` (never a user's token)
and reach only the endpoints declared for their kind and one of their allowed actions; a person's
session or token never reaches those endpoints, and an integration key never reaches a person's.
``security.access.enforce_access`` hands both cases to ``enforce`` below. Every request with an
integration key is audited under ``integration:<name>``.
"""

from flask import g, request
from flask_login import current_user

from fieldapp.audit import services as audit
from fieldapp.errors import Forbidden, Unauthorized
from fieldapp.extensions import db
from fieldapp.integrations.accounts import services as integrations


class IntegrationPolicy(frozenset):
    """The access of an integration endpoint: a set of ``integration:<kind>`` roles (which no person
    ever has) and the action the account must be allowed. ``people`` are the person roles that may use
    the same endpoint with their own session or token (``@allow(...)`` under ``@allow_integration``):
    the FHIR Task serves clinicians and the partner organization alike."""

    def __new__(cls, kinds, action, people=frozenset()):
        policy = super().__new__(cls, {f"integration:{kind}" for kind in kinds} | set(people))
        policy.kinds = frozenset(kinds)
        policy.action = action
        policy.people = frozenset(people)
        return policy


def allow_integration(kind: str, action: str):
    """Open an endpoint to integration accounts of ``kind`` allowed ``action``; stacked above
    ``@allow(ROLE, ...)`` it stays open to those people too."""
    if kind not in integrations.ACTIONS or action not in integrations.ACTIONS[kind]:
        raise ValueError(f"unknown integration access: {kind} / {action}")

    def decorate(view):
        people = getattr(view, "access", None)
        view.access = IntegrationPolicy({kind}, action, people if isinstance(people, frozenset) else ())
        return view

    return decorate


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


def current_integration():
    """The acting integration (``IntegrationActor``) of this request: pass it as ``by=`` to services."""
    return g.integration


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
        raise Forbidden("An integration key reaches only the integration endpoints.")
    if key is None:
        if current_user.is_authenticated:
            raise Forbidden("Only integration accounts use this endpoint.")
        raise Unauthorized("Send the integration's key: 'Authorization: Bearer fa_int_...'.")
    if account is None:
        _audit(None, "failure", "unknown or revoked integration key")
        raise Unauthorized("This integration key is not valid, or it was revoked or rotated.")
    if account.kind not in policy.kinds or policy.action not in account.actions:
        _audit(account, "denied", f"needs {policy.action}")
        raise Forbidden("This integration account is not allowed to do this.")
    _audit(account, "success")
    g.integration = integrations.actor(account)
    return None
