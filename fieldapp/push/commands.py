"""``flask --app fieldapp push keygen``: a VAPID key pair for the ``.env`` file."""

import click
from flask.cli import AppGroup

from fieldapp.push import keys

push_cli = AppGroup("push", help="Web Push call alerts.")


@push_cli.command("keygen")
def keygen_command():
    """Print a new VAPID key pair as VAPID_PRIVATE_KEY=... and VAPID_PUBLIC_KEY=... lines.

    Keep the private key secret; changing it invalidates every subscription (browsers subscribed
    with the old public key), so make it once per deployment."""
    private, public = keys.generate()
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo(f"VAPID_PUBLIC_KEY={public}")
