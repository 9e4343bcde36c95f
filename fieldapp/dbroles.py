"""The two PostgreSQL roles: the owner (migrations, retention) and the app (what gunicorn uses).

The app's role may read and write the ordinary tables, but only INSERT into and SELECT from the
append-only ones (every model with ``__append_only__``: the audit trail, call timelines, signed
notes and their addenda, referral histories, live events). It owns nothing, so it cannot ALTER a
table, disable a trigger or TRUNCATE; those rows can only be removed by the owner's retention
commands (``flask --app fieldapp audit prune``, ``live prune``) through ``DATABASE_OWNER_URL``.

``flask --app fieldapp db-roles APP_ROLE`` (run as the owner after every ``flask db upgrade``) creates
the app's role if needed and sets its grants; it is idempotent. ``--sql`` prints the statements for a
DBA to review instead of running them.
"""

import os

import click
from sqlalchemy import text

from fieldapp import models  # noqa: F401 - every model, so every append-only table is known
from fieldapp.database import dialect_of, owner_session
from fieldapp.extensions import db

ROUTINE = "SELECT, INSERT, UPDATE, DELETE"


def append_only_tables() -> list[str]:
    """Every table whose model says ``__append_only__``, from the models themselves."""
    return sorted(mapper.class_.__tablename__ for mapper in db.Model.registry.mappers
                  if getattr(mapper.class_, "__append_only__", False))


def _quote(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name[:1].isalpha():
        raise click.BadParameter(f"{name!r}: a role name is letters, digits and underscores")
    return f'"{name}"'


def grant_statements(app_role: str, *, owner_role: str, database: str, password: str | None = None) -> list[str]:
    """The SQL that makes ``app_role`` the app's least-privileged role (idempotent)."""
    app_role, owner_role, database = _quote(app_role), _quote(owner_role), _quote(database)
    bare = app_role.strip('"')
    create = (f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{bare}') THEN "
              f"CREATE ROLE {app_role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; END IF; END $$")
    statements = [create]
    if password is not None:
        statements.append(f"ALTER ROLE {app_role} PASSWORD '{password.replace(chr(39), chr(39) * 2)}'")
    statements += [
        f"GRANT CONNECT ON DATABASE {database} TO {app_role}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {app_role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app_role}",
        f"GRANT {ROUTINE} ON ALL TABLES IN SCHEMA public TO {app_role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app_role}",
        # Tables the owner creates later (the next migration) get the same, until this runs again.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_role} IN SCHEMA public GRANT {ROUTINE} ON TABLES TO {app_role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_role} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {app_role}",
    ]
    statements += [f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {app_role}" for table in append_only_tables()]
    return statements


@click.command("db-roles")
@click.argument("app_role")
@click.option("--password-env", metavar="VAR", help="Set the role's password from this environment variable.")
@click.option("--sql", "print_only", is_flag=True, help="Print the statements instead of running them.")
def db_roles_command(app_role, password_env, print_only):
    """Create or update the app's least-privileged PostgreSQL role (run as the owner)."""
    with owner_session() as session:
        if dialect_of(session) != "postgresql":
            raise click.ClickException("Database roles are for PostgreSQL; SQLite has none.")
        owner, database = session.execute(text("SELECT current_user, current_database()")).one()
        password = os.environ.get(password_env) if password_env else None
        if password_env and not password:
            raise click.ClickException(f"{password_env} is not set.")
        statements = grant_statements(app_role, owner_role=owner, database=database, password=password)
        if print_only:
            click.echo(";\n".join(statements) + ";")
            return
        for statement in statements:
            session.execute(text(statement))
        session.commit()
    click.echo(f"{app_role}: read/write on the tables of {database}, insert-only on "
               f"{', '.join(append_only_tables())}; owner {owner}.")
