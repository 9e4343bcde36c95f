"""The encounter rules, called on the encounters service directly (no HTTP): answers that do not fit
together are refused naming their field and leave nothing in the database; answers that fit are stored
with their APCO code, and a referral sent with an encounter is saved with it or not at all."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.calls import services as calls
from fieldapp.encounters import services as encounters
from fieldapp.encounters.models import Encounter
from fieldapp.errors import Conflict, Forbidden, Invalid
from fieldapp.people.models import Person
from fieldapp.referrals import services as referrals
from fieldapp.referrals.models import Referral, ReferralEvent
from tests.fixtures.encounters import encounter_data


def log_encounter(call_id, data, *, by):
    """The encounters' service with the referral's rules handed in, as the case file does."""
    return encounters.log_encounter(call_id, data, by=by, add_referral=referrals.add_with_encounter)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def refused(db, call, by, data):
    """Log ``data`` and expect a refusal; the request's unit of work ends as the app ends it (rolled back)."""
    with pytest.raises(Invalid) as refusal:
        log_encounter(call.id, data, by=by)
    db.session.rollback()
    return refusal.value


@pytest.mark.parametrize(("overrides", "field"), [
    ({"outcome": "hospitalized"}, "hospitalization_type"),
    ({"outcome": "resolved", "hospitalization_type": "voluntary"}, "hospitalization_type"),
    ({"diverted": True}, "diverted"),
    ({"outcome": "arrested", "probable_cause": True, "diverted": True}, "diverted"),
    ({"use_of_force": True}, "force_type"),
    ({"force_type": "restraints"}, "force_type"),
    ({"outcome": "referred"}, "referral"),
    ({"outcome": "referred", "no_referral_reason": "   "}, "referral"),
    ({"no_referral_reason": "Already has a case manager"}, "no_referral_reason"),
    ({"primary_concern": "substance_use"}, "primary_concern"),
    ({"transport_destination": "emergency_department"}, "transport_destination"),
    ({"backup_requested": True}, "backup_reason"),
    ({"backup_reason": "Weapon seen"}, "backup_reason"),
    ({"person_id": uuid.uuid4()}, "person_id"),
], ids=["hospitalized-without-type", "type-without-hospitalized", "diverted-without-probable-cause",
        "arrested-and-diverted", "force-without-type", "type-without-force", "referred-without-referral-or-reason",
        "referred-with-a-blank-reason", "reason-without-referred", "primary-concern-not-ticked",
        "destination-without-transport", "backup-without-reason", "backup-reason-without-backup",
        "person-and-person-id"])
def test_answers_that_do_not_fit_together_are_refused_naming_the_field(db, crew_call, shift, overrides, field):
    error = refused(db, crew_call, shift.clinician, encounter_data(**overrides))
    assert field in error.fields, error.fields
    assert (count(db, Encounter), count(db, Person), count(db, Referral)) == (0, 0, 0)


def test_an_encounter_says_who_was_contacted(db, crew_call, shift):
    data = encounter_data()
    del data["person"]
    assert "person" in refused(db, crew_call, shift.officer, data).fields
    assert count(db, Encounter) == 0


def test_backup_cannot_arrive_before_it_was_requested(db, crew_call, shift):
    asked = crew_call.received_at
    error = refused(db, crew_call, shift.officer, encounter_data(
        backup_requested=True, backup_reason="Weapon seen", backup_requested_at=asked,
        backup_arrived_at=asked - timedelta(minutes=1)))
    assert "backup_arrived_at" in error.fields
    assert count(db, Encounter) == 0


def test_a_reason_and_a_referral_together_are_refused(db, crew_call, shift, services_directory):
    referral = {"id": uuid.uuid4(), "service_id": services_directory["mental"].id,
                "consent": {"type": "verbal", "given_by": "the person"}}
    error = refused(db, crew_call, shift.clinician, encounter_data(
        outcome="referred", referral=referral, no_referral_reason="Already has a case manager"))
    assert "no_referral_reason" in error.fields
    assert (count(db, Encounter), count(db, Referral)) == (0, 0)


@pytest.mark.parametrize(("overrides", "apco"), [
    ({"outcome": "resolved"}, "18"),
    ({"outcome": "referred", "no_referral_reason": "Already has a case manager"}, "15"),
    ({"outcome": "hospitalized", "hospitalization_type": "involuntary", "transport": "ems"}, "45"),
    ({"outcome": "arrested", "probable_cause": True, "enforcement_action": True, "use_of_force": True,
      "force_type": "restraints", "transport": "law_enforcement"}, "03"),
    ({"outcome": "resolved", "probable_cause": True, "diverted": True}, "18"),
], ids=["resolved", "referred-with-a-reason", "hospitalized", "arrested", "diverted"])
def test_answers_that_fit_are_stored_with_their_apco_code(db, crew_call, shift, overrides, apco):
    data = encounter_data(**overrides)
    encounter, created = log_encounter(crew_call.id, data, by=shift.officer)
    assert created
    db.session.expire_all()
    stored = db.session.get(Encounter, data["id"])
    assert stored.outcome == data["outcome"] and stored.apco_code == apco
    assert stored.call_id == crew_call.id and stored.created_by_id == shift.officer.id
    assert stored.person.given_name == "Jordan" and count(db, Person) == 1


def test_a_referral_sent_with_the_encounter_is_saved_with_it(db, crew_call, shift, services_directory):
    referral = {"id": uuid.uuid4(), "service_id": services_directory["mental"].id,
                "consent": {"type": "verbal", "given_by": "the person"}}
    data = encounter_data(outcome="referred", referral=referral)
    log_encounter(crew_call.id, data, by=shift.officer)
    db.session.expire_all()
    stored = db.session.get(Referral, referral["id"])
    assert stored.encounter_id == data["id"] and stored.status == "made"
    assert [event.status for event in db.session.scalars(select(ReferralEvent))] == ["made"]


def test_a_refused_referral_takes_its_encounter_with_it(db, crew_call, shift, services_directory):
    """The referral is saved with the encounter or not at all: an inactive service refuses both."""
    referral = {"id": uuid.uuid4(), "service_id": services_directory["closed"].id,
                "consent": {"type": "verbal", "given_by": "the person"}}
    error = refused(db, crew_call, shift.officer, encounter_data(outcome="referred", referral=referral))
    assert "referral.service_id" in error.fields
    assert (count(db, Encounter), count(db, Person), count(db, Referral)) == (0, 0, 0)


def test_only_the_assigned_crew_logs_and_not_on_a_cancelled_call(db, crew_call, shift, dispatcher):
    with pytest.raises(Forbidden):
        log_encounter(crew_call.id, encounter_data(), by=dispatcher)
    db.session.rollback()
    calls.cancel(crew_call.id, "Caller called back: all fine", by=dispatcher)
    with pytest.raises(Conflict) as refusal:
        log_encounter(crew_call.id, encounter_data(), by=shift.clinician)
    db.session.rollback()
    assert refusal.value.code == "invalid_state"
    assert count(db, Encounter) == 0


def test_the_same_id_and_answers_again_is_a_replay_and_other_answers_a_conflict(db, crew_call, shift):
    data = encounter_data()
    first, created = log_encounter(crew_call.id, data, by=shift.clinician)
    again, created_again = log_encounter(crew_call.id, dict(data), by=shift.clinician)
    assert (created, created_again) == (True, False) and again.id == first.id
    with pytest.raises(Conflict):
        log_encounter(crew_call.id, {**data, "narrative": "Something else."}, by=shift.clinician)
    db.session.rollback()
    assert (count(db, Encounter), count(db, Person)) == (1, 1)
