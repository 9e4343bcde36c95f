"""Command-line tools: ``flask --app fieldapp create-user`` and ``seed-demo``."""

import time
import uuid
from datetime import timedelta

import click
from flask import current_app
from sqlalchemy import select, text

from fieldapp.accounts import licensure
from fieldapp.accounts import services as accounts
from fieldapp.accounts.models import User
from fieldapp.calls import services as calls
from fieldapp.calls import status as status_changes
from fieldapp.casefile import services as record
from fieldapp.clock import utcnow
from fieldapp.database import dialect_of
from fieldapp.demo import history as demo_history
from fieldapp.demo import places
from fieldapp.directory import services as directory
from fieldapp.errors import ServiceError
from fieldapp.extensions import db
from fieldapp.positions import services as positions
from fieldapp.roles import ROLES
from fieldapp.units import services as units
from fieldapp.units.models import Unit

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
@click.option("--email", default=None, help="Their e-mail at the single sign-on provider (optional).")
@click.password_option(help="Prompted for (twice, hidden) when not given.")
def create_user_command(username, role, full_name, password, email):
    """Create a user account."""
    try:
        user = accounts.create_user(username=username, full_name=full_name, role=role, password=password,
                                    email=email)
    except ServiceError as error:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
        raise click.ClickException(f"{error.message} {detail}".strip()) from None
    click.echo(f"Created {user.username} ({user.role}).")


@click.command("seed-demo")
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="Password for every demo user.")
@click.option("--history/--no-history", default=True, show_default=True,
              help="Also write 90 days of past calls, encounters, referrals and follow-ups (once).")
@click.option("--progress-to", type=click.File("a", lazy=False), default=None,
              help="Write the history's progress here ('demo history 120/400'; make run: the terminal).")
def seed_demo_command(password, history, progress_to):
    """Load demo users, units CR-1 and CR-2 with open shifts, calls in several states, and 90 days of history."""
    fresh = db.session.scalar(select(User).where(User.username == "dispatcher")) is None
    if fresh:
        _seed_setup(password)
    else:
        click.echo("Demo data is already there; logins unchanged.")
        password = password if password != DEMO_PASSWORD else f"{DEMO_PASSWORD} (unless changed)"
    if history:  # before today's shifts open: the history writes the units' past shifts
        _seed_history(_progress(progress_to) if progress_to else None)
    if fresh:
        _seed_today()
        click.echo("Demo data loaded.")
    _finish_jobs()
    click.echo(f"\nDemo logins (password: {password})")
    for username, name, role in DEMO_USERS:
        click.echo(f"  {username:<12} {role:<16} {name}")
    click.echo("\nTwo-step sign-in (TOTP): any user can set it up at /account/mfa with an authenticator app;\n"
               "to make a role need it, start with e.g. MFA_REQUIRED_ROLES=admin make run")


def seed_without_history(password: str) -> None:
    """The demo's users, units, directory, today's shifts and calls, without the history (tests)."""
    _seed_setup(password)
    _seed_today()


def _finish_jobs():
    """Without Redis the seed's jobs (the metrics' month and week rows) run in a thread of this process:
    let them finish; then SQLite folds its write-ahead log into the file, so the file alone holds the
    demo (a connection still open at exit would leave it in the -wal file)."""
    current_app.extensions["fieldapp_jobs"].finish()
    db.session.commit()
    if dialect_of(db.engine) == "sqlite":
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()


def _progress(out):
    """'[demo] history 120/400': rewritten in place on a terminal, else a line every 100 calls."""
    terminal = out.isatty()

    def show(written, total):
        if terminal:
            out.write(f"\r[demo] history {written}/{total}" + ("\n" if written == total else ""))
        elif written % 100 == 0 or written == total:
            out.write(f"[demo] history {written}/{total}\n")
        out.flush()
    return show


def _seed_history(progress=None):
    """90 days of calls, encounters, referrals and follow-ups (fieldapp.demo.history), once."""
    users = {user.username: user for user in db.session.scalars(
        select(User).where(User.username.in_([username for username, _, _ in DEMO_USERS])))}
    demo_units = [db.session.scalar(select(Unit).where(Unit.call_sign == sign)) for sign in ("CR-1", "CR-2")]
    if len(users) < len(DEMO_USERS) or None in demo_units:
        click.echo("Demo history skipped: the demo users or units CR-1 and CR-2 are not all there.")
        return
    if demo_history.written():
        click.echo("Demo history is already there.")
        return
    if any(units.open_shift_of(unit) for unit in demo_units):
        click.echo("Demo history skipped: CR-1 or CR-2 is on duty, and the history writes their past shifts "
                   "(it goes into a fresh demo database: make clean run).")
        return
    started = time.perf_counter()
    written = demo_history.seed(users, demo_units, progress)
    if written is not None:
        click.echo(f"Demo history: {written} calls over {demo_history.DAYS} days "
                   f"({time.perf_counter() - started:.0f} s).")


DEMO_DIRECTORY = [
    ("Harbor Behavioral Health", "Community mental health center.", [
        ("Mobile Crisis Follow-up", "crisis", "555-0150", "24/7", "Adults 18+ after a crisis contact.", False),
        ("Walk-in Counseling", "mental_health", "555-0151", "Mon-Fri 9-17", "Anyone in the county.", False),
        ("Harbor Opioid Treatment Program", "substance_use", "555-0152", "Mon-Sat 7-15",
         "Adults with opioid use disorder.", True),
    ]),
    ("Eastside Housing Coalition", "Emergency shelter and housing navigation.", [
        ("Emergency Shelter Intake", "housing", "555-0160", "24/7", "Adults without a safe place to sleep.", False),
        ("Peer Navigator Program", "peer_support", "555-0161", "Daily 8-20", "Anyone; peers with lived experience.",
         False),
    ]),
]


def _seed_directory(admin):
    for org_name, description, services in DEMO_DIRECTORY:
        organization = directory.create_organization({"name": org_name, "description": description}, admin)
        for name, category, phone, hours, eligibility, part2 in services:
            directory.create_service({"organization_id": organization.id, "name": name, "category": category,
                                      "phone": phone, "hours": hours, "eligibility_description": eligibility,
                                      "part2_program": part2}, admin)


def _seed_setup(password):
    """The users, their credentials, the directory and the units (off duty)."""
    users = {username: accounts.create_user(username=username, full_name=name, role=role, password=password)
             for username, name, role in DEMO_USERS}
    # billing (issue 21): the clinicians' credentials (an NPI with a right check digit; docs/billing.md).
    licensure.set_licensure(users["clinician1"], {"credential": "LCSW", "npi": "1234567893", "bh_role": "licensed"},
                            by=users["admin"])
    licensure.set_licensure(users["clinician2"], {"credential": "CPS", "bh_role": "peer"}, by=users["admin"])
    _seed_directory(users["admin"])
    places.seed_zones(users["admin"])
    for call_sign in ("CR-1", "CR-2", "CR-3"):
        units.create_unit(call_sign, by=users["admin"])


def _seed_today():
    """Today: CR-1 and CR-2 on duty, and calls in several states."""
    users = {user.username: user for user in db.session.scalars(select(User))}
    cr1, cr2 = (db.session.scalar(select(Unit).where(Unit.call_sign == sign)) for sign in ("CR-1", "CR-2"))
    dispatcher = users["dispatcher"]
    units.open_shift(cr1, clinician_id=users["clinician1"].id, officer_id=users["officer1"].id, by=dispatcher)
    units.open_shift(cr2, clinician_id=users["clinician2"].id, officer_id=users["officer2"].id, by=dispatcher)
    now = utcnow()

    def call(minutes_ago, call_type, priority, address, narrative, cautions=(), where=None):
        data = {"call_type": call_type, "priority": priority, "location": {"address": address, **(where or {})},
                "narrative": narrative, "cautions": list(cautions), "callback": "555-0100",
                "received_at": now - timedelta(minutes=minutes_ago)}
        return calls.create_call(data, by=dispatcher)[0]

    def tap(crew, target, *statuses, disposition=None):
        for status in statuses:
            status_changes.change_status(target.id, event_id=uuid.uuid4(), status=status, recorded_at=None,
                                         disposition=disposition if status == "cleared" else None, by=crew)

    call(3, "WELFARE", 3, "400 Pine St, Apt 2", "Neighbour worried: older man not seen for two days.",
         where=places.downtown(0.004, -0.006))
    # Downtown P1 (target 15 min), 12 minutes old and no unit there yet: the board's clock is amber.
    first = call(12, "SUICTHRT", 1, "18 Harbor View Rd",
                 "Caller's adult son texting goodbye messages; locked in bedroom.", ["firearm"],
                 where=places.downtown(0.012, 0.018))
    calls.assign(first.id, cr1.id, by=dispatcher)
    second = call(25, "EDP", 2, "Central Library, 200 Main St",
                  "Man shouting at patrons, appears disoriented.", ["violence_history"],
                  where=places.downtown(0, 0.001))
    calls.assign(second.id, cr2.id, by=dispatcher)
    tap(users["officer2"], second, "acknowledged", "en_route", "on_scene")
    third = call(95, "MNTL", 3, "Riverside Park bench by the boathouse", "Woman in distress, crying.",
                 where=places.downtown(-0.021, -0.015))
    calls.assign(third.id, cr1.id, by=dispatcher)
    tap(users["clinician1"], third, "acknowledged", "en_route", "on_scene")
    # The person the people search's help names ("reyes jor", templates/people/search.html).
    # Ids named, not drawn, so every fresh demo database is the same (tests/app/test_seed_demo.py).
    record.log_encounter(third.id, {"id": uuid.uuid5(uuid.NAMESPACE_URL, "fieldapp-demo:riverside-encounter"),
                                    "outcome": "resolved", "concerns": ["mental_health"],
                                    "person": {"id": uuid.uuid5(uuid.NAMESPACE_URL, "fieldapp-demo:jordan-reyes"),
                                               "given_name": "Jordan", "family_name": "Reyes",
                                               "approx_age": 34}}, by=users["clinician1"])
    tap(users["clinician1"], third, "cleared", disposition="encounter_logged")
    # Where the units are (issue 20): a short trail for each crew on shift, so the map shows them
    # (they turn grey two minutes after the seed, as a phone that stopped sending would).
    lat0, lon0 = places.CENTER  # the demo city, where its zones and calls are (places.py)
    for crew, unit, (lat, lon) in ((users["officer1"], cr1, (round(lat0 - 0.006, 4), round(lon0 + 0.004, 4))),
                                   (users["officer2"], cr2, (round(lat0 + 0.012, 4), round(lon0 - 0.009, 4)))):
        trail = [{"lat": lat - 0.002 * step, "lon": lon - 0.0015 * step, "accuracy_m": 8.0,
                  "recorded_at": now - timedelta(seconds=30 * step)} for step in range(4, -1, -1)]
        positions.record(unit.id, trail, device_id=f"demo-{unit.call_sign}", by=crew)
