"""The database's timeouts are settings (issue 24): connecting (and data unacknowledged on an open
connection) within DATABASE_CONNECT_TIMEOUT, statements within DATABASE_STATEMENT_TIMEOUT."""

import os

import pytest
from sqlalchemy import text

from fieldapp import create_app
from fieldapp.database import engine_options
from fieldapp.extensions import db as _db


def test_postgresql_connections_get_the_connect_timeout_and_sqlite_ones_nothing():
    options = engine_options({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/app", "DATABASE_CONNECT_TIMEOUT": 3.0,
                              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}})
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["connect_timeout"] == 3 and options["connect_args"]["tcp_user_timeout"] == 3000
    sqlite = engine_options({"SQLALCHEMY_DATABASE_URI": "sqlite://", "DATABASE_CONNECT_TIMEOUT": 3.0})
    assert "connect_args" not in sqlite


def test_the_statement_timeout_is_set_on_each_connection(app):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL's statement_timeout (TEST_DATABASE_URL)")
    limited = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None,
                          "DATABASE_STATEMENT_TIMEOUT": 1.5})
    with limited.app_context():
        try:
            assert _db.session.scalar(text("SHOW statement_timeout")) == "1500ms"
        finally:
            _db.session.remove()
            _db.engine.dispose()
    with app.app_context():  # the default: no limit
        assert _db.session.scalar(text("SHOW statement_timeout")) == "0"
        _db.session.rollback()
