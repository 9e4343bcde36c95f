"""TOTP secrets encrypted at rest (issue 22, defect 7): Fernet under FIELD_ENCRYPTION_KEY, a migration
that encrypts the secrets already stored, and a command that rotates the key."""

import uuid

import pyotp
import pytest
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet, InvalidToken
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from fieldapp import create_app
from fieldapp.audit.models import AuditEvent
from fieldapp.config import ConfigError, from_environment
from fieldapp.crypto import field_cipher
from fieldapp.extensions import db as _db
from tests.fixtures.mfa import code, enrol, token_request


def stored_secret(db, user) -> str:
    return db.session.execute(text("SELECT secret FROM mfa_totp WHERE user_id = :id"), {"id": user.id}).scalar_one()


def test_the_secret_is_stored_encrypted_and_still_signs_in(app, api, make_user, db):
    user = make_user()
    secret, _ = enrol(api, user)
    stored = stored_secret(db, user)
    assert secret not in stored and stored.startswith("gAAAAA")  # a Fernet token, not the base32 secret
    assert field_cipher(app).decrypt(stored.encode()).decode() == secret
    assert api.post("/api/v1/auth/token", token_request(user, otp=code(secret, 1))).status_code == 201


def test_rotating_the_key_re_encrypts_every_secret(app, api, make_user, db, monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", old)
    user = make_user()
    secret, _ = enrol(api, user)
    under_old = stored_secret(db, user)
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", f"{new},{old}")
    result = app.test_cli_runner().invoke(args=["mfa", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 TOTP secret(s)" in result.output
    rotated = stored_secret(db, user)
    assert rotated != under_old
    assert Fernet(new.encode()).decrypt(rotated.encode()).decode() == secret
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(rotated.encode())
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", new)  # the old key removed: still signs in
    assert api.post("/api/v1/auth/token", token_request(user, otp=code(secret, 1))).status_code == 201
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mfa.key_rotate")).one()
    assert audit.details == {"secrets": 1} and audit.username.startswith("cli:")


def test_new_key_prints_a_fernet_key(app):
    result = app.test_cli_runner().invoke(args=["mfa", "new-key"])
    assert result.exit_code == 0
    Fernet(result.output.strip().removeprefix("FIELD_ENCRYPTION_KEY=").encode())


def test_production_refuses_to_start_without_a_valid_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("FIELDAPP_ENV", "production")
    monkeypatch.delenv("FIELD_ENCRYPTION_KEY", raising=False)
    with pytest.raises(ConfigError, match="FIELD_ENCRYPTION_KEY is not set"):
        from_environment(str(tmp_path))
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", f"{Fernet.generate_key().decode()},not-a-key")
    with pytest.raises(ConfigError, match="key 2 is not a Fernet key"):
        from_environment(str(tmp_path))
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", key)
    assert from_environment(str(tmp_path))["FIELD_ENCRYPTION_KEY"] == key


def test_the_migration_encrypts_the_secrets_already_stored(tmp_path):
    """A database with a secret stored in clear (before this revision): the upgrade encrypts it, the
    downgrade gives it back in clear."""
    key = Fernet.generate_key().decode()
    other = create_app({"TESTING": True, "SECRET_KEY": uuid.uuid4().hex, "REDIS_URL": None,
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrate.db'}", "FIELD_ENCRYPTION_KEY": key})
    secret = pyotp.random_base32()
    try:
        with other.app_context():
            config = other.extensions["migrate"].migrate.get_config()
            before = ScriptDirectory.from_config(config).get_revision("i22b_1").down_revision  # re-chained on merges
            upgrade(revision=before)
            with _db.engine.begin() as conn:
                conn.execute(text("INSERT INTO users (id, username, full_name, role, password_hash, active, "
                                  "failed_logins, created_at, password_changed_at) VALUES (1, 'ana', 'Ana', "
                                  "'officer', 'x', 1, 0, '2026-01-01', '2026-01-01')"))
                conn.execute(text("INSERT INTO mfa_totp (user_id, secret, created_at) VALUES (1, :s, '2026-01-01')"),
                             {"s": secret})
            upgrade(revision="i22b_1")
            with _db.engine.connect() as conn:
                stored = conn.execute(text("SELECT secret FROM mfa_totp")).scalar_one()
            assert stored != secret and Fernet(key.encode()).decrypt(stored.encode()).decode() == secret
            downgrade(revision=before)
            with _db.engine.connect() as conn:
                assert conn.execute(text("SELECT secret FROM mfa_totp")).scalar_one() == secret
    finally:
        other.extensions["fieldapp_jobs"].finish(10)
        with other.app_context():
            _db.engine.dispose()
