import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.referrals.models import Referral, ReferralEvent
from tests.fixtures.referrals import PART2, refer, step


def test_referral_is_made_with_consent_and_tracked_to_completion(api, encounter, shift, services_directory, db):
    response = refer(api, encounter, shift.officer, services_directory["mental"], note="Prefers mornings")
    assert response.status_code == 201
    referral = response.get_json()
    assert referral["status"] == "made" and referral["service"]["name"] == "Mobile Crisis Follow-up"
    assert "consent_given_by" not in referral  # the officer's view
    referral_id = referral["id"]
    for status in ("accepted", "in_progress", "completed"):
        assert step(api, referral_id, shift.clinician, status).status_code == 201, status
    detail = api.get(f"/api/v1/referrals/{referral_id}", user=shift.clinician).get_json()
    assert detail["status"] == "completed" and detail["closed_at"]
    assert detail["consent_type"] == "verbal" and detail["consent_given_by"] == "the person"
    assert detail["note"] == "Prefers mornings"
    history = [(h["from_status"], h["status"], h["user"]) for h in detail["history"]]
    assert history == [(None, "made", shift.officer.username),
                       ("made", "accepted", shift.clinician.username),
                       ("accepted", "in_progress", shift.clinician.username),
                       ("in_progress", "completed", shift.clinician.username)]
    stored = db.session.get(Referral, uuid.UUID(referral_id))
    assert stored.person_id == uuid.UUID(encounter["person"]["id"])


@pytest.mark.parametrize("path,status", [
    ([], "completed"), ([], "in_progress"), (["accepted"], "declined"),
    (["accepted", "in_progress"], "accepted"), (["cancelled"], "accepted"),
])
def test_invalid_referral_transitions_are_refused(api, encounter, shift, services_directory, path, status):
    referral_id = refer(api, encounter, shift.clinician, services_directory["mental"]).get_json()["id"]
    for earlier in path:
        assert step(api, referral_id, shift.clinician, earlier, reason="x").status_code == 201
    response = step(api, referral_id, shift.clinician, status, reason="x")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_transition"


@pytest.mark.parametrize("status", ["declined", "unable_to_contact", "cancelled"])
def test_failure_steps_need_a_reason(api, encounter, shift, services_directory, status):
    referral_id = refer(api, encounter, shift.clinician, services_directory["mental"]).get_json()["id"]
    missing = step(api, referral_id, shift.clinician, status)
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    done = step(api, referral_id, shift.clinician, status, reason="Phone disconnected")
    assert done.status_code == 201 and done.get_json()["reason"] == "Phone disconnected"


def test_unable_to_contact_can_be_retried(api, encounter, shift, services_directory):
    referral_id = refer(api, encounter, shift.clinician, services_directory["mental"]).get_json()["id"]
    step(api, referral_id, shift.clinician, "unable_to_contact", reason="No answer")
    assert step(api, referral_id, shift.clinician, "accepted").status_code == 201


def test_declined_consent_records_the_offer_as_declined(api, encounter, shift, services_directory):
    response = refer(api, encounter, shift.clinician, services_directory["mental"],
                     consent={"type": "declined", "given_by": "the person"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "declined"
    assert [h["status"] for h in body["history"]] == ["made", "declined"]
    assert body["history"][1]["reason"] == "Consent declined"


def test_part2_referral_rules(api, encounter, shift, services_directory):
    program = services_directory["part2"]
    by_officer = refer(api, encounter, shift.officer, program, consent={"type": "written", "given_by": "the person",
                                                                        "part2": PART2})
    assert by_officer.status_code == 403
    verbal = refer(api, encounter, shift.clinician, program)
    assert verbal.status_code == 422 and "consent.type" in verbal.get_json()["error"]["fields"]
    partial = refer(api, encounter, shift.clinician, program,
                    consent={"type": "written", "given_by": "the person",
                             "part2": {k: v for k, v in PART2.items() if k not in ("purpose", "expires")}})
    assert partial.status_code == 422
    assert set(partial.get_json()["error"]["fields"]) == {"consent.part2.purpose", "consent.part2.expires"}
    unexplained = refer(api, encounter, shift.clinician, program,
                        consent={"type": "written", "given_by": "the person",
                                 "part2": {**PART2, "revocation_explained": False}})
    assert unexplained.status_code == 422
    made = refer(api, encounter, shift.clinician, program,
                 consent={"type": "written", "given_by": "the person", "part2": PART2})
    assert made.status_code == 201
    body = made.get_json()
    assert body["part2_consent"]["purpose"] == "Arrange treatment intake"
    assert "42 CFR part 2" in body["redisclosure_notice"]
    # Part 2 referrals are for clinicians only: the officer of the same unit cannot see it at all.
    assert api.get(f"/api/v1/referrals/{body['id']}", user=shift.officer).status_code == 404
    officer_encounter = api.get(f"/api/v1/encounters/{encounter['id']}", user=shift.officer).get_json()
    assert officer_encounter["referrals"] == []
    clinician_encounter = api.get(f"/api/v1/encounters/{encounter['id']}", user=shift.clinician).get_json()
    assert [r["service"] for r in clinician_encounter["referrals"]] == ["Harbor Opioid Treatment Program"]


def test_part2_consent_is_refused_for_other_services(api, encounter, shift, services_directory):
    response = refer(api, encounter, shift.clinician, services_directory["mental"],
                     consent={"type": "written", "given_by": "the person", "part2": PART2})
    assert response.status_code == 422 and "consent.part2" in response.get_json()["error"]["fields"]


def test_inactive_and_unknown_services_are_refused(api, encounter, shift, services_directory):
    closed = refer(api, encounter, shift.clinician, services_directory["closed"])
    assert closed.status_code == 422 and "inactive" in closed.get_json()["error"]["message"]

    class Missing:
        id = uuid.uuid4()

    unknown = refer(api, encounter, shift.clinician, Missing)
    assert unknown.status_code == 404 and "service_id" in unknown.get_json()["error"]["fields"]


def test_replayed_referral_and_step_are_stored_once(api, encounter, shift, services_directory, db):
    body = {"id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
            "consent": {"type": "verbal", "given_by": "the person"}}
    path = f"/api/v1/encounters/{encounter['id']}/referrals"
    assert api.post(path, body, user=shift.clinician).status_code == 201
    assert api.post(path, body, user=shift.clinician).status_code == 200
    assert api.post(path, {**body, "note": "changed"}, user=shift.clinician).status_code == 409
    event_id = uuid.uuid4()
    assert step(api, body["id"], shift.clinician, "accepted", event_id=event_id).status_code == 201
    assert step(api, body["id"], shift.clinician, "accepted", event_id=event_id).status_code == 200
    assert step(api, body["id"], shift.clinician, "declined", reason="x", event_id=event_id).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 1
    assert db.session.scalar(select(func.count()).select_from(ReferralEvent)) == 2


def test_referral_queue_shows_open_and_overdue(api, encounter, shift, services_directory, make_user):
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    overdue = refer(api, encounter, shift.clinician, services_directory["mental"], due_at=past).get_json()
    fresh = refer(api, encounter, shift.officer, services_directory["mental"]).get_json()
    queue = api.get("/api/v1/referrals", user=shift.clinician).get_json()
    assert [r["id"] for r in queue] == [overdue["id"], fresh["id"]]
    assert [r["overdue"] for r in queue] == [True, False]
    only_overdue = api.get("/api/v1/referrals?overdue=1", user=shift.clinician).get_json()
    assert [r["id"] for r in only_overdue] == [overdue["id"]]
    mine = api.get("/api/v1/referrals?mine=1", user=shift.clinician).get_json()
    assert [r["id"] for r in mine] == [overdue["id"]]
    made = api.get("/api/v1/referrals?status=made", user=make_user("clinician")).get_json()
    assert len(made) == 2
    assert api.get("/api/v1/referrals", user=shift.officer).status_code == 403


def test_only_clinicians_or_the_maker_track_a_referral(api, encounter, shift, services_directory, other_shift):
    referral_id = refer(api, encounter, shift.clinician, services_directory["mental"]).get_json()["id"]
    assert step(api, referral_id, shift.officer, "accepted").status_code == 403
    assert step(api, referral_id, other_shift.officer, "accepted").status_code == 404
