"""``flask --app fieldapp live prune``: remove live events older than ``LIVE_EVENTS_KEEP_HOURS``.

Run it daily (cron or the platform's scheduler) on the owner's connection (``DATABASE_OWNER_URL``):
the app's database role may not delete them (``fieldapp.dbroles``).
"""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import ProgrammingError

from fieldapp.clock import utcnow
from fieldapp.database import owner_session
from fieldapp.live import retention


@click.group("live", cls=AppGroup)
def live_command():
    """Live update housekeeping."""


@live_command.command("prune")
@click.option("--keep-hours", type=click.IntRange(1, 24 * 365), default=None,
              help="Keep events this many hours old or newer (default: LIVE_EVENTS_KEEP_HOURS).")
def prune_command(keep_hours):
    """Remove old live events (streams only need the last moments to catch up)."""
    keep_hours = keep_hours or current_app.config["LIVE_EVENTS_KEEP_HOURS"]
    try:
        with owner_session() as session:
            removed = retention.prune(session, before=utcnow() - timedelta(hours=keep_hours))
            session.commit()
    except ProgrammingError as error:
        raise click.ClickException("The database refused (the app's role may not delete live events): "
                                   f"set DATABASE_OWNER_URL to the owner's connection. {error.orig}") from error
    click.echo(f"Removed {removed} live events older than {keep_hours} hours.")
