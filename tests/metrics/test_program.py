"""fields (issue 11): each program metric against a hand-made data set, the answers worked out here.

March 2026 in America/New_York; one unit U; times below are UTC.

    C1  911, eligible, EDP, 03-02 15:00, "1 Elm St": assigned 15:02, en route 15:03, on scene 15:10,
        cleared 16:10, final type MNTL.
    C2  988, eligible, EDP, 03-03 14:00, "1 Elm Street": assigned 14:01, en route 14:01, on scene 14:21,
        cleared 14:51, final type EDP.
    C3  911, eligible, 03-03 16:00, "9 Oak Ave": never assigned.
    C4  no source, not eligible (medical first), 03-03 17:00, "9 Oak Avenue": never assigned.
    C5  officer request, not assessed, MNTL, 03-20 14:00, "5 Pine Rd": never assigned.
    C6  911, eligible, 04-02 (outside the period), "1 Elm St".

    E1 on C1: backup requested 15:20, arrived 15:26 (reason weapon); taken by the unit to a crisis
       stabilization unit; in person with the officer. Follow-up contacts: +30 h reached.
       A referral made 15:30, accepted 19:30 (4 h), completed 03-04 15:30 (48 h).
    E2 on C2: contacted by phone, declined services. Follow-up contacts: +60 h not reached, +100 h reached.
    Shifts of U: 03-02 13:00-21:00 and 03-03 13:00-21:00 UTC (16 unit-hours, 2 shifts).
    Not sent: 03-02 three (no unit available, 911), 03-10 two (outside hours), 04-01 seven (outside).
"""

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from fieldapp.calls.models import Call, CallEvent
from fieldapp.calls.services import address_key, note_milestone
from fieldapp.directory.models import Organization, Service
from fieldapp.eligibility.models import NotSentCount
from fieldapp.encounters.models import Encounter
from fieldapp.followup_contacts.models import FollowUpContact
from fieldapp.metrics import services
from fieldapp.metrics.filters import Filters, Periods
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.units.models import Shift, Unit

NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
MARCH = Filters(date(2026, 3, 1), date(2026, 4, 1), "America/New_York")


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _hash():
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


@pytest.fixture
def program_data(db, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "COST_PER_UNIT_HOUR", 100.0)
    session = db.session
    crew = make_user("clinician")
    officer = make_user("officer")
    unit = Unit(call_sign="U")
    session.add(unit)
    session.add_all([Shift(unit=unit, clinician_id=crew.id, officer_id=officer.id, started_at=at(start),
                           ended_at=at(start) + timedelta(hours=8))
                     for start in ("2026-03-02T13:00:00", "2026-03-03T13:00:00")])

    def call(received, address, *, source, eligible, reason=None, steps=(), final=None, call_type="EDP"):
        made = Call(received_at=at(received), created_at=at(received), call_type=call_type, priority=1, address=address,
                    address_key=address_key(address), status="pending", source=source, eligible=eligible,
                    ineligible_reason=reason, final_call_type=final)
        session.add(made)
        for kind, status, moment in steps:
            made.unit = unit
            event = CallEvent(call=made, kind=kind, status=status, recorded_at=at(moment), received_at=at(moment),
                              unit=unit, disposition="encounter_logged" if status == "cleared" else None)
            session.add(event)
            note_milestone(made, event)
            made.status = status
        return made

    c1 = call("2026-03-02T15:00:00", "1 Elm St", source="911", eligible=True, final="MNTL", steps=[
        ("assigned", "assigned", "2026-03-02T15:02:00"), ("status", "en_route", "2026-03-02T15:03:00"),
        ("status", "on_scene", "2026-03-02T15:10:00"), ("status", "cleared", "2026-03-02T16:10:00")])
    c2 = call("2026-03-03T14:00:00", "1 Elm Street", source="988", eligible=True, final="EDP", steps=[
        ("assigned", "assigned", "2026-03-03T14:01:00"), ("status", "en_route", "2026-03-03T14:01:00"),
        ("status", "on_scene", "2026-03-03T14:21:00"), ("status", "cleared", "2026-03-03T14:51:00")])
    c1.priority, c2.priority = 1, 2
    call("2026-03-03T16:00:00", "9 Oak Ave", source="911", eligible=True)
    call("2026-03-03T17:00:00", "9 Oak Avenue", source=None, eligible=False, reason="medical_emergency")
    call("2026-03-20T14:00:00", "5 Pine Rd", source="officer_request", eligible=None, call_type="MNTL")
    call("2026-04-02T14:00:00", "1 Elm St", source="911", eligible=True)
    person = Person(given_name="Ann", family_name="Lee")
    session.add(person)

    def encounter(on, recorded, **fields):
        made = Encounter(id=uuid.uuid4(), call=on, person=person, outcome="resolved", apco_code="18",
                         recorded_at=at(recorded), request_hash=_hash(), concerns=[], **fields)
        session.add(made)
        return made

    e1 = encounter(c1, "2026-03-02T15:40:00", transport="unit", transport_destination="crisis_stabilization",
                   contact_mode="in_person_with_officer", backup_requested=True, backup_reason="weapon",
                   backup_requested_at=at("2026-03-02T15:20:00"), backup_arrived_at=at("2026-03-02T15:26:00"))
    e2 = encounter(c2, "2026-03-03T14:40:00", contact_mode="phone", declined_services=True)
    for on, hours, reached in ((e1, 30, True), (e2, 60, False), (e2, 100, True)):
        session.add(FollowUpContact(id=uuid.uuid4(), encounter=on, person=person, mode="phone", reached=reached,
                                    result="stable", contacted_at=on.recorded_at + timedelta(hours=hours),
                                    request_hash=_hash()))
    service = Service(organization=Organization(name="Harbor"), name="Crisis", category="mental_health")
    referral = Referral(id=uuid.uuid4(), encounter=e1, person=person, service=service, status="completed",
                        consent_type="verbal", consent_given_by="the person", consent_at=at("2026-03-02T15:30:00"),
                        due_at=at("2026-03-09T15:30:00"), recorded_at=at("2026-03-02T15:30:00"), request_hash=_hash())
    session.add_all([service, referral,
                     ReferralEvent(referral=referral, from_status="made", status="accepted",
                                   recorded_at=at("2026-03-02T19:30:00")),
                     ReferralEvent(referral=referral, from_status="in_progress", status="completed",
                                   recorded_at=at("2026-03-04T15:30:00"))])
    session.add_all([NotSentCount(day=date(2026, 3, 2), count=3, reason="no_unit_available", source="911"),
                     NotSentCount(day=date(2026, 3, 10), count=2, reason="outside_hours"),
                     NotSentCount(day=date(2026, 4, 1), count=7)])
    session.commit()
    return unit


@pytest.fixture(params=["records", "rollups"])
def march(request, db, program_data):
    return services.compute_together(db.session, Periods.of(MARCH), now=NOW, source=request.param)[0]["program"]


def test_share_of_eligible_calls_served_counts_the_calls_never_sent(march):
    eligibility = march["eligibility"]
    # C1, C2, C3 eligible; C4 not; C5 not assessed. Served: C1 and C2. Not sent in March: 3 + 2 (not April's 7).
    assert (eligibility["eligible"], eligibility["ineligible"], eligibility["not_assessed"]) == (3, 1, 1)
    assert eligibility["eligible_served"] == 2
    assert eligibility["not_sent"]["total"] == 5 and eligibility["not_sent"]["applies"]
    assert eligibility["not_sent"]["by_reason"]["no_unit_available"] == 3
    assert eligibility["not_sent"]["by_reason"]["outside_hours"] == 2
    assert eligibility["not_sent"]["by_source"] == {"911": 3, "988": 0, "officer_request": 0, "on_view": 0,
                                                    "follow_up": 0, "walk_in": 0, "not_recorded": 2}
    assert eligibility["eligible_with_not_sent"] == 8 and eligibility["served_share"] == 0.25  # 2 / (3 + 5)
    assert eligibility["eligible_not_served_by_reason"]["never_assigned"] == 1  # C3
    assert sum(eligibility["eligible_not_served_by_reason"].values()) == 1
    assert eligibility["ineligible_by_reason"]["medical_emergency"] == 1


def test_calls_by_source_and_type_changes(march):
    assert march["sources"] == {"911": 2, "988": 1, "officer_request": 1, "on_view": 0, "follow_up": 0,
                                "walk_in": 0, "not_recorded": 1}
    # Final type given on C1 (EDP -> MNTL: changed) and C2 (EDP -> EDP: unchanged).
    assert march["type_changes"] == {"recorded": 2, "changed": 1, "share": 0.5, "changed_to": {"MNTL": 1}}


def test_backup_rate_and_response_time(march):
    # Of the two calls served, C1 had backup: 0.5. Requested 15:20, arrived 15:26: 360 s.
    assert march["backup"]["calls_served"] == 2 and march["backup"]["calls_with_backup"] == 1
    assert march["backup"]["rate"] == 0.5 and march["backup"]["by_reason"]["weapon"] == 1
    assert march["times"]["backup_response"] == {"n": 1, "median": 360.0, "p90": 360.0}


def test_destinations_declined_services_and_contact_modes(march):
    destinations = march["transport_destinations"]
    assert destinations["crisis_stabilization"] == {"count": 1, "share": 0.5}
    assert destinations["community"] == {"count": 1, "share": 0.5}
    assert destinations["hospital"] == {"count": 0, "share": 0.0}
    assert march["declined_services"] == {"count": 1, "share": 0.5}
    assert march["contact_modes"]["phone"]["count"] == 1
    assert march["contact_modes"]["in_person_with_officer"]["count"] == 1


def test_follow_up_contacts_within_48_and_72_hours(march):
    follow = march["follow_up_contacts"]
    # E1: first contact +30 h (reached). E2: first attempt +60 h (not reached), first reached +100 h.
    assert (follow["total"], follow["reached"], follow["encounters"]) == (3, 2, 2)
    assert follow["within_48h"] == {"attempted": 1, "reached": 1, "share_attempted": 0.5, "share_reached": 0.5}
    assert follow["within_72h"] == {"attempted": 2, "reached": 1, "share_attempted": 1.0, "share_reached": 0.5}
    assert follow["per_encounter"] == 1.5


def test_en_route_to_clear_and_response_by_priority(march):
    # C1 en route 15:03 -> cleared 16:10 = 4020 s; C2 14:01 -> 14:51 = 3000 s.
    # Median 3510; 90th percentile 3000 + 0.9 * 1020 = 3918.
    assert march["times"]["en_route_to_clear"] == {"n": 2, "median": 3510.0, "p90": 3918.0}
    # C1 (priority 1): received 15:00, on scene 15:10 = 600 s. C2 (priority 2): 14:00 -> 14:21 = 1260 s.
    by_priority = march["times"]["response_by_priority"]
    assert by_priority["1"] == {"n": 1, "median": 600.0, "p90": 600.0}
    assert by_priority["2"] == {"n": 1, "median": 1260.0, "p90": 1260.0}
    assert by_priority["3"] == {"n": 0, "median": None, "p90": None}


def test_repeat_addresses(march):
    # C2 follows C1 at "1 elm st" and C4 follows C3 at "9 oak ave" within 90 days: 2 of 5 March calls.
    assert march["repeat_addresses"] == {"calls": 5, "repeat_calls": 2, "share": 0.4, "window_days": 90}


def test_unit_utilisation_calls_per_shift_and_cost(march):
    units = march["units"]
    # Committed: C1 en route 15:03 -> 16:10 (67 min) + C2 14:01 -> 14:51 (50 min) = 117 min = 1.95 h,
    # of 16 unit-hours on shift: 0.121875. Two calls assigned, two shifts.
    assert units == {"shift_hours": 16.0, "shifts": 2, "calls_assigned": 2, "committed_hours": 1.95,
                     "utilisation": 0.1219, "calls_per_shift": 1.0}
    # 100 per unit-hour x 16 unit-hours / 2 calls handled.
    assert march["cost"] == {"cost_per_unit_hour": 100.0, "per_call": 800.0}


def test_referral_to_accepted_and_completed(march):
    assert march["times"]["referral_to_accepted"] == {"n": 1, "median": 14400.0, "p90": 14400.0}
    assert march["times"]["referral_to_completed"] == {"n": 1, "median": 172800.0, "p90": 172800.0}


def test_not_sent_counts_drop_out_under_a_unit_filter(db, program_data):
    filtered = Filters(date(2026, 3, 1), date(2026, 4, 1), "America/New_York", unit_id=program_data.id)
    figures = services.compute(db.session, filtered, now=NOW)["program"]
    assert figures["eligibility"]["not_sent"]["applies"] is False
    assert figures["eligibility"]["not_sent"]["total"] == 0
    assert figures["eligibility"]["eligible"] == 2 and figures["eligibility"]["served_share"] == 1.0


def test_dashboard_shows_the_program_figures_with_their_definitions(pages, make_user, program_data, db):
    browser = pages(make_user("program_manager"))
    page = browser.get("/metrics?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert "Eligible calls served" in page
    assert "<th scope=\"row\">Served</th><td>2 <span class=\"muted-num\">25%</span>" in page
    assert "Estimated cost per call" in page and "800.00" in page
    assert 'href="/metrics/definitions#eligible-calls-served"' in page
    definitions = browser.get("/metrics/definitions").get_data(as_text=True)
    for anchor in ("eligible-calls-served", "police-backup-and-on-scene-in-detail",
                   "follow-up-contacts-referral-times-unit-time-and-cost"):
        assert f'id="{anchor}"' in definitions
    api = browser.get("/api/v1/metrics?from=2026-03-01&to=2026-03-31").get_json()
    assert api["current"]["program"]["eligibility"]["served_share"] == 0.25
