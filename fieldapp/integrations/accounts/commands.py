"""``flask --app fieldapp integration create NAME --kind cad|partner|crisis_line ...`` for deployment scripts."""

import uuid

import click
from flask.cli import AppGroup

from fieldapp.errors import ServiceError
from fieldapp.integrations.accounts import services

integration_cli = AppGroup("integration",
                           help="Integration accounts (CAD systems, partner organizations, 988 crisis lines).")


def _fail(error: ServiceError):
    detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
    raise click.ClickException(f"{error.message} {detail}".strip()) from None


def _by_name(name):
    found = [account for account in services.list_accounts() if account.name == name]
    if not found:
        raise click.ClickException(f"No integration named {name}.")
    return found[0]


@integration_cli.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice(list(services.KINDS)), required=True)
@click.option("--webhook-url", help="CAD, crisis_line: where status goes back (https on a public address).")
@click.option("--organization", "organization", help="Partner: the directory organization id (UUID).")
@click.option("--action", "actions", multiple=True, help="Allowed action (repeat); default: all of the kind.")
def create_command(name, kind, webhook_url, organization, actions):
    """Create an account; prints KEY=... (and WEBHOOK_SECRET=... for CAD and crisis_line) once."""
    try:
        organization_id = uuid.UUID(organization) if organization else None
    except ValueError:
        raise click.ClickException("--organization takes the organization's id (a UUID).") from None
    try:
        account, key, secret = services.create_account(name=name, kind=kind, actions=list(actions) or None,
                                                       organization_id=organization_id,
                                                       webhook_url=webhook_url, by=None)
    except ServiceError as error:
        _fail(error)
    click.echo(f"# integration {account.name} ({account.kind}), id {account.id}: store these now, "
               "they are not shown again", err=True)
    click.echo(f"KEY={key}")
    if secret:
        click.echo(f"WEBHOOK_SECRET={secret}")


@integration_cli.command("rotate")
@click.argument("name")
def rotate_command(name):
    """Give an account a new key (printed once as KEY=...); the old key stops working."""
    try:
        _, key = services.rotate_key(_by_name(name).id, by=None)
    except ServiceError as error:
        _fail(error)
    click.echo(f"KEY={key}")


@integration_cli.command("revoke")
@click.argument("name")
def revoke_command(name):
    """Revoke an account's key for good."""
    services.revoke(_by_name(name).id, by=None)
    click.echo(f"Revoked {name}.")


@integration_cli.command("list")
def list_command():
    for account in services.list_accounts():
        state = "active" if account.active else "revoked"
        click.echo(f"{account.id}\t{account.name}\t{account.kind}\t{state}\t{account.webhook_url or ''}")
