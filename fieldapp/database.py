"""Declarative base and column types shared by every model."""

import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def dialect_of(bind) -> str:
    """The name of the database's dialect ("postgresql", "sqlite") behind a session, a connection or
    an engine: the one test for SQL that the two databases spell differently."""
    dialect = getattr(bind, "dialect", None)
    return (dialect if dialect is not None else bind.get_bind().dialect).name


def like_pattern(text: str) -> str:
    """A LIKE pattern (with ``escape="\\"``) matching ``text`` anywhere; % and _ are literal."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    PostgreSQL keeps ``timestamptz``; SQLite has no zone, so values are stored as UTC and
    handed back aware. Naive values are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UTCDateTime})


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a row of an append-only table."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_append_only(session, flush_context, instances):
    """Audit events and call timelines are records of what happened: insert only."""
    for obj in list(session.dirty) + list(session.deleted):
        if getattr(obj, "__append_only__", False) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError(f"{type(obj).__name__} rows are append-only")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """The embedded SQLite database: enforce foreign keys, let readers and a writer overlap, and sync
    the write-ahead log at checkpoints rather than at every commit (a power cut may lose the last
    commits, never corrupt the file: SQLite's recommended setting with WAL)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: no fsync at every commit, still never corrupt
        cursor.close()


def pooler_connect_args(config) -> dict:
    """``connect_args`` for an engine made apart from the app's (the owner's, for migrations)."""
    return {"prepare_threshold": None} if config.get("DATABASE_POOLER") == "transaction" else {}


def normalize_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` URLs hosting platforms hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(config) -> dict:
    """SQLAlchemy's engine options: the configured ones, and on PostgreSQL:

    - the network's timeouts (issue 24), so that no request waits on a database it cannot reach:
      ``DATABASE_CONNECT_TIMEOUT`` for a connection (the whole start-up, not only TCP), and the same
      for data sent on an open one that goes unacknowledged (``tcp_user_timeout``; keepalives find a
      silent peer between queries);
    - behind a pooler in transaction mode (``DATABASE_POOLER=transaction``: PgBouncer's
      ``pool_mode = transaction``) a connection is another client's between transactions, so nothing
      may live in the session: psycopg's prepared statements are turned off
      (``prepare_threshold=None``). The app keeps no other session state: advisory locks are
      transaction-scoped (``fieldapp.locks``), settings are ``SET LOCAL``, no LISTEN, and server-side
      cursors live inside a transaction."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not (config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("postgresql"):
        return options
    seconds = config["DATABASE_CONNECT_TIMEOUT"]
    network = {"connect_timeout": max(1, round(seconds)), "tcp_user_timeout": round(seconds * 1000),
               "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 2, "keepalives_count": 3}
    options["connect_args"] = {**network, **options.get("connect_args", {}), **pooler_connect_args(config)}
    return options


def limit_statements(engine: Engine, seconds: float) -> None:
    """Every new connection of ``engine`` ends a statement that runs longer than ``seconds``
    (PostgreSQL's statement_timeout; 0: no limit). Set after connecting rather than as a start-up
    option, which PgBouncer refuses."""
    if engine.dialect.name != "postgresql" or not seconds:
        return

    @event.listens_for(engine, "connect")
    def _statement_timeout(dbapi_connection, connection_record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        dbapi_connection.commit()


@contextmanager
def owner_session():
    """A session on the owner's connection (``DATABASE_OWNER_URL``), else on the app's own."""
    url = current_app.config.get("DATABASE_OWNER_URL")
    engine = create_engine(normalize_database_url(url), connect_args=pooler_connect_args(current_app.config)) \
        if url else current_app.extensions["sqlalchemy"].engine
    try:
        with Session(engine) as session:
            yield session
    finally:
        if url:
            engine.dispose()
