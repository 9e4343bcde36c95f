"""The single sign-on and passkey settings read from the environment, and the wrong ones refused."""

import pytest

from fieldapp.config import ConfigError, from_environment


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("FIELDAPP_ENV", "development")
    return monkeypatch


def test_defaults_leave_single_sign_on_off(env, tmp_path):
    config = from_environment(str(tmp_path))
    assert config["OIDC_ISSUER"] is None and config["OIDC_CLIENT_ID"] is None
    assert config["OIDC_ROLE_CLAIM"] == "groups" and config["OIDC_ROLE_MAP"] == {}
    assert config["OIDC_CREATE_USERS"] is False
    assert config["OIDC_MFA_AMR"] == ("mfa", "otp", "hwk", "swk")
    assert config["OIDC_DISPLAY_NAME"] == "Sign in with your agency account"


def test_settings_are_read(env, tmp_path):
    env.setenv("OIDC_ISSUER", "https://id.agency.example/realms/city")
    env.setenv("OIDC_CLIENT_ID", "fieldapp")
    env.setenv("OIDC_ROLE_CLAIM", "roles")
    env.setenv("OIDC_ROLE_MAP", '{"crisis-clinicians": "clinician"}')
    env.setenv("OIDC_CREATE_USERS", "1")
    env.setenv("OIDC_MFA_AMR", '["mfa", "hwk"]')
    env.setenv("WEBAUTHN_RP_ID", "field.agency.example")
    config = from_environment(str(tmp_path))
    assert config["OIDC_ROLE_MAP"] == {"crisis-clinicians": "clinician"} and config["OIDC_CREATE_USERS"] is True
    assert config["OIDC_MFA_AMR"] == ("mfa", "hwk") and config["OIDC_ROLE_CLAIM"] == "roles"
    assert config["WEBAUTHN_RP_ID"] == "field.agency.example"
    env.setenv("OIDC_MFA_AMR", "mfa, otp")
    assert from_environment(str(tmp_path))["OIDC_MFA_AMR"] == ("mfa", "otp")


@pytest.mark.parametrize(("name", "value", "says"), [
    ("OIDC_ROLE_MAP", '{"x": "boss"}', "unknown roles: boss"),
    ("OIDC_ROLE_MAP", "[1]", "JSON object"),
    ("OIDC_MFA_AMR", "[mfa]", "not valid JSON"),
    ("OIDC_MFA_AMR", "[1, 2]", "JSON list of strings"),
])
def test_wrong_settings_refuse_to_start(env, tmp_path, name, value, says):
    env.setenv(name, value)
    with pytest.raises(ConfigError, match=says):
        from_environment(str(tmp_path))
