import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from fieldapp.audit.models import AuditEvent
from fieldapp.audit.services import record
from fieldapp.database import AppendOnlyError


def test_migrations_match_the_models(db):
    """The schema built by `flask db upgrade` is exactly what the models declare."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_audit_rows_cannot_be_changed_through_the_orm(db):
    event = record("test.event")
    db.session.commit()
    event.outcome = "tampered"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).outcome == "success"


def test_audit_rows_cannot_be_changed_in_the_database_either(db):
    record("test.event")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_events SET outcome = 'tampered'"))
    db.session.rollback()
    assert db.session.scalars(db.select(AuditEvent.outcome)).all() == ["success"]
