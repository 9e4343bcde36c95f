"""The dispatchers' board: order, time in status, assigning from it, and the search of closed calls."""

import re
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from fieldapp import config
from fieldapp.audit.models import AuditEvent
from fieldapp.calls import dispatch
from fieldapp.calls.models import Call, CallEvent
from tests.fixtures.calls import call_body

NOW = datetime.now(UTC).replace(microsecond=0)
ROW = re.compile(r'<tr class="board-row priority-(\d)( is-pending)?" data-call-id="(\d+)" data-status="(\w+)">'
                 r'(.*?)</tr>', re.S)
TIMER = re.compile(r'data-level="(\w+)" data-seconds="(\d+)">(?:<span aria-hidden="true">[^<]*</span>)?([^<]+)<')
UNIT_CHOICE = re.compile(r'id="unit-(\d+)"')


def board_rows(html):
    """(call id, priority, pending, status, level, time shown) for each row, top to bottom."""
    rows = []
    for priority, pending, call_id, status, body in ROW.findall(html):
        level, _, shown = TIMER.search(body).groups()
        rows.append((int(call_id), int(priority), bool(pending), status, level, shown.strip()))
    return rows


@pytest.fixture
def frozen(app, monkeypatch):
    """The board's clock stopped at NOW, with the default thresholds for pending and en route."""
    monkeypatch.setattr(dispatch, "utcnow", lambda: NOW)
    monkeypatch.setitem(app.config, "BOARD_STATUS_THRESHOLDS", {"pending": 2, "en_route": 20})


def received(api, dispatcher, ago, **overrides):
    body = call_body(received_at=(NOW - ago).isoformat(), **overrides)
    response = api.post("/api/v1/calls", body, user=dispatcher)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_board_lists_by_priority_then_age_with_time_in_status_coloured_past_thresholds(
        frozen, api, pages, dispatcher, shift):
    routine = received(api, dispatcher, timedelta(minutes=61), priority=4, call_type="WELFARE")
    urgent = received(api, dispatcher, timedelta(seconds=30), priority=2)
    newer_p1 = received(api, dispatcher, timedelta(minutes=3), priority=1, call_type="SUICTHRT")
    older_p1 = received(api, dispatcher, timedelta(minutes=5), priority=1, call_type="OD")
    moving = received(api, dispatcher, timedelta(minutes=50), priority=3)
    assert api.post(f"/api/v1/calls/{moving}/assign", {"unit_id": shift.unit_id}, user=dispatcher).status_code == 200
    tap = {"id": str(uuid.uuid4()), "status": "en_route", "recorded_at": (NOW - timedelta(minutes=25)).isoformat()}
    assert api.post(f"/api/v1/calls/{moving}/status", tap, user=shift.officer).status_code == 201

    page = pages(dispatcher).get("/board").get_data(as_text=True)

    assert board_rows(page) == [
        (older_p1, 1, True, "pending", "alert", "5 min"),  # twice the 2 min threshold
        (newer_p1, 1, True, "pending", "warn", "3 min"),
        (urgent, 2, True, "pending", "ok", "30 s"),
        (moving, 3, False, "en_route", "warn", "25 min"),  # since the crew's tap (device time)
        (routine, 4, True, "pending", "alert", "1 h 01 min"),
    ]
    assert "4 waiting for a unit" in page
    assert page.count("No unit") == 4 and f"{shift.unit.call_sign}</td>" in page
    assert "(over 2 min)" in page and "(over 20 min)" in page  # said in words, not only in colour
    assert page.count(">Assign<span") == 4 and page.count(">Reassign<span") == 1
    assert f'href="/board/calls/{older_p1}/assign"' in page
    live = pages(dispatcher).get("/board/live").get_data(as_text=True)
    assert "<html" not in live and [row[0] for row in board_rows(live)][:2] == [older_p1, newer_p1]


def test_board_shows_no_assign_buttons_to_admins(frozen, api, pages, dispatcher, make_user):
    received(api, dispatcher, timedelta(minutes=1))
    page = pages(make_user("admin")).get("/board").get_data(as_text=True)
    assert len(board_rows(page)) == 1 and ">Assign<span" not in page


def test_thresholds_come_from_the_environment_on_top_of_the_defaults(monkeypatch):
    monkeypatch.setenv("BOARD_STATUS_THRESHOLDS", "on_scene=90, pending=0")
    thresholds = config._board_thresholds()
    assert thresholds["on_scene"] == 90 and thresholds["pending"] == 0 and thresholds["en_route"] == 20
    assert dispatch.level_of(3600, thresholds["pending"]) == dispatch.OK  # 0 turns the colour off
    for wrong in ("cleared=5", "pending=soon", "pending"):
        monkeypatch.setenv("BOARD_STATUS_THRESHOLDS", wrong)
        with pytest.raises(config.ConfigError, match="BOARD_STATUS_THRESHOLDS"):
            config._board_thresholds()


@pytest.fixture
def busy_unit(api, dispatcher, other_shift):
    """other_shift's unit, on scene at a P2 call."""
    call_id = received(api, dispatcher, timedelta(minutes=20), priority=2, location={"address": "9 Dock Rd"})
    assert api.post(f"/api/v1/calls/{call_id}/assign", {"unit_id": other_shift.unit_id},
                    user=dispatcher).status_code == 200
    for status in ("en_route", "on_scene"):
        response = api.post(f"/api/v1/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": status},
                            user=other_shift.officer)
        assert response.status_code == 201
    return {"unit": other_shift.unit, "call_id": call_id}


def test_assign_from_the_board_lists_available_units_first_and_warns_before_taking_a_busy_one(
        api, pages, dispatcher, shift, busy_unit, unit, db):
    p1 = received(api, dispatcher, timedelta(minutes=1), priority=1, call_type="SUICTHRT")
    browser = pages(dispatcher)
    sheet = browser.get(f"/board/calls/{p1}/assign").get_data(as_text=True)
    assert "<h1>Assign call #" in sheet
    assert [int(i) for i in UNIT_CHOICE.findall(sheet)] == [shift.unit_id, busy_unit["unit"].id, unit.id]
    assert f"On scene at #{busy_unit['call_id']} (P2, 9 Dock Rd)" in sheet
    assert re.search(rf'id="unit-{unit.id}"[^>]*disabled', sheet) and "Off duty: no open shift" in sheet

    warned = browser.post(f"/board/calls/{p1}/assign", {"unit_id": str(busy_unit["unit"].id)})
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200  # a question, not a refusal (a 409 page logs a console error)
    sign = busy_unit["unit"].call_sign
    assert f"{sign} is busy: on scene at call #{busy_unit['call_id']} (P2, 9 Dock Rd)." in page
    assert f"Assign to {sign} anyway" in page and 'role="alert"' in page
    assert db.session.get(Call, p1).status == "pending"  # nothing changed yet

    confirmed = browser.post(f"/board/calls/{p1}/assign", {"unit_id": str(busy_unit["unit"].id),
                                                           "confirm_busy": "yes"})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/board"
    call = db.session.get(Call, p1)
    assert call.status == "assigned" and call.unit_id == busy_unit["unit"].id
    board = browser.get("/board").get_data(as_text=True)
    assert f"Call {p1} assigned to {sign}." in board

    again = browser.get(f"/board/calls/{p1}/assign").get_data(as_text=True)
    assert "<h1>Reassign call #" in again and "has this call" in again
    assert re.search(rf'id="unit-{busy_unit["unit"].id}"[^>]*disabled', again)
    moved = browser.post(f"/board/calls/{p1}/assign", {"unit_id": str(shift.unit_id)})
    assert moved.status_code == 302
    assert db.session.get(Call, p1).unit_id == shift.unit_id
    kinds = db.session.scalars(select(CallEvent.kind).where(CallEvent.call_id == p1)
                               .order_by(CallEvent.received_at)).all()
    assert kinds == ["created", "assigned", "reassigned"]


def test_the_call_pages_assign_form_confirms_a_busy_unit_as_the_board_does(
        api, pages, dispatcher, shift, busy_unit, db):
    p1 = received(api, dispatcher, timedelta(minutes=1), priority=1)
    browser = pages(dispatcher)
    form = browser.get(f"/calls/{p1}").get_data(as_text=True)
    assert f'action="/board/calls/{p1}/assign"' in form and 'name="back" value="call"' in form
    warned = browser.post(f"/board/calls/{p1}/assign", {"unit_id": str(busy_unit["unit"].id), "back": "call"})
    page = warned.get_data(as_text=True)
    sign = busy_unit["unit"].call_sign
    assert warned.status_code == 200 and f"{sign} is busy: on scene at call #{busy_unit['call_id']}" in page
    assert f"Assign to {sign} anyway" in page and f'href="/calls/{p1}">Back to call {p1}</a>' in page
    assert db.session.get(Call, p1).status == "pending"
    confirmed = browser.post(f"/board/calls/{p1}/assign", {"unit_id": str(busy_unit["unit"].id),
                                                           "confirm_busy": "yes", "back": "call"})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == f"/calls/{p1}"
    assert db.session.get(Call, p1).unit_id == busy_unit["unit"].id


def test_assign_sheet_refuses_bad_input_without_changing_anything(api, pages, dispatcher, shift, db):
    call_id = received(api, dispatcher, timedelta(minutes=1))
    browser = pages(dispatcher)
    for unit_id, status, message in (("", 422, "Choose a unit."), ("CR-1", 422, "Choose a unit."),
                                     ("99999", 404, "No such unit."), ("-1", 422, "Choose a unit.")):
        response = browser.post(f"/board/calls/{call_id}/assign", {"unit_id": unit_id})
        assert response.status_code == status, unit_id
        assert message in response.get_data(as_text=True)
    assert browser.get("/board/calls/99999/assign").status_code == 404
    assert db.session.get(Call, call_id).status == "pending"


def test_api_refuses_a_busy_unit_only_when_asked_to(api, dispatcher, shift, busy_unit, db):
    call_id = received(api, dispatcher, timedelta(minutes=1), priority=1)
    path = f"/api/v1/calls/{call_id}/assign"
    refused = api.post(path, {"unit_id": busy_unit["unit"].id, "confirm_busy": False}, user=dispatcher)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "unit_busy"
    assert f"on scene at call #{busy_unit['call_id']}" in refused.get_json()["error"]["message"]
    assert db.session.get(Call, call_id).status == "pending"
    free = api.post(path, {"unit_id": shift.unit_id, "confirm_busy": False}, user=dispatcher)
    assert free.status_code == 200
    bad = api.post(path, {"unit_id": busy_unit["unit"].id, "confirm_busy": "maybe"}, user=dispatcher)
    assert bad.status_code == 422 and "confirm_busy" in bad.get_json()["error"]["fields"]
    assert api.post(path, {"unit_id": busy_unit["unit"].id}, user=dispatcher).status_code == 200  # as before


@pytest.fixture
def closed_calls(api, dispatcher, shift, new_call):
    """Two closed calls on different days (one at 23:30 agency time) and one open call."""
    zone = ZoneInfo("America/New_York")
    late = datetime.combine((NOW - timedelta(days=3)).astimezone(zone).date(), time(23, 30), zone)
    elm = new_call(received_at=late.isoformat(), external_id="CAD-2026-0001",
                   location={"address": "12 Elm Street, Apt. 3"})["id"]
    assert api.post(f"/api/v1/calls/{elm}/cancel", {"reason": "Caller called back"}, user=dispatcher).status_code == 200
    pine = new_call(external_id="cad-777", location={"address": "400 Pine St"})["id"]
    api.post(f"/api/v1/calls/{pine}/assign", {"unit_id": shift.unit_id}, user=dispatcher)
    api.post(f"/api/v1/calls/{pine}/status", {"id": str(uuid.uuid4()), "status": "en_route"}, user=shift.officer)
    cleared = api.post(f"/api/v1/calls/{pine}/status", {"id": str(uuid.uuid4()), "status": "cleared",
                                                        "disposition": "unable_to_locate"}, user=shift.officer)
    assert cleared.status_code == 201
    still_open = new_call(location={"address": "12 Elm St"})["id"]
    return {"elm": elm, "pine": pine, "open": still_open, "elm_day": late.date().isoformat()}


def found(browser, **query):
    response = browser.get("/board/closed", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [int(i) for i in re.findall(r'<tr class="board-row" data-call-id="(\d+)"', response.get_data(as_text=True))]


def test_closed_calls_are_found_by_address_cad_id_call_number_or_agency_day(pages, dispatcher, closed_calls, db):
    browser = pages(dispatcher)
    elm, pine = closed_calls["elm"], closed_calls["pine"]
    assert found(browser) == [pine, elm]  # newest first, open calls never
    assert found(browser, q="12 elm st apt 3") == [elm]
    assert found(browser, q="Elm Street") == [elm]
    assert found(browser, q="CAD-777") == [pine]
    assert found(browser, q=f"#{pine}") == [pine]
    assert found(browser, day=closed_calls["elm_day"]) == [elm]  # 23:30 in New York, the next day in UTC
    assert found(browser, q="pine", day=closed_calls["elm_day"]) == []
    page = browser.get("/board/closed", query_string={"q": "pine"}).get_data(as_text=True)
    assert "1 closed call" in page and "Unable to locate" in page and "CAD cad-777" in page
    assert "No closed call matches." in browser.get("/board/closed?q=nowhere").get_data(as_text=True)
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "call.search")
                             .order_by(AuditEvent.id.desc())).first()
    assert row.details["text"] == "nowhere" and row.details["count"] == 0


def test_closed_call_search_pages_through_results(pages, dispatcher, closed_calls, monkeypatch):
    monkeypatch.setattr(dispatch, "SEARCH_PAGE_SIZE", 1)
    browser = pages(dispatcher)
    first = browser.get("/board/closed?q=").get_data(as_text=True)
    assert "2 closed calls · page 1 of 2" in first and 'href="/board/closed?page=2" rel="next">Older' in first
    assert found(browser, page="2") == [closed_calls["elm"]]
    assert found(browser, page="99") == [closed_calls["elm"]]  # past the end: the last page


@pytest.mark.parametrize(("query", "message"), [
    ({"day": "2026-02-30"}, "Enter a date like 2026-11-24."),
    ({"day": "1999-12-31"}, "Enter a date from 2000-01-01"),
    ({"page": "0"}, "Enter a page number from 1 to 10000."),
    ({"page": "two"}, "Enter a page number from 1 to 10000."),
    ({"q": "x" * 201}, "Use at most 200 characters."),
])
def test_closed_call_search_explains_bad_input(pages, dispatcher, query, message):
    response = pages(dispatcher).get("/board/closed", query_string=query)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'id="q"' in page  # the form is still there to correct


def test_closed_call_search_refuses_control_characters(pages, dispatcher):
    response = pages(dispatcher).get("/board/closed", query_string={"q": "elm\x00"})
    assert response.status_code == 422  # the app-wide input rules (fieldapp/inputs.py), before the view
    assert "Remove the control character" in response.get_data(as_text=True)
