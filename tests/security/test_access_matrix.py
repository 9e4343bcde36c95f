"""Every registered route declares who may use it, and every role is held to it."""

import re

import pytest

from fieldapp.errors import SCRIPT_PATHS
from fieldapp.roles import ROLES
from fieldapp.web.access import PUBLIC, access_of, role_allowed
from tests.fixtures.integrations import error_code

SAMPLE_ARGS = {"int": "999999", "default": "x", "path": "x", "string": "x",
               "uuid": "00000000-0000-4000-8000-000000000000"}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>",
                          lambda m: SAMPLE_ARGS.get(m.group(1) or "default", "x"), rule.rule)
            yield rule.endpoint, method, path


def test_every_route_declares_its_access(app):
    undeclared = sorted({endpoint for endpoint, _, _ in routes(app) if access_of_in(app, endpoint) is None})
    assert undeclared == []


def access_of_in(app, endpoint):
    with app.test_request_context():
        return access_of(endpoint)


def test_public_routes_are_only_the_expected_ones(app):
    public = sorted({endpoint for endpoint, _, _ in routes(app) if access_of_in(app, endpoint) == PUBLIC})
    assert public == sorted(["api-docs.openapi_json", "api-docs.openapi_redoc", "api_accounts.issue_token",
                             "accounts.login", "mfa.code", "core.healthz", "core.home", "core.favicon", "static",
                             "offline.manifest", "offline.service_worker", "offline.offline_page",
                             # the code step's passkey, single sign-on's start, return and back-channel logout
                             "passkeys.sign_in_options", "passkeys.sign_in_with_passkey",
                             "sso.start", "sso.callback", "sso.back_channel_logout"])


def test_anonymous_requests_are_refused_everywhere_but_public_routes(app, client):
    for endpoint, method, path in routes(app):
        if access_of_in(app, endpoint) == PUBLIC:
            continue
        response = client.open(path, method=method)
        if path.startswith(SCRIPT_PATHS):
            assert response.status_code == 401, (method, path, response.status_code)
            assert error_code(response) == "unauthorized"
        elif method == "GET":
            assert response.status_code == 302 and "/login" in response.headers["Location"], (method, path)
        else:  # a form post without a session has no valid CSRF token either
            assert response.status_code in (302, 400), (method, path, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_routes_declared_for_it(app, api, pages, make_user, role):
    user = make_user(role)
    browser = pages(user)
    token = browser.csrf("/account")
    checked = 0
    for endpoint, method, path in routes(app):
        policy = access_of_in(app, endpoint)
        if policy == PUBLIC or endpoint in ("accounts.logout", "api_accounts.revoke_token"):
            continue
        if path.startswith("/api/"):
            response = api.client.open(path, method=method, headers=api.headers(user), json={})
        else:
            data = {"csrf_token": token} if method != "GET" else None
            response = browser.client.open(path, method=method, data=data)
        if role_allowed(policy, role):
            assert response.status_code not in (401, 403), (role, method, path, response.status_code)
        else:
            assert response.status_code == 403, (role, method, path, response.status_code)
            if path.startswith("/api/"):
                assert error_code(response) == "forbidden"
        checked += 1
    assert checked > 30


def test_refused_authorization_is_audited(api, make_user, db):
    from fieldapp.audit.models import AuditEvent

    officer = make_user("officer")
    assert api.get("/api/v1/users", user=officer).status_code == 403
    row = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "authz.denied")).one()
    assert row.user_id == officer.id
    assert row.outcome == "denied"
    assert row.details["path"] == "/api/v1/users"
