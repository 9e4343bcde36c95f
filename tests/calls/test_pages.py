import re

from sqlalchemy import func, select

from fieldapp.calls.models import Call, CallEvent
from tests.fixtures.clock import RECENT_DAY

EVENT_ID = re.compile(r'name="id" value="([0-9a-f-]{36})"')


def test_dispatcher_takes_a_call_on_the_form_and_assigns_it(pages, dispatcher, shift, db):
    browser = pages(dispatcher)
    form = browser.get("/calls/new").get_data(as_text=True)
    assert '<label for="address">Address or place</label>' in form
    response = browser.post("/calls/new", {
        "call_type": "SUICTHRT", "priority": "1", "address": "18 Harbor View Rd", "lat": "", "lon": "",
        "cautions": ["firearm", "dog"], "narrative": "Son texting goodbye messages.", "callback": "555-0199",
        "external_id": ""}, follow_redirects=True)
    page = response.get_data(as_text=True)
    call = db.session.scalar(select(Call))
    assert f"Call {call.id} received. Assign it to a unit." in page
    assert call.cautions == ["dog", "firearm"] and call.priority == 1 and call.lat is None
    assert "Assign call" in page and shift.unit.call_sign in page
    assert f'action="/board/calls/{call.id}/assign"' in page  # the board's sheet: a busy unit is confirmed there
    assigned = browser.post(f"/board/calls/{call.id}/assign", {"unit_id": str(shift.unit_id), "back": "call"},
                            follow_redirects=True)
    assert assigned.request.path == f"/calls/{call.id}"
    assert f"Call {call.id} assigned to {shift.unit.call_sign}." in assigned.get_data(as_text=True)
    assert db.session.get(Call, call.id).status == "assigned"


def test_call_form_shows_what_is_wrong_and_keeps_what_was_typed(pages, dispatcher, db):
    browser = pages(dispatcher)
    response = browser.post("/calls/new", {"call_type": "EDP", "priority": "2", "address": "", "lat": "north",
                                           "narrative": "Keep this text"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please correct the fields marked below." in page
    assert "Not a valid number." in page
    assert "Keep this text" in page
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_unit_sees_its_call_with_cautions_first_and_taps_through(pages, new_call, assigned_call, shift, db):
    officer = pages(shift.officer)
    listing = officer.get("/my/calls").get_data(as_text=True)
    assert f"{shift.unit.call_sign} · my calls" in listing
    assert listing.index("Dog on premises") < listing.index("Emotionally disturbed person")
    call_id = assigned_call["id"]
    page = officer.get(f"/calls/{call_id}").get_data(as_text=True)
    assert page.index("Dog on premises") < page.index("<h1>")
    assert ">Acknowledged</button>" in page and ">En route</button>" in page
    event_id = EVENT_ID.search(page).group(1)
    form = {"id": event_id, "status": "acknowledged", "recorded_at": f"{RECENT_DAY}T10:00:00.000Z"}
    first = officer.post(f"/calls/{call_id}/status", form, follow_redirects=True)
    assert f"Call {call_id}: acknowledged." in first.get_data(as_text=True)
    officer.post(f"/calls/{call_id}/status", form)  # a double tap sends the same id again
    entries = db.session.scalars(select(CallEvent).where(CallEvent.call_id == call_id,
                                                         CallEvent.kind == "status")).all()
    assert len(entries) == 1 and entries[0].recorded_at.isoformat() == f"{RECENT_DAY}T10:00:00+00:00"


def test_clearing_on_the_page_asks_for_the_disposition(pages, assigned_call, shift, db):
    import uuid

    clinician = pages(shift.clinician)
    call_id = assigned_call["id"]
    for status in ("en_route", "on_scene"):
        clinician.post(f"/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": status})
    page = clinician.get(f"/calls/{call_id}").get_data(as_text=True)
    assert '<label for="disposition">How did the call end?</label>' in page
    missing = clinician.post(f"/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": "cleared"})
    assert missing.status_code == 422
    assert "Choose how the call ended before clearing it." in missing.get_data(as_text=True)
    done = clinician.post(f"/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": "cleared",
                                                       "disposition": "unable_to_locate"}, follow_redirects=True)
    assert "Unable to locate" in done.get_data(as_text=True)
    assert db.session.get(Call, call_id).disposition == "unable_to_locate"


def test_invalid_tap_on_the_page_explains_itself(pages, assigned_call, shift):
    import uuid

    officer = pages(shift.officer)
    response = officer.post(f"/calls/{assigned_call['id']}/status", {"id": str(uuid.uuid4()), "status": "on_scene"})
    assert response.status_code == 409
    assert "cannot become on scene" in response.get_data(as_text=True)


def test_other_units_get_not_found_for_a_call(pages, assigned_call, other_shift):
    response = pages(other_shift.clinician).get(f"/calls/{assigned_call['id']}")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    assert "Man talking to himself" not in response.get_data(as_text=True)


def test_off_shift_crew_sees_an_empty_state(pages, make_user):
    page = pages(make_user("clinician")).get("/my/calls").get_data(as_text=True)
    assert "You are not on a shift" in page


def test_board_shows_active_calls_units_and_crews(pages, dispatcher, new_call, assigned_call, shift, unit):
    pending = new_call(call_type="WELFARE")
    browser = pages(dispatcher)
    page = browser.get("/board").get_data(as_text=True)
    assert "Active calls (2)" in page
    assert "Welfare check" in page and "Pending" in page
    assert shift.unit.call_sign in page and shift.clinician.full_name in page and shift.officer.full_name in page
    assert unit.call_sign in page and "Out of service" in page
    live = browser.get("/board/live").get_data(as_text=True)
    assert "<html" not in live and f"#{pending['id']}" in live
    cancelled = browser.post(f"/calls/{pending['id']}/cancel", {"reason": "Duplicate of another call"},
                             follow_redirects=True)
    assert f"Call {pending['id']} cancelled." in cancelled.get_data(as_text=True)
    assert "Active calls (1)" in browser.get("/board").get_data(as_text=True)


def test_pages_label_every_control(pages, dispatcher, assigned_call):
    """Each visible input/select/textarea on a form page has a <label for> with its id."""
    browser = pages(dispatcher)
    for path in ("/calls/new", f"/calls/{assigned_call['id']}", "/units"):
        html = browser.get(path).get_data(as_text=True)
        ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|checkbox)")[^>]*\bid="([^"]+)"', html)
        controls = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|checkbox)")[^>]*>', html)
        assert len(ids) == len(controls), path
        for control_id in ids:
            assert f'for="{control_id}"' in html, (path, control_id)
