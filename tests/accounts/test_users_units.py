from sqlalchemy import select

from fieldapp.accounts.models import User
from fieldapp.audit.models import AuditEvent
from tests.fixtures.factories import PASSWORD


def test_admin_creates_a_user_through_the_api(api, make_user, db):
    admin = make_user("admin")
    response = api.post("/api/v1/users", {"username": "new.clinician", "full_name": "Nia Clinician",
                                          "role": "clinician", "password": "a long enough phrase"}, user=admin)
    assert response.status_code == 201
    body = response.get_json()
    assert body["role"] == "clinician" and body["active"] is True
    assert "password" not in body and "password_hash" not in body
    user = db.session.scalar(select(User).where(User.username == "new.clinician"))
    assert user.password_hash.startswith("$argon2id$")
    assert api.post("/api/v1/auth/token", {"username": "new.clinician",
                                           "password": "a long enough phrase"}).status_code == 201
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert row.user_id == admin.id and row.details == {"username": "new.clinician", "role": "clinician"}


def test_password_policy(api, make_user):
    admin = make_user("admin")
    for password, message in [("short", "at least 8"), ("password1", "too common"), ("iloveyou", "too common"),
                              ("nia.clinician-x", "too common")]:
        response = api.post("/api/v1/users", {"username": "nia.clinician", "full_name": "N", "role": "clinician",
                                              "password": password}, user=admin)
        assert response.status_code == 422, password
        assert message in " ".join(response.get_json()["error"]["fields"]["password"]), password


def test_duplicate_and_bad_usernames(api, make_user):
    admin = make_user("admin")
    make_user(username="taken")
    body = {"full_name": "X", "role": "officer", "password": "a long enough phrase"}
    assert api.post("/api/v1/users", {**body, "username": "taken"}, user=admin).status_code == 409
    bad = api.post("/api/v1/users", {**body, "username": "Has Spaces"}, user=admin)
    assert bad.status_code == 422 and "username" in bad.get_json()["error"]["fields"]
    role = api.post("/api/v1/users", {**body, "username": "ok", "role": "sheriff"}, user=admin)
    assert role.status_code == 422 and "role" in role.get_json()["error"]["fields"]


def test_deactivating_a_user_ends_their_sessions_and_tokens(api, pages, make_user, db):
    admin = make_user("admin")
    officer = make_user("officer")
    headers = api.headers(officer)
    browser = pages(officer)
    assert browser.get("/my/calls").status_code == 200
    response = api.patch(f"/api/v1/users/{officer.id}", {"active": False}, user=admin)
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    assert browser.get("/my/calls").status_code == 302
    refused = api.client.post("/api/v1/auth/token", json={"username": officer.username, "password": PASSWORD})
    assert refused.status_code == 401
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivate")).user_id == admin.id


def test_role_change_is_a_permission_change_and_is_audited(api, make_user, db):
    admin = make_user("admin")
    user = make_user("officer")
    old_headers = api.headers(user)
    response = api.patch(f"/api/v1/users/{user.id}", {"role": "dispatcher"}, user=admin)
    assert response.get_json()["role"] == "dispatcher"
    assert api.client.get("/api/v1/me", headers=old_headers).status_code == 401  # sign in again
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_change"))
    assert row.details == {"from": "officer", "to": "dispatcher"}


def test_admin_cannot_lock_themselves_out(api, make_user):
    admin = make_user("admin")
    response = api.patch(f"/api/v1/users/{admin.id}", {"active": False}, user=admin)
    assert response.status_code == 422
    assert api.get("/api/v1/me", user=admin).status_code == 200


def test_admin_manages_users_on_pages(pages, make_user, db):
    admin = make_user("admin")
    browser = pages(admin)
    page = browser.get("/admin/users").get_data(as_text=True)
    assert "Add a user" in page
    created = browser.post("/admin/users", {"username": "olu", "full_name": "Olu Officer", "role": "officer",
                                            "password": "a long enough phrase"}, follow_redirects=True)
    assert "Created olu (officer)." in created.get_data(as_text=True)
    olu = db.session.scalar(select(User).where(User.username == "olu"))
    rejected = browser.post("/admin/users", {"username": "olu2", "full_name": "X", "role": "officer",
                                             "password": "123456789"})
    assert rejected.status_code == 422
    assert "too common" in rejected.get_data(as_text=True)
    done = browser.post(f"/admin/users/{olu.id}", {"action": "deactivate"}, follow_redirects=True)
    assert "olu is deactivated and signed out everywhere." in done.get_data(as_text=True)
    assert db.session.get(User, olu.id).active is False


# --- units and shifts ----------------------------------------------------------------------

def test_units_and_shifts_through_the_api(api, make_user, dispatcher, db):
    admin = make_user("admin")
    clinician, officer = make_user("clinician"), make_user("officer")
    created = api.post("/api/v1/units", {"call_sign": "cr-7"}, user=admin)
    assert created.status_code == 201
    unit = created.get_json()
    assert unit["call_sign"] == "CR-7" and unit["status"] == "out_of_service" and unit["shift"] is None
    assert api.post("/api/v1/units", {"call_sign": "CR-7"}, user=admin).status_code == 409
    opened = api.post(f"/api/v1/units/{unit['id']}/shift", {"clinician_id": clinician.id,
                                                            "officer_id": officer.id}, user=dispatcher)
    assert opened.status_code == 201
    assert opened.get_json()["clinician"]["id"] == clinician.id
    listed = {u["call_sign"]: u for u in api.get("/api/v1/units", user=dispatcher).get_json()}
    assert listed["CR-7"]["status"] == "available"
    assert listed["CR-7"]["shift"]["officer"]["username"] == officer.username
    closed = api.delete(f"/api/v1/units/{unit['id']}/shift", user=dispatcher)
    assert closed.status_code == 200 and closed.get_json()["ended_at"]
    assert api.delete(f"/api/v1/units/{unit['id']}/shift", user=dispatcher).status_code == 409


def test_shift_rules(api, make_user, dispatcher, shift, unit):
    clinician = make_user("clinician")
    officer = make_user("officer")
    path = f"/api/v1/units/{unit.id}/shift"
    wrong_roles = api.post(path, {"clinician_id": officer.id, "officer_id": clinician.id}, user=dispatcher)
    assert wrong_roles.status_code == 422
    assert set(wrong_roles.get_json()["error"]["fields"]) == {"clinician_id"}
    busy = api.post(path, {"clinician_id": shift.clinician_id, "officer_id": officer.id}, user=dispatcher)
    assert busy.status_code == 409 and "already on shift" in busy.get_json()["error"]["message"]
    unknown = api.post(path, {"clinician_id": 999999, "officer_id": officer.id}, user=dispatcher)
    assert unknown.status_code == 404 and "clinician_id" in unknown.get_json()["error"]["fields"]
    typed = api.post(path, {"clinician_id": "1", "officer_id": officer.id}, user=dispatcher)
    assert typed.status_code == 422
    again = api.post(f"/api/v1/units/{shift.unit_id}/shift", {"clinician_id": clinician.id,
                                                              "officer_id": officer.id}, user=dispatcher)
    assert again.status_code == 409


def test_unit_status_is_derived_from_its_calls(api, dispatcher, assigned_call, shift):
    def status():
        units = {u["id"]: u for u in api.get("/api/v1/units", user=dispatcher).get_json()}
        return units[shift.unit_id]["status"]

    import uuid
    assert status() == "assigned"
    for step, expected in [("acknowledged", "assigned"), ("en_route", "en_route"), ("on_scene", "on_scene"),
                           ("transporting", "transporting")]:
        api.post(f"/api/v1/calls/{assigned_call['id']}/status", {"id": str(uuid.uuid4()), "status": step},
                 user=shift.officer)
        assert status() == expected
    busy = api.delete(f"/api/v1/units/{shift.unit_id}/shift", user=dispatcher)
    assert busy.status_code == 409 and "active calls" in busy.get_json()["error"]["message"]
    api.post(f"/api/v1/calls/{assigned_call['id']}/status",
             {"id": str(uuid.uuid4()), "status": "cleared", "disposition": "encounter_logged"}, user=shift.officer)
    assert status() == "available"
    assert api.delete(f"/api/v1/units/{shift.unit_id}/shift", user=dispatcher).status_code == 200
    assert status() == "out_of_service"


def test_units_page_opens_and_closes_shifts(pages, make_user, dispatcher, unit, db):
    clinician, officer = make_user("clinician", full_name="Cleo Clin"), make_user("officer", full_name="Otto Off")
    browser = pages(dispatcher)
    page = browser.get("/units").get_data(as_text=True)
    assert f"Clinician for {unit.call_sign}" in page and "Cleo Clin" in page
    opened = browser.post(f"/units/{unit.id}/shift", {"clinician_id": str(clinician.id),
                                                      "officer_id": str(officer.id)}, follow_redirects=True)
    assert f"{unit.call_sign} is on duty: Cleo Clin and Otto Off." in opened.get_data(as_text=True)
    empty = browser.post(f"/units/{unit.id}/shift/close", follow_redirects=True)
    assert f"{unit.call_sign} is off duty." in empty.get_data(as_text=True)
    missing = browser.post(f"/units/{unit.id}/shift", {"clinician_id": "", "officer_id": ""}, follow_redirects=True)
    assert "Choose a clinician and an officer" in missing.get_data(as_text=True)
