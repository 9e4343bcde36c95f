"""``flask metrics rebuild``: make the dashboard's daily roll-ups again from the records.

Run it after a bulk load or a backfill that bypassed the app (raw SQL, COPY), after changing the
agency's time zone (the setting ``fieldapp.clock`` reads), and once after the migration that added
the roll-ups to a database that already held calls (until then the figures are computed from the
records, correct but slow).
"""

import time

import click
from flask.cli import AppGroup

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.metrics import tracking


@click.group("metrics", cls=AppGroup)
def metrics_command():
    """The program metrics' daily roll-ups."""


@metrics_command.command("rebuild")
def rebuild_command():
    """Make every daily roll-up again from the records (one transaction)."""
    started = time.perf_counter()
    tracking.rebuild_all(db.session, clock.zone_name())
    db.session.commit()
    click.echo(f"Metrics roll-ups rebuilt in {time.perf_counter() - started:.1f} s.")
