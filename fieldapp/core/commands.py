"""Command-line tools: ``flask --app fieldapp create-user`` and ``seed-demo``."""

import uuid
from datetime import timedelta

import click
from sqlalchemy import select

from fieldapp.accounts import services as accounts
from fieldapp.accounts.models import User
from fieldapp.accounts.roles import ROLES
from fieldapp.calls import services as calls
from fieldapp.database import utcnow
from fieldapp.errors import ServiceError
from fieldapp.extensions import db
from fieldapp.units import services as units

DEMO_PASSWORD = "demo-field-2026"  # noqa: S105 - printed for the local demo only
DEMO_USERS = [
    ("dispatcher", "Dana Dispatcher", "dispatcher"),
    ("officer1", "Omar Ortiz", "officer"),
    ("clinician1", "Claire Chen", "clinician"),
    ("officer2", "Olivia Okafor", "officer"),
    ("clinician2", "Carlos Castillo", "clinician"),
    ("manager", "Maya Manager", "program_manager"),
    ("admin", "Ari Admin", "admin"),
]


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--full-name", required=True)
@click.password_option(help="Prompted for (twice, hidden) when not given.")
def create_user_command(username, role, full_name, password):
    """Create a user account."""
    try:
        user = accounts.create_user(username=username, full_name=full_name, role=role, password=password)
    except ServiceError as error:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
        raise click.ClickException(f"{error.message} {detail}".strip()) from None
    click.echo(f"Created {user.username} ({user.role}).")


@click.command("seed-demo")
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="Password for every demo user.")
def seed_demo_command(password):
    """Load demo users, units CR-1 and CR-2 with open shifts, and calls in several states."""
    if db.session.scalar(select(User).where(User.username == "dispatcher")) is None:
        _seed(password)
        click.echo("Demo data loaded.")
    else:
        click.echo("Demo data is already there; logins unchanged.")
        password = password if password != DEMO_PASSWORD else f"{DEMO_PASSWORD} (unless changed)"
    click.echo(f"\nDemo logins (password: {password})")
    for username, name, role in DEMO_USERS:
        click.echo(f"  {username:<12} {role:<16} {name}")


def _seed(password):
    users = {username: accounts.create_user(username=username, full_name=name, role=role, password=password)
             for username, name, role in DEMO_USERS}
    dispatcher = users["dispatcher"]
    cr1 = units.create_unit("CR-1", by=users["admin"])
    cr2 = units.create_unit("CR-2", by=users["admin"])
    units.create_unit("CR-3", by=users["admin"])
    units.open_shift(cr1, clinician_id=users["clinician1"].id, officer_id=users["officer1"].id, by=dispatcher)
    units.open_shift(cr2, clinician_id=users["clinician2"].id, officer_id=users["officer2"].id, by=dispatcher)
    now = utcnow()

    def call(minutes_ago, call_type, priority, address, narrative, cautions=()):
        data = {"call_type": call_type, "priority": priority, "location": {"address": address},
                "narrative": narrative, "cautions": list(cautions), "callback": "555-0100",
                "received_at": now - timedelta(minutes=minutes_ago)}
        return calls.create_call(data, by=dispatcher)[0]

    def tap(crew, target, *statuses, disposition=None):
        for status in statuses:
            calls.change_status(target.id, event_id=uuid.uuid4(), status=status, recorded_at=None,
                                disposition=disposition if status == "cleared" else None, by=crew)

    call(3, "WELFARE", 3, "400 Pine St, Apt 2", "Neighbour worried: older man not seen for two days.")
    first = call(12, "SUICTHRT", 1, "18 Harbor View Rd",
                 "Caller's adult son texting goodbye messages; locked in bedroom.", ["firearm"])
    calls.assign(first.id, cr1.id, by=dispatcher)
    second = call(25, "EDP", 2, "Central Library, 200 Main St",
                  "Man shouting at patrons, appears disoriented.", ["violence_history"])
    calls.assign(second.id, cr2.id, by=dispatcher)
    tap(users["officer2"], second, "acknowledged", "en_route", "on_scene")
    third = call(95, "MNTL", 3, "Riverside Park bench by the boathouse", "Woman in distress, crying.")
    calls.assign(third.id, cr1.id, by=dispatcher)
    tap(users["clinician1"], third, "acknowledged", "en_route", "on_scene", "cleared",
        disposition="encounter_logged")
