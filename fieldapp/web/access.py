"""Deny by default: a route is reachable only if it declares who may use it.

    @allow(DISPATCHER, ADMIN)      # these roles
    @allow(ANY_ROLE)               # any signed-in, active user
    @public                        # nobody needs to sign in (login page, health check)
    @enrolment_step                # also open to a session short of the second factor
    @open_while_locked             # also open to a session locked after inactivity (unlock, sign-out)
    @background                    # the app's own background traffic: not the user's activity
    @allow_integration("cad", "eido.intake")            # a CAD account allowed to send EIDO
    @allow_integration("partner", "referrals.update")   # a partner organization's account

This module only *declares*; every page imports it, so it imports nothing of the domain.
``fieldapp.security.access.enforce_access`` runs before every request, reads these declarations and
refuses any endpoint without one. Object-level rules (which calls a unit may see) live in each
domain's services.

A signed-in user whose role must use a second factor (``MFA_REQUIRED_ROLES``) and who has none yet
reaches only the routes marked ``@enrolment_step`` (set-up and sign-out).

Integration accounts authenticate with ``Authorization: Bearer fa_int_...`` (never a user's token)
and reach only the endpoints declared for their kind and one of their allowed actions; a person's
session or token never reaches those endpoints, and an integration key never reaches a person's.
"""

from flask import current_app, g

from fieldapp.roles import INTEGRATION_ACTIONS, ROLES

ANY_ROLE = "*"
PUBLIC = "public"
# Endpoints registered by Flask and flask-smorest themselves.
BUILTIN_PUBLIC = {"static", "api-docs.openapi_json", "api-docs.openapi_redoc"}


def allow(*roles):
    unknown = set(roles) - set(ROLES) - {ANY_ROLE}
    if unknown or not roles:
        raise ValueError(f"unknown roles in access declaration: {unknown or 'none given'}")

    def decorate(view):
        view.access = frozenset(roles)
        return view

    return decorate


def public(view):
    view.access = PUBLIC
    return view


def enrolment_step(view):
    view.enrolment_step = True
    return view


def open_while_locked(view):
    """Reachable while the session is locked after inactivity (``fieldapp.accounts.session_lock``)."""
    view.open_while_locked = True
    return view


def background(view):
    """A request here is the app's own (the live stream, offline copies), not the user's activity:
    it does not hold off the idle lock."""
    view.background = True
    return view


def declared(endpoint: str | None, mark: str) -> bool:
    """Whether the view of ``endpoint`` carries ``mark`` (``enrolment_step``, ``background`` ...)."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, mark, False))


class IntegrationPolicy(frozenset):
    """The access of an integration endpoint: a set of ``integration:<kind>`` roles (which no person
    ever has) and, per kind, the action the account must be allowed (``actions``). ``people`` are the
    person roles that may use the same endpoint with their own session or token (``@allow(...)`` under
    ``@allow_integration``): the FHIR Task serves clinicians and the partner organization alike."""

    def __new__(cls, actions: dict, people=frozenset()):
        policy = super().__new__(cls, {f"integration:{kind}" for kind in actions} | set(people))
        policy.actions = dict(actions)
        policy.kinds = frozenset(actions)
        policy.people = frozenset(people)
        return policy

    def allows(self, kind: str, granted) -> bool:
        return kind in self.actions and self.actions[kind] in granted


def allow_integration(kind: str, action: str):
    """Open an endpoint to integration accounts of ``kind`` allowed ``action``; stacked above
    ``@allow(ROLE, ...)`` it stays open to those people too, and stacked on another
    ``@allow_integration`` it opens the endpoint to both kinds (each with its own action)."""
    if kind not in INTEGRATION_ACTIONS or action not in INTEGRATION_ACTIONS[kind]:
        raise ValueError(f"unknown integration access: {kind} / {action}")

    def decorate(view):
        access = getattr(view, "access", None)
        if isinstance(access, IntegrationPolicy):
            view.access = IntegrationPolicy({**access.actions, kind: action}, access.people)
        else:
            view.access = IntegrationPolicy({kind: action}, access if isinstance(access, frozenset) else ())
        return view

    return decorate


def current_integration():
    """The acting integration (``IntegrationActor``) of this request: pass it as ``by=`` to services."""
    return g.integration


def access_of(endpoint: str):
    """The declared access of an endpoint: PUBLIC, a frozenset of roles, or None (denied)."""
    if endpoint in BUILTIN_PUBLIC:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def role_allowed(policy, role) -> bool:
    if policy == PUBLIC:
        return True
    if not policy:
        return False
    return ANY_ROLE in policy or role in policy
