import pytest

from fieldapp import create_app
from fieldapp.config import ConfigError, from_environment
from fieldapp.database import normalize_database_url


def test_create_app_uses_given_config(app):
    assert app.testing
    assert app.config["MAX_FAILED_LOGINS"] == 5
    assert app.config["SESSION_IDLE_MINUTES"] == 30
    assert app.config["SESSION_ABSOLUTE_HOURS"] == 12
    assert {"api_calls", "api_units", "api_accounts", "calls", "accounts", "units", "core"} <= set(app.blueprints)


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FIELDAPP_ENV", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_development_demo_makes_and_keeps_its_own_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FIELDAPP_ENV", "development")
    first = from_environment(str(tmp_path))
    second = from_environment(str(tmp_path))
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert first["SESSION_COOKIE_SECURE"] is False


def test_production_config_reads_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.delenv("FIELDAPP_ENV", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/fieldapp")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("FIELDAPP_TIMEZONE", "America/Denver")
    config = from_environment(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db:5432/fieldapp"
    assert config["REDIS_URL"] == "redis://cache:6379/0"
    assert config["FIELDAPP_TIMEZONE"] == "America/Denver"
    assert config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("given,expected", [
    ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
    ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
    ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_from_hosting_platforms_are_accepted(given, expected):
    assert normalize_database_url(given) == expected


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_health_check_is_public(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_openapi_document_describes_the_v1_contract(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/users", "/api/v1/units",
                 "/api/v1/units/{unit_id}/shift", "/api/v1/calls", "/api/v1/calls/{call_id}",
                 "/api/v1/calls/{call_id}/assign", "/api/v1/calls/{call_id}/cancel",
                 "/api/v1/calls/{call_id}/status"):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/v1/auth/token"]) >= {"post", "delete"}
    status_body = spec["components"]["schemas"]["StatusChange"]
    assert {"id", "status"} <= set(status_body["required"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_api_docs_page_loads_vendored_redoc(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "/static/vendor/redoc/redoc.standalone.js" in response.get_data(as_text=True)


def test_unknown_api_path_gets_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("given,expected", [("", 30), ("15", 15.0), ("0.2", 0.2)])
def test_the_idle_lock_is_read_from_the_environment(monkeypatch, tmp_path, given, expected):
    monkeypatch.setenv("FIELDAPP_ENV", "development")
    monkeypatch.setenv("SESSION_IDLE_MINUTES", given)
    assert from_environment(str(tmp_path))["SESSION_IDLE_MINUTES"] == expected


@pytest.mark.parametrize("given", ["thirty", "0", "-5", "nan", "100000"])
def test_a_wrong_idle_lock_setting_refuses_to_start(monkeypatch, tmp_path, given):
    monkeypatch.setenv("FIELDAPP_ENV", "development")
    monkeypatch.setenv("SESSION_IDLE_MINUTES", given)
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES"):
        from_environment(str(tmp_path))
