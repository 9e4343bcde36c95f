"""Single sign-on and passkeys in Chromium on a 360 px phone.

The app runs under gunicorn with single sign-on against a real OpenID provider in this process
(oidc-provider-mock); the browser goes the whole way (fieldapp -> the provider's form -> back). Passkeys
use Chromium's virtual authenticator (CDP WebAuthn domain: ctap2, internal transport, user verification),
as a phone's screen lock would answer. The site is served as http://localhost (a WebAuthn RP ID cannot be
an IP address)."""

import json
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BIN, PHONE, REPO_ROOT, serve
from tests.browser.test_mfa import fits_a_phone
from tests.fixtures.sso import ROLE_MAP
from tests.fixtures.waiting import wait_until

pytestmark = pytest.mark.browser
EMAIL = "carla@agency.example"


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory, seeded_database, oidc_provider):
    """fieldapp with single sign-on on, an admin-created user with an e-mail, checks every 2 s; served
    as localhost (a WebAuthn RP ID is a name, not an address)."""
    def add_carla(env):
        subprocess.run([str(BIN / "flask"), "--app", "fieldapp", "create-user", "carla", "--role", "officer",
                        "--full-name", "Carla Cruz", "--email", EMAIL, "--password", "violet-harbor-engine-47"],
                       cwd=REPO_ROOT, env=env, check=True, capture_output=True, timeout=60)

    servers = serve(tmp_path_factory.mktemp("sso_server"), seeded_database, prepare=add_carla,
                    AUTHLIB_INSECURE_TRANSPORT="1", OIDC_ISSUER=oidc_provider.issuer, OIDC_CLIENT_ID="fieldapp",
                    OIDC_CLIENT_SECRET="s3cret", OIDC_DISPLAY_NAME="Sign in with Agency ID",
                    OIDC_ROLE_MAP=json.dumps(ROLE_MAP), OIDC_CHECK_SECONDS="2", JOBS_SWEEP_SECONDS="1")
    server = next(servers)
    try:
        yield server.url.replace("127.0.0.1", "localhost"), server.password
    finally:
        servers.close()  # the server stops (serve's own finally)


@pytest.fixture
def phone(browser, sso_server):
    context = browser.new_context(base_url=sso_server[0], **PHONE)
    yield context.new_page()
    context.close()


def sso_sign_in(page, sub):
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Agency ID").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_single_sign_on_through_the_provider_then_disabled_there(phone, oidc_provider, browser_screenshot):
    oidc_provider.set_user(EMAIL, groups=["fieldapp-clinicians"], name="Carla Cruz", amr=["pwd", "mfa"])
    phone.goto("/login")
    expect(phone.get_by_role("link", name="Sign in with Agency ID")).to_be_visible()
    fits_a_phone(phone)
    browser_screenshot(phone, "sso-login")
    sso_sign_in(phone, EMAIL)
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    phone.goto("/account")
    expect(phone.get_by_text("signed in as")).to_contain_text("carla")
    expect(phone.get_by_text("Clinician")).to_be_visible()  # the provider's group gave the role

    oidc_provider.disable(EMAIL)  # the provider's admin disables the account
    wait_until(lambda: phone.goto("/account") and "/login" in phone.url, timeout=60, interval=1)
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()


def test_claims_that_map_to_no_role_are_refused_with_a_page_saying_so(phone, oidc_provider, browser_screenshot):
    oidc_provider.set_user(EMAIL, groups=["payroll"])
    sso_sign_in(phone, EMAIL)
    expect(phone.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(phone.locator("#sso-refused")).to_contain_text("not given any role in fieldapp")
    fits_a_phone(phone)
    browser_screenshot(phone, "sso-refused")


def virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
    return cdp


def test_a_passkey_set_up_on_the_account_page_signs_in_and_is_removed(phone, sso_server, browser_screenshot):
    _, password = sso_server
    virtual_authenticator(phone)
    phone.goto("/login")
    phone.get_by_label("Username", exact=True).fill("clinician2")
    phone.get_by_label("Password", exact=True).fill(password)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    phone.goto("/account")
    phone.get_by_role("link", name="Passkeys").click()
    phone.get_by_label("Name of the new passkey").fill("Work phone")
    phone.get_by_role("button", name="Add a passkey").click()
    expect(phone.get_by_role("list", name="Your passkeys")).to_contain_text("Work phone")
    fits_a_phone(phone)
    browser_screenshot(phone, "passkeys")

    phone.get_by_role("button", name="Sign out").click()
    phone.get_by_label("Username", exact=True).fill("clinician2")
    phone.get_by_label("Password", exact=True).fill(password)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Use your passkey")
    expect(phone.get_by_role("button", name="Sign out")).to_have_count(0)
    fits_a_phone(phone)
    browser_screenshot(phone, "passkey-sign-in")
    phone.get_by_role("button", name="Use a passkey").click()
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()

    phone.goto("/account/passkeys")
    phone.get_by_role("button", name="Remove Work phone").click()
    expect(phone.get_by_text("No passkeys yet.")).to_be_visible()
