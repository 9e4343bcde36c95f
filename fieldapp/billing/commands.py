"""``flask --app fieldapp billing export|profiles``: the billing export for a state's profile.

    flask --app fieldapp billing export --from 2026-01-01 --to 2026-03-31 --profile NY -o ny-q1.csv
    flask --app fieldapp billing export --from 2026-01-01 --to 2026-03-31 --profile NY --refused
    flask --app fieldapp billing profiles

Audited like an export from the page (docs/billing.md).
"""

import click
from flask.cli import AppGroup

from fieldapp.billing import profiles, services
from fieldapp.errors import ServiceError
from fieldapp.exports.commands import _filters, _write


@click.group("billing", cls=AppGroup)
def billing_command():
    """Medicaid mobile crisis billing (docs/billing.md)."""


@billing_command.command("export")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD) of calls received.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day included (YYYY-MM-DD).")
@click.option("--profile", required=True, help="The billing profile: a file name of billing_profiles/ (NY, CA ...).")
@click.option("--refused", is_flag=True, help="The refused encounters with their reasons instead of the lines.")
@click.option("--output", "-o", type=click.File("wb"), default="-", show_default="standard output")
def export(start, end, profile, refused, output):
    """Billable encounters as CSV lines (or, with --refused, the encounters refused and why)."""
    filters = _filters(start, end, None, None)
    try:
        made = services.billing_export(profile, "refused" if refused else "billable", filters, via="cli")
    except ServiceError as error:
        raise click.UsageError(" ".join([error.message, *(" ".join(v) for v in error.fields.values())])) from None
    _write(made, output)


@billing_command.command("profiles")
def list_profiles():
    """Every billing profile, checked against the schema."""
    names = profiles.available()
    if not names:
        raise click.ClickException(f"No billing profiles in {profiles.directory()}.")
    failed = False
    for name in names:
        try:
            profile = profiles.load(name)
        except ServiceError as error:
            failed = True
            click.echo(f"{name}: INVALID: {' | '.join(' '.join(v) for v in error.fields.values()) or error.message}")
        else:
            click.echo(f"{name}: {profile['name']} ({len(profile['rules'])} rules)")
    if failed:
        raise SystemExit(1)
