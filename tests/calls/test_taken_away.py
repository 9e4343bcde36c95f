"""A crew that lost its call (reassigned or cancelled) is told so, not "No such call" (issue 9):
a tap that waited offline, a page reloaded, the API."""

import uuid

from tests.fixtures.factories import ShiftFactory


def tap(api, call_id, user, status="acknowledged"):
    return api.post(f"/api/v1/calls/{call_id}/status", {"id": str(uuid.uuid4()), "status": status}, user=user)


def test_a_tap_after_a_reassignment_says_where_the_call_went(api, pages, dispatcher, assigned_call, shift,
                                                             other_shift):
    call_id = assigned_call["id"]
    moved = api.post(f"/api/v1/calls/{call_id}/assign", {"unit_id": other_shift.unit_id}, user=dispatcher)
    assert moved.status_code == 200
    to = other_shift.unit.call_sign
    refused = tap(api, call_id, shift.clinician)
    assert refused.status_code == 404
    assert refused.get_json()["error"] == {"code": "call_taken_away", "fields": {},
                                           "message": f"Call {call_id} was reassigned to {to}."}
    page = pages(shift.officer).get(f"/calls/{call_id}")
    assert page.status_code == 404 and f"Call {call_id} was reassigned to {to}." in page.get_data(as_text=True)
    # The unit that has it now taps as before; a unit that never had it learns nothing.
    assert tap(api, call_id, other_shift.officer).status_code == 201
    stranger = ShiftFactory()
    assert tap(api, call_id, stranger.officer).get_json()["error"]["message"] == "No such call."


def test_a_tap_after_a_cancellation_gives_the_reason(api, dispatcher, assigned_call, shift):
    call_id = assigned_call["id"]
    assert api.post(f"/api/v1/calls/{call_id}/cancel", {"reason": "Caller called back: all fine"},
                    user=dispatcher).status_code == 200
    refused = tap(api, call_id, shift.officer)
    assert refused.status_code == 409
    body = refused.get_json()["error"]
    assert (body["code"], body["message"]) == ("call_taken_away",
                                               f"Call {call_id} was cancelled: Caller called back: all fine.")
