"""Input that cannot hurt (issue 8, findings 3 and 4): every malformed input is a 4xx in the one
error shape, names what is wrong, and changes nothing in the database."""

import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.fixtures.calls import call_body
from tests.fixtures.encounters import encounter_body

HUGE = "99999999999999999999"
BEYOND_INT32 = 2**31
OVERFLOW = "9999-12-31T23:59:59-14:00"  # a valid ISO time that cannot be converted to UTC
YEAR_1 = "0001-01-01T00:00:00+00:00"
YEAR_9999 = "9999-12-31T00:00:00+00:00"


def row_counts(db):
    return {table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables}


@contextmanager
def nothing_changes(db):
    # The jobs of the setup's commits (the metrics' month and week rows) have run: only the request counts.
    assert current_app.extensions["fieldapp_jobs"].wait_idle(10)
    db.session.rollback()
    before = row_counts(db)
    yield
    db.session.rollback()
    assert row_counts(db) == before


def refused(response, status, field=None):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    if field is not None:
        assert field in error["fields"], error
    return error


@pytest.fixture
def ready(api, db, assigned_call, shift, dispatcher, encounter, services_directory, make_user):
    """A call on scene with an encounter; tokens fetched before anything is counted."""
    admin, manager = make_user("admin"), make_user("program_manager")
    for user in (shift.officer, shift.clinician, dispatcher, admin, manager):
        api.token(user)
    return {"call": assigned_call, "encounter": encounter, "shift": shift, "dispatcher": dispatcher,
            "admin": admin, "manager": manager, "service": services_directory["mental"]}


# --- numbers beyond the database's range ------------------------------------------------------

def test_path_integers_beyond_the_database_range_are_not_found(api, pages, ready, db):
    dispatcher, admin = ready["dispatcher"], ready["admin"]
    browser = pages(dispatcher)
    with nothing_changes(db):
        for path in (f"/api/v1/calls/{HUGE}", f"/api/v1/calls/{BEYOND_INT32}", f"/api/v1/calls/{HUGE}/briefing",
                     f"/api/v1/calls/{HUGE}/encounters"):
            refused(api.get(path, user=dispatcher), 404)
        refused(api.post(f"/api/v1/calls/{HUGE}/assign", {"unit_id": 1}, user=dispatcher), 404)
        refused(api.post(f"/api/v1/units/{BEYOND_INT32}/shift", {"clinician_id": 1, "officer_id": 2}, user=admin), 404)
        refused(api.patch(f"/api/v1/users/{HUGE}", {"active": False}, user=admin), 404)
        refused(api.delete(f"/api/v1/me/sessions/{HUGE}", user=admin), 404)
        assert browser.get(f"/calls/{HUGE}").status_code == 404


def test_query_integers_beyond_range_are_refused(api, ready, db):
    with nothing_changes(db):
        for path, field, user in (("/api/v1/calls?unit_id=" + HUGE, "unit_id", ready["dispatcher"]),
                                  ("/api/v1/metrics?unit_id=" + HUGE, "unit_id", ready["manager"]),
                                  ("/api/v1/exports/outcomes.csv?unit_id=" + HUGE, "unit_id", ready["manager"]),
                                  ("/events/poll?after=" + HUGE, "after", ready["dispatcher"]),
                                  ("/events/poll?after=-5", "after", ready["dispatcher"])):
            refused(api.get(path, user=user), 422, field)


def test_body_integers_beyond_range_are_refused(api, pages, ready, db):
    call = api.post("/api/v1/calls", call_body(), user=ready["dispatcher"]).get_json()
    browser = pages(ready["dispatcher"])
    with nothing_changes(db):
        for unit_id in (BEYOND_INT32, int(HUGE), -1, 0):
            refused(api.post(f"/api/v1/calls/{call['id']}/assign", {"unit_id": unit_id}, user=ready["dispatcher"]),
                    422, "unit_id")
        refused(api.post(f"/api/v1/units/{ready['shift'].unit_id}/shift",
                         {"clinician_id": int(HUGE), "officer_id": BEYOND_INT32}, user=ready["admin"]),
                422, "clinician_id")
        refused(api.post("/api/v1/calls", call_body(priority=int(HUGE)), user=ready["dispatcher"]), 422, "priority")
    # the call page's form (the board's sheet): its read of the call is audited, nothing else is written
    page = browser.post(f"/board/calls/{call['id']}/assign", {"unit_id": HUGE, "back": "call"})
    assert page.status_code == 422 and "Choose a unit" in page.get_data(as_text=True)
    assert api.get(f"/api/v1/calls/{call['id']}", user=ready["dispatcher"]).get_json()["status"] == "pending"


# --- text that cannot be stored -----------------------------------------------------------------

def test_text_with_nul_control_characters_or_lone_surrogates_is_refused(api, ready, db):
    with nothing_changes(db):
        for text in ("before\x00after", "broken \ud800 character", "bell\x07"):
            error = refused(api.post("/api/v1/calls", call_body(narrative=text), user=ready["dispatcher"]), 422,
                            "narrative")
            assert error["fields"]["narrative"][0] in ("Remove the invisible control character (such as NUL) "
                                                       "from this text.", "This text holds a broken character; "
                                                       "type it again.")
            refused(api.post("/api/v1/calls", call_body(location={"address": text}), user=ready["dispatcher"]), 422,
                    "location.address")
            refused(api.post("/api/v1/auth/token", {"username": text, "password": "x" * 10}), 422, "username")
        refused(api.post("/api/v1/calls", call_body(cautions=["dog\x00"]), user=ready["dispatcher"]), 422,
                "cautions.0")
        refused(api.post("/api/v1/calls", {**call_body(), "nar\x00rative": "x"}, user=ready["dispatcher"]), 422)
        refused(api.get("/api/v1/people?q=ab%00cd", user=ready["shift"].clinician), 422, "q")


def test_nul_in_the_login_form_and_line_breaks_in_next_are_refused(pages, ready, db):
    browser = pages()
    token = browser.csrf("/login")
    with nothing_changes(db):
        response = browser.client.post("/login", data={"username": "admin\x00", "password": "x", "csrf_token": token})
        assert response.status_code == 422
        assert "control character" in response.get_data(as_text=True)
        response = browser.client.post("/login?next=/calls%0D%0ASet-Cookie:%20x=1", data={
            "username": ready["dispatcher"].username, "password": "wrong password", "csrf_token": token})
        assert response.status_code == 422 and "Set-Cookie" not in response.headers
        assert "line break" in response.get_data(as_text=True)


def test_deeply_nested_and_oversized_json_is_refused(api, ready, db):
    deep = "[" * 100_000 + "]" * 100_000
    with nothing_changes(db):
        for body in (deep, '{"narrative": ' + deep + "}", "[" * 30 + "]" * 30):
            response = api.client.post("/api/v1/calls", data=body, content_type="application/json",
                                       headers=api.headers(ready["dispatcher"]))
            assert "nested too deeply" in refused(response, 400)["message"]
        refused(api.post("/api/v1/calls", call_body(narrative="x" * 2_000_000), user=ready["dispatcher"]), 413)


def test_unknown_query_parameters_are_refused_by_name(api, ready, db):
    with nothing_changes(db):
        refused(api.get("/api/v1/calls?colour=blue", user=ready["dispatcher"]), 422, "colour")
        refused(api.get("/api/v1/units?page=2", user=ready["dispatcher"]), 422, "page")
        refused(api.get("/api/v1/metrics?form=2026-01-01", user=ready["manager"]), 422, "form")


# --- times and dates ------------------------------------------------------------------------------

BAD_TIMES = (YEAR_1, YEAR_9999, OVERFLOW)


def test_device_and_call_times_must_be_sane(api, ready, db):
    call_id, clinician = ready["call"]["id"], ready["shift"].clinician
    with nothing_changes(db):
        for value in (*BAD_TIMES, "2026-02-30T10:00:00Z"):
            error = refused(api.post("/api/v1/calls", call_body(received_at=value), user=ready["dispatcher"]), 422,
                            "received_at")
            assert "Must be" not in str(error["fields"])
        for value in BAD_TIMES:
            body = {"id": str(uuid.uuid4()), "status": "acknowledged", "recorded_at": value}
            refused(api.post(f"/api/v1/calls/{call_id}/status", body, user=ready["shift"].officer), 422, "recorded_at")
            refused(api.post(f"/api/v1/calls/{call_id}/encounters", encounter_body(recorded_at=value), user=clinician),
                    422, "recorded_at")


def test_a_date_of_birth_is_between_1900_and_today(api, ready, db):
    next_year = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    with nothing_changes(db):
        for dob in ("1800-01-01", "1899-12-31", next_year, "9999-12-31", "0001-01-01"):
            body = encounter_body()
            body["person"]["dob"] = dob
            response = api.post(f"/api/v1/calls/{ready['call']['id']}/encounters", body,
                                user=ready["shift"].clinician)
            assert refused(response, 422, "person")["fields"]["person"]["dob"] == [
                "A date of birth is between 1900-01-01 and today."]


def test_referral_and_note_times_must_be_sane(api, ready, db):
    encounter_id, clinician = ready["encounter"]["id"], ready["shift"].clinician
    with nothing_changes(db):
        for value in BAD_TIMES:
            for field in ("due_at", "recorded_at", "consent.at"):
                body = {"id": str(uuid.uuid4()), "service_id": str(ready["service"].id),
                        "consent": {"type": "verbal", "given_by": "the person"}}
                if field == "consent.at":
                    body["consent"]["at"] = value
                else:
                    body[field] = value
                response = api.post(f"/api/v1/encounters/{encounter_id}/referrals", body, user=clinician)
                refused(response, 422, field.split(".")[0])
            for field in ("recorded_at", "follow_up_due"):
                body = {"id": str(uuid.uuid4()), "body": "Stable.", field: value}
                refused(api.post(f"/api/v1/encounters/{encounter_id}/notes", body, user=clinician), 422, field)


def test_metrics_export_and_audit_periods_must_be_sane(api, pages, ready, db):
    browser = pages(ready["admin"])
    with nothing_changes(db):
        for path in ("/api/v1/metrics?to=0001-01-01", "/api/v1/metrics?from=0001-01-01",
                     "/api/v1/metrics?to=9999-12-31", "/api/v1/exports/outcomes.csv?to=0001-01-01",
                     "/api/v1/exports/summary.csv?to=0001-01-01", "/api/v1/exports/referrals.xlsx?from=9999-12-31"):
            refused(api.get(path, user=ready["manager"]), 422, "to" if "to=" in path else "from")
        for query, field in (("until=0001-01-01T00:00:00%2B00:00", "until"), ("since=" + OVERFLOW, "since"),
                             ("since=9999-12-31T00:00:00Z", "since")):
            refused(api.get("/api/v1/audit?" + query, user=ready["admin"]), 422, field)
        for query in ("until=0001-01-01", "until=9999-12-31", "since=9999-12-31"):
            response = browser.get("/admin/audit?" + query)
            assert response.status_code == 422 and "Something went wrong" not in response.get_data(as_text=True)
    dashboard = pages(ready["manager"]).get("/metrics?to=0001-01-01")
    assert dashboard.status_code == 400  # explained on the page as typed (tests/metrics/test_periods.py)
    assert "Enter a date from 2000-01-01" in dashboard.get_data(as_text=True)


# --- records and messages ---------------------------------------------------------------------------

def test_a_client_chosen_person_id_that_exists_is_a_conflict(api, ready, db):
    body = encounter_body()
    body["person"]["id"] = ready["encounter"]["person"]["id"]
    with nothing_changes(db):
        response = api.post(f"/api/v1/calls/{ready['call']['id']}/encounters", body, user=ready["shift"].clinician)
        error = refused(response, 409, "person.id")
        assert error["code"] == "id_conflict"


def test_an_empty_change_is_refused(api, ready, db):
    with nothing_changes(db):
        refused(api.patch(f"/api/v1/services/{ready['service'].id}", {}, user=ready["admin"]), 422, "_schema")
        org_id = ready["service"].organization_id
        refused(api.patch(f"/api/v1/organizations/{org_id}", {}, user=ready["admin"]), 422, "_schema")
        refused(api.patch(f"/api/v1/users/{ready['admin'].id}", {}, user=ready["admin"]), 422, "_schema")


def test_refusals_are_written_for_people_not_validators(api, ready, db):
    response = api.post("/api/v1/calls", call_body(call_type="PARTY", priority=9), user=ready["dispatcher"])
    fields = refused(response, 422)["fields"]
    assert fields["call_type"] == ["Choose a call type."]
    assert fields["priority"] == ["Choose a priority from 1 (emergency) to 4 (routine)."]
    when = api.post("/api/v1/calls", call_body(received_at=YEAR_1), user=ready["dispatcher"])
    assert refused(when, 422)["fields"]["received_at"][0].startswith("The time must be within")


# --- a failure after the commit (finding 8) -----------------------------------------------------------

def test_a_failure_after_the_commit_never_says_nothing_was_saved(api, db, dispatcher, monkeypatch):
    from fieldapp.calls import services

    api.token(dispatcher)
    real = services.create_call

    def saved_then_broken(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the connection dropped while the answer was built")

    monkeypatch.setattr(services, "create_call", saved_then_broken)
    response = api.post("/api/v1/calls", call_body(), user=dispatcher)
    error = refused(response, 500)
    assert "nothing was saved" not in error["message"]
    assert "may have been saved" in error["message"]
    assert db.session.scalar(select(func.count()).select_from(db.metadata.tables["calls"])) == 1

    def broken_before(*args, **kwargs):
        raise RuntimeError("failed before anything was written")

    monkeypatch.setattr(services, "create_call", broken_before)
    assert "nothing was saved" in refused(api.post("/api/v1/calls", call_body(), user=dispatcher), 500)["message"]


# --- a bad time stored before these rules breaks no page (finding 3) -----------------------------------

def test_pages_still_answer_when_bad_times_were_stored_before_the_rules(api, pages, ready, db):
    from fieldapp.calls import status as status_changes
    from fieldapp.encounters import services as encounters
    from fieldapp.referrals import services as referrals

    year_1, shift = datetime(1, 1, 1, tzinfo=UTC), ready["shift"]
    call_id = ready["call"]["id"]
    # The services trust their callers; these are the values the API accepted before (issue 8, finding 3).
    status_changes.change_status(call_id, event_id=uuid.uuid4(), status="acknowledged", recorded_at=year_1,
                                 disposition=None, by=shift.officer)
    encounter, _ = encounters.log_encounter(call_id, {**encounter_body(recorded_at=None), "id": uuid.uuid4(),
                                                      "recorded_at": year_1, "person": {"unidentified": True}},
                                            by=shift.clinician)
    referrals.make_referral(encounter.id, {"id": uuid.uuid4(), "service_id": ready["service"].id, "due_at": year_1,
                                           "consent": {"type": "verbal", "given_by": "the person"}},
                            by=shift.clinician)
    later = api.post("/api/v1/calls", call_body(), user=ready["dispatcher"]).get_json()  # the same address
    dispatcher, clinician = pages(ready["dispatcher"]), pages(shift.clinician)
    for browser, path in ((dispatcher, f"/calls/{call_id}"), (dispatcher, f"/calls/{later['id']}"),
                          (clinician, f"/calls/{call_id}/record"), (clinician, f"/encounters/{encounter.id}"),
                          (clinician, "/referrals"), (clinician, "/referrals?show=overdue")):
        assert browser.get(path).status_code == 200, path
    for user, path in ((ready["dispatcher"], f"/api/v1/calls/{call_id}"),
                       (ready["dispatcher"], f"/api/v1/calls/{later['id']}/briefing"),
                       (shift.clinician, f"/api/v1/calls/{call_id}/briefing"), (shift.clinician, "/api/v1/referrals")):
        assert api.get(path, user=user).status_code == 200, path
