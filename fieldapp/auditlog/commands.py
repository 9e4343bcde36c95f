"""``flask --app fieldapp audit verify`` and ``audit prune``: the operator's audit tools.

    flask --app fieldapp audit verify                      # exit 1 naming the first broken or missing row
    DATABASE_OWNER_URL=... flask --app fieldapp audit prune --before 2025-01-01

Prune deletes, which the app's database role may not do: it runs on the owner's connection
(``DATABASE_OWNER_URL``; see ``fieldapp.dbroles``). Both are audited.
"""

import getpass
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import ProgrammingError

from fieldapp.audit import chain, retention
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import utcnow
from fieldapp.database import owner_session
from fieldapp.errors import ServiceError
from fieldapp.extensions import db
from fieldapp.live import retention as live_retention


@click.group("audit", cls=AppGroup)
def audit_command():
    """Check and prune the audit trail."""


def _operator() -> str:
    return f"cli:{getpass.getuser()}"


@audit_command.command("verify")
def verify_command():
    """Check the hash chain; exit 1 naming the first row changed or missing."""
    report = chain.verify(db.session)
    db.session.rollback()
    # Reading the audit log is itself audited (CJIS Security Policy 5.4.1.1).
    chain.pending(db.session).append(AuditEvent(
        at=utcnow(), action="audit.verify", username=_operator(), outcome="success" if report.ok else "failure",
        details=chain.jsonable({"rows": report.rows, "broken_id": report.broken_id})))
    db.session.commit()
    if not report.ok:
        click.echo(f"BROKEN after {report.rows} rows: {report.problem}", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {report.rows} audit rows chained; the last is row {report.last_id} ({report.last_hash}). "
               "Keep that line somewhere else to prove later that no newer row was removed.")


@audit_command.command("prune")
@click.option("--before", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Remove audit rows from before this UTC day (YYYY-MM-DD); at least a year ago.")
def prune_command(before):
    """Remove audit rows older than a year and stale live events; the removal is audited."""
    keep_hours = current_app.config["LIVE_EVENTS_KEEP_HOURS"]
    try:
        with owner_session() as session:
            stale = utcnow() - timedelta(hours=keep_hours)
            row = retention.prune(session, before=before.date(), operator=_operator(),
                                  also={"live_events_removed": lambda s: live_retention.prune(s, before=stale)})
            session.commit()
            details = dict(row.details)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    except ProgrammingError as error:
        raise click.ClickException("The database refused (the app's role may not delete audit rows): "
                                   f"set DATABASE_OWNER_URL to the owner's connection. {error.orig}") from error
    click.echo(f"Removed {details['removed']} audit rows from before {details['before']} and "
               f"{details['live_events_removed']} live events older than {keep_hours} hours.")
