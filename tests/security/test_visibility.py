"""Clinical notes, follow-ups and Part 2 information never reach officers, dispatchers or program
managers: not in pages, API responses, briefings or lists. Search every response they can get."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from fieldapp.visibility import BRIEFING, ENCOUNTER, PERSON, REFERRAL
from tests.fixtures.referrals import PART2

NOTE_TEXT = "CLINICAL-NOTE-7f3a: reports auditory hallucinations"
ADDENDUM_TEXT = "CLINICAL-ADDENDUM-19bc: medication changed"
FOLLOWUP_OUTCOME = "CLINICAL-FOLLOWUP-55d1"
PART2_PURPOSE = "PART2-PURPOSE-88e0 arrange opioid treatment intake"
PART2_PROGRAM = "Harbor Opioid Treatment Program"  # public in the directory; secret as "this person went there"
SECRETS = (NOTE_TEXT, ADDENDUM_TEXT, FOLLOWUP_OUTCOME, PART2_PURPOSE, "prohibit you from making any other use")
DIRECTORY_PATHS = ("/api/v1/services", "/directory")


@pytest.fixture
def clinical_record(api, encounter, shift, services_directory, db):
    person_id = encounter["person"]["id"]
    due = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    note = api.post(f"/api/v1/encounters/{encounter['id']}/notes",
                    {"id": str(uuid.uuid4()), "body": NOTE_TEXT, "follow_up_due": due}, user=shift.clinician).get_json()
    api.post(f"/api/v1/notes/{note['id']}/addenda", {"id": str(uuid.uuid4()), "body": ADDENDUM_TEXT},
             user=shift.clinician)
    api.post(f"/api/v1/people/{person_id}/notes", {"id": str(uuid.uuid4()), "body": NOTE_TEXT},
             user=shift.clinician)
    part2 = api.post(f"/api/v1/encounters/{encounter['id']}/referrals", {
        "id": str(uuid.uuid4()), "service_id": str(services_directory["part2"].id),
        "consent": {"type": "written", "given_by": "the person", "part2": {**PART2, "purpose": PART2_PURPOSE}}},
        user=shift.clinician).get_json()
    followups = api.get("/api/v1/followups", user=shift.clinician).get_json()
    return {"encounter": encounter, "person_id": person_id, "note": note, "part2": part2,
            "followup": followups[0]}


def test_clinicians_do_get_the_clinical_record(api, clinical_record, shift):
    record = clinical_record
    bodies = [
        api.get(f"/api/v1/encounters/{record['encounter']['id']}/notes", user=shift.clinician),
        api.get(f"/api/v1/referrals/{record['part2']['id']}", user=shift.clinician),
    ]
    text = " ".join(response.get_data(as_text=True) for response in bodies)
    assert NOTE_TEXT in text and ADDENDUM_TEXT in text and PART2_PURPOSE in text


@pytest.mark.parametrize("role", ["officer", "dispatcher", "program_manager"])
def test_no_clinical_text_in_anything_other_roles_can_get(api, pages, clinical_record, shift, make_user,
                                                          dispatcher, role):
    record = clinical_record
    user = {"officer": shift.officer, "dispatcher": dispatcher}.get(role) or make_user(role)
    encounter_id, person_id = record["encounter"]["id"], record["person_id"]
    call_id = record["encounter"]["call_id"]
    api_paths = [
        f"/api/v1/calls/{call_id}", f"/api/v1/calls/{call_id}/briefing", f"/api/v1/calls/{call_id}/encounters",
        "/api/v1/calls", f"/api/v1/encounters/{encounter_id}", f"/api/v1/encounters/{encounter_id}/notes",
        f"/api/v1/people/{person_id}", f"/api/v1/people/{person_id}/notes", "/api/v1/people?q=reyes",
        f"/api/v1/referrals/{record['part2']['id']}", "/api/v1/referrals", "/api/v1/followups",
        "/api/v1/services", "/api/v1/me",
    ]
    browser = pages(user)
    page_paths = ["/", "/my/calls", "/board", f"/calls/{call_id}", f"/calls/{call_id}/record",
                  f"/encounters/{encounter_id}", f"/people/{person_id}", "/referrals", "/followups",
                  f"/referrals/{record['part2']['id']}", "/directory"]
    seen = []
    for path in api_paths:
        response = api.get(path, user=user)
        seen.append((path, response.status_code, response.get_data(as_text=True)))
    for path in page_paths:
        response = browser.get(path, follow_redirects=True)
        seen.append((path, response.status_code, response.get_data(as_text=True)))
    for path, status, body in seen:
        for secret in SECRETS + (() if path in DIRECTORY_PATHS else (PART2_PROGRAM,)):
            assert secret not in body, (role, path, status, secret)
    # Notes and follow-ups are refused outright, not just emptied.
    statuses = {path: status for path, status, _ in seen}
    assert statuses[f"/api/v1/encounters/{encounter_id}/notes"] == 403
    assert statuses["/api/v1/followups"] == 403
    assert statuses["/api/v1/referrals"] == 403
    assert statuses[f"/api/v1/referrals/{record['part2']['id']}"] in (403, 404)


@pytest.mark.parametrize("role", ["officer", "program_manager", "dispatcher"])
def test_clinical_writes_are_refused(api, clinical_record, shift, make_user, dispatcher, role):
    user = {"officer": shift.officer, "dispatcher": dispatcher}.get(role) or make_user(role)
    record = clinical_record
    attempts = [
        (f"/api/v1/encounters/{record['encounter']['id']}/notes", {"id": str(uuid.uuid4()), "body": "x"}),
        (f"/api/v1/people/{record['person_id']}/notes", {"id": str(uuid.uuid4()), "body": "x"}),
        (f"/api/v1/notes/{record['note']['id']}/addenda", {"id": str(uuid.uuid4()), "body": "x"}),
        (f"/api/v1/followups/{record['followup']['id']}/done", {"outcome": FOLLOWUP_OUTCOME}),
    ]
    for path, body in attempts:
        response = api.post(path, body, user=user)
        assert response.status_code == 403, (role, path)
        assert "x" not in response.get_json()["error"].get("fields", {})


def test_field_sets_are_declared_for_each_role():
    """The one place that says who sees what keeps clinical fields away from officers."""
    assert "concerns" not in ENCOUNTER["officer"]
    assert {"consent_given_by", "part2_consent", "note", "history"}.isdisjoint(REFERRAL["officer"])
    assert {"active_referrals", "open_followups"}.isdisjoint(BRIEFING["officer"])
    assert {"active_referrals", "open_followups", "people"}.isdisjoint(BRIEFING["dispatcher"])
    assert "race_ethnicity" not in PERSON["officer"]
    for table in (ENCOUNTER, REFERRAL, PERSON):
        assert "program_manager" not in table and "dispatcher" not in table


def test_services_refuse_clinical_reads_whatever_the_route(app, clinical_record, shift, dispatcher, db):
    """Defence in depth: the rules hold in the services, not only in the route declarations."""
    from fieldapp.encounters import services as encounters
    from fieldapp.errors import Forbidden
    from fieldapp.notes import services as notes

    encounter_id = uuid.UUID(clinical_record["encounter"]["id"])
    for user in (shift.officer, dispatcher):
        with pytest.raises(Forbidden):
            notes.notes_on(user, encounter_id=encounter_id)
        with pytest.raises(Forbidden):
            notes.followups(user)
    assert db.session.scalars(encounters.visible_encounters_query(dispatcher)).all() == []
    assert len(db.session.scalars(encounters.visible_encounters_query(shift.officer)).all()) == 1
