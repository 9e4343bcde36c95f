"""What a crew device keeps ready offline, and what an open call page is told when a call leaves it."""

import re
import uuid


def test_a_crew_device_is_told_to_keep_each_assigned_call_and_the_shift_pages(
        api, pages, dispatcher, new_call, assigned_call, shift, other_shift):
    elsewhere = new_call(location={"address": "9 Other Unit Rd"})
    api.post(f"/api/v1/calls/{elsewhere['id']}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    body = pages(shift.officer).get("/session/offline-pages").get_json()
    call_id = assigned_call["id"]
    assert body["calls"] == [{"id": call_id, "status": "assigned",
                              "pages": [f"/calls/{call_id}", f"/calls/{call_id}/encounters/new",
                                        f"/calls/{call_id}/record"]}]
    assert body["pages"] == ["/my/calls", "/directory", "/outbox"]


def test_a_call_reassigned_or_cancelled_is_no_longer_kept(api, pages, dispatcher, assigned_call, shift,
                                                          other_shift, new_call):
    crew = pages(shift.clinician)
    api.post(f"/api/v1/calls/{assigned_call['id']}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    assert crew.get("/session/offline-pages").get_json()["calls"] == []
    second = new_call()
    api.post(f"/api/v1/calls/{second['id']}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    assert [c["id"] for c in crew.get("/session/offline-pages").get_json()["calls"]] == [second["id"]]
    api.post(f"/api/v1/calls/{second['id']}/cancel", {"reason": "Caller withdrew"}, user=dispatcher)
    assert crew.get("/session/offline-pages").get_json()["calls"] == []


def test_only_crew_roles_get_a_list_and_a_signed_out_script_gets_401(pages, dispatcher, client):
    assert pages(dispatcher).get("/session/offline-pages").status_code == 403
    response = client.get("/session/offline-pages")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_the_pages_listed_are_the_ones_the_device_may_keep(pages, assigned_call, shift):
    crew = pages(shift.officer)
    for path in crew.get("/session/offline-pages").get_json()["calls"][0]["pages"]:
        response = crew.get(path)
        assert response.status_code == 200 and response.headers.get("X-Fieldapp-Offline") == "1", path


def test_the_live_events_say_who_took_the_call_and_why_it_was_cancelled(api, pages, dispatcher, assigned_call,
                                                                         shift, other_shift):
    crew = pages(shift.officer)
    start = crew.get("/events/poll").get_json()["last_id"]
    api.post(f"/api/v1/calls/{assigned_call['id']}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    events = crew.get(f"/events/poll?after={start}").get_json()["events"]
    assert [(e["type"], e["unit_call_sign"]) for e in events] == [("call.reassigned", other_shift.unit.call_sign)]
    moved_to = pages(other_shift.officer)
    start = moved_to.get("/events/poll").get_json()["last_id"]
    api.post(f"/api/v1/calls/{assigned_call['id']}/cancel", {"reason": "Caller is safe"}, user=dispatcher)
    events = moved_to.get(f"/events/poll?after={start}").get_json()["events"]
    assert [(e["type"], e["reason"]) for e in events] == [("call.cancelled", "Caller is safe")]


def test_the_call_page_has_navigate_and_callback_links(pages, assigned_call, shift, app, monkeypatch):
    html = pages(shift.officer).get(f"/calls/{assigned_call['id']}").get_data(as_text=True)
    assert 'href="geo:0,0?q=12%20Elm%20St"' in html
    assert 'href="tel:555-0101"' in html
    monkeypatch.setitem(app.config, "MAP_URL_TEMPLATE", "https://maps.example/?q={address}")
    html = pages(shift.officer).get(f"/calls/{assigned_call['id']}").get_data(as_text=True)
    assert 'href="https://maps.example/?q=12%20Elm%20St"' in html


def test_an_officers_device_is_never_given_clinical_notes_to_keep(api, pages, encounter, assigned_call, shift):
    written = api.post(f"/api/v1/encounters/{encounter['id']}/notes",
                       {"id": str(uuid.uuid4()), "body": "Disclosed a sertraline prescription."}, user=shift.clinician)
    assert written.status_code == 201, written.get_json()
    officer, clinician = pages(shift.officer), pages(shift.clinician)
    assert "sertraline" in clinician.get(f"/encounters/{encounter['id']}").get_data(as_text=True)
    plan = officer.get("/session/offline-pages").get_json()
    kept = [path for call in plan["calls"] for path in call["pages"]] + [f"/encounters/{encounter['id']}"]
    for path in kept:  # every page an officer's device may keep (the encounter's own page when opened)
        response = officer.get(path)
        assert response.headers.get("X-Fieldapp-Offline") == "1", path
        assert "sertraline" not in response.get_data(as_text=True), path


def test_the_service_worker_keeps_every_file_an_offline_page_loads(pages, shift, assigned_call, client):
    """The offline pages need each script and style sheet they load (one bundle, scripts/build-static.mjs):
    the worker (/sw.js, as built) precaches them by their hashed names, and each is served."""
    officer = pages(shift.officer)
    worker = officer.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["Cache-Control"] == "no-cache"
    text = worker.get_data(as_text=True)
    worker.close()
    assert "importScripts" not in text and "FieldappOutbox" in text  # the outbox is bundled in, not imported
    for path in ("/my/calls", f"/calls/{assigned_call['id']}/encounters/new"):
        html = officer.get(path).get_data(as_text=True)
        files = set(re.findall(r'<(?:script src|link rel="stylesheet" href)="(/static/[^"?]+)"', html))
        assert any(name.startswith("/static/dist/field-") for name in files), files
        assert files and all(f'"{name}"' in text for name in files), (path, files)
        for name in files:
            response = client.get(name)
            assert response.status_code == 200, name
            response.close()
