"""``flask seed-demo`` writes 90 days of history through the services, once, and the dashboard shows it."""

import re
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import func, select

from fieldapp import clock
from fieldapp.accounts.models import User
from fieldapp.calls.models import Call
from fieldapp.clock import utcnow
from fieldapp.demo import history as demo_history
from fieldapp.demo.commands import seed_demo_command
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import section1947, services, tracking
from fieldapp.metrics.filters import Filters, Periods, filters_from
from fieldapp.notes.models import FollowUp
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.units.models import Shift
from tests.fixtures.database import empty_tables


def _seed(app):
    with app.app_context():
        result = CliRunner().invoke(seed_demo_command, ["--password", "demo-pass-for-tests-2026"], obj=None,
                                    standalone_mode=False)
    assert result.exception is None, result.output
    return result.output


def _counts(db):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Call, Encounter, Referral, ReferralEvent, FollowUp)}


def test_seed_demo_writes_90_days_of_history_once_and_the_dashboard_shows_it(app, db):
    output = _seed(app)
    assert "Demo history:" in output
    history = db.session.scalars(select(Call).where(Call.external_id.like("DEMO-%"))).all()
    assert len(history) >= 3 * (demo_history.DAYS - 1)
    received = sorted(call.received_at for call in history)
    assert received[-1] - received[0] > timedelta(days=demo_history.DAYS - 3) and received[-1] < utcnow()
    assert received[0] >= filters_from({}, app.config["FIELDAPP_TIMEZONE"]).start  # all in the default 90 days
    assert {call.unit.call_sign for call in history if call.unit} == {"CR-1", "CR-2"}  # both units
    assert {call.status for call in history} == {"cleared", "cancelled"}
    # Made by the services: every call has its timeline; the milestones come from it
    served = [call for call in history if call.disposition == "encounter_logged"]
    assert all(call.first_assigned_at and call.first_on_scene_at and call.cleared_at for call in served)
    assert {r.status for r in db.session.scalars(select(Referral))} >= {"completed", "accepted", "declined"}
    follow_ups = db.session.scalars(select(FollowUp)).all()
    assert any(task.done_at for task in follow_ups) and any(task.done_at is None for task in follow_ups)

    # The dashboard's default 90 days shows it, from the roll-ups, equal to the records
    zone = app.config["FIELDAPP_TIMEZONE"]
    filters = filters_from({}, zone)
    assert tracking.ready(db.session, zone)
    figures = services.compute(db.session, filters)
    assert figures["calls"]["received"] > 200 and figures["encounters"]["total"] > 150
    assert figures["referrals"]["made"] > 20 and figures["follow_ups"]["total"] > 20
    # The crews' past shifts: the section 1947 block's hours staffed, and a licensed professional on
    # scene for CR-1's responses (clinician1) but not CR-2's (clinician2, a peer)
    shifts = db.session.scalars(select(Shift).where(Shift.ended_at.is_not(None))).all()
    assert len(shifts) == 2 * (demo_history.DAYS - 1)
    assert all(shift.ended_at - shift.started_at >= timedelta(hours=12) for shift in shifts)
    s1947 = section1947.figures(db.session, filters)
    assert s1947["coverage"]["staffed_hours"] >= 16 * (demo_history.DAYS - 2)
    assert 0 < s1947["with_professional"] < s1947["responses"]
    assert all(any(shift.unit_id == call.unit_id and shift.started_at <= call.first_on_scene_at <= shift.ended_at
                   for shift in shifts) for call in served)  # every call reached by a crew on duty
    periods = Periods.of(Filters(filters.start_date, filters.end_date, zone))
    now = utcnow()
    assert services.compute_together(db.session, periods, now=now, source="rollups") == \
        services.compute_together(db.session, periods, now=now, source="records")

    before = _counts(db)
    assert "Demo history is already there." in _seed(app)  # a second run adds nothing
    assert _counts(db) == before


def test_the_people_search_help_example_finds_someone_in_the_demo_data(app, db, pages):
    with app.app_context():
        result = CliRunner().invoke(seed_demo_command, ["--password", "demo-pass-for-tests-2026", "--no-history"],
                                    obj=None, standalone_mode=False)
    assert result.exception is None, result.output
    clinician = db.session.scalar(select(User).where(User.username == "clinician1"))
    browser = pages()
    assert browser.login(clinician, password="demo-pass-for-tests-2026").status_code == 302
    help_text = browser.get("/people/search").get_data(as_text=True)
    example = re.search(r"“([a-z ]+)”\)", help_text).group(1)
    assert example == "reyes jor"
    found = browser.get("/people/search", query_string={"q": example}).get_data(as_text=True)
    assert "Jordan Reyes" in found or "Reyes, Jordan" in found
    # the demo's cleared call lists the encounter its disposition speaks of
    riverside = db.session.scalar(select(Call).where(Call.address.like("Riverside Park%")))
    assert riverside.status == "cleared"
    logged = db.session.scalars(select(Encounter).where(Encounter.call_id == riverside.id)).all()
    assert [encounter.person.given_name for encounter in logged] == ["Jordan"]


def _history(db):
    """What the demo history wrote, by the values a user sees (not the database's own row numbers)."""
    calls = db.session.scalars(select(Call).where(Call.external_id.like("DEMO-%")).order_by(Call.external_id))
    return {
        "calls": [(c.external_id, c.call_type, c.priority, c.received_at, c.status, c.disposition,
                   c.unit.call_sign if c.unit else None, c.first_on_scene_at, c.cleared_at) for c in calls],
        "encounters": sorted((str(e.id), e.outcome, e.recorded_at) for e in db.session.scalars(select(Encounter))),
        "referrals": sorted((str(r.id), r.status) for r in db.session.scalars(select(Referral))),
        "follow_ups": sorted((f.due_at, str(f.done_at)) for f in db.session.scalars(select(FollowUp))),
        "shifts": sorted((s.unit.call_sign, s.started_at, str(s.ended_at)) for s in db.session.scalars(select(Shift))),
    }


def _empty(db):
    db.session.remove()
    with db.engine.begin() as conn:
        empty_tables(conn)


def test_two_fresh_databases_get_the_same_history(app, db, monkeypatch):
    monkeypatch.setattr(demo_history, "DAYS", 6)  # the same code path as 90 days, quicker
    moment = utcnow().replace(microsecond=0)
    with clock.clock_at(moment):
        _seed(app)
    first = _history(db)
    assert len(first["calls"]) >= 3 * 5 and first["encounters"]
    _empty(db)
    with clock.clock_at(moment):
        _seed(app)
    assert _history(db) == first
