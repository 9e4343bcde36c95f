"""``flask --app fieldapp mfa new-key`` and ``mfa rotate-key``: the keys TOTP secrets are encrypted
under (``fieldapp.crypto``, ``FIELD_ENCRYPTION_KEY``)."""

import getpass
from types import SimpleNamespace

import click
from cryptography.fernet import Fernet
from flask.cli import AppGroup

from fieldapp.mfa import services


@click.group("mfa", cls=AppGroup)
def mfa_cli():
    """Encryption keys of the second factors' secrets."""


@mfa_cli.command("new-key")
def new_key_command():
    """Print a new key: put it first in FIELD_ENCRYPTION_KEY (comma-separated), then run rotate-key."""
    click.echo("FIELD_ENCRYPTION_KEY=" + Fernet.generate_key().decode())


@mfa_cli.command("rotate-key")
def rotate_key_command():
    """Re-encrypt every TOTP secret under the first key of FIELD_ENCRYPTION_KEY; afterwards the
    keys after it can be removed. Audited (``mfa.key_rotate``)."""
    operator = SimpleNamespace(id=None, username=f"cli:{getpass.getuser()}")
    count = services.rotate_secrets(by=operator)
    click.echo(f"Re-encrypted {count} TOTP secret(s) under the first key of FIELD_ENCRYPTION_KEY; "
               "the other keys can be removed now.")
