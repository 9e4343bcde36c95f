"""Units and shifts through the API and the pages; a unit's status derived from its calls."""


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
