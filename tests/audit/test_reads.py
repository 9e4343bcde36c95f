"""Reads of sensitive lists are audited under the right user (issue 8, finding 10), and the client
address in the audit trail is the socket's unless PROXY_FIX_HOPS says a proxy sets X-Forwarded-For."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from fieldapp import create_app
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import utcnow
from fieldapp.config import from_environment
from fieldapp.extensions import db as _db
from tests.fixtures.clients import Api


def _rows(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_the_api_call_list_is_audited_with_filters_and_count(api, db, dispatcher, new_call):
    new_call()
    new_call()
    response = api.get("/api/v1/calls?status=pending", user=dispatcher)
    assert response.status_code == 200 and len(response.get_json()) == 2
    [row] = _rows(db, "call.list")
    assert row.username == dispatcher.username and row.user_id == dispatcher.id
    assert row.details == {"status": ["pending"], "unit_id": None, "count": 2}


def test_my_calls_page_is_audited(pages, db, assigned_call, shift):
    response = pages(shift.officer).get("/my/calls")
    assert response.status_code == 200
    [row] = _rows(db, "call.list.mine")
    assert row.username == shift.officer.username and row.details["count"] == 1


def test_the_board_is_audited_per_load_and_per_changed_poll(pages, db, api, dispatcher, new_call):
    first = new_call()
    browser = pages(dispatcher)
    assert browser.get("/board").status_code == 200
    [load] = _rows(db, "call.board")
    assert load.username == dispatcher.username and load.details == {"count": 1, "calls": [first["id"]]}

    for _ in range(3):  # the page refreshes itself every 10 seconds: unchanged, not a row each time
        assert browser.get("/board/live").status_code == 200
    assert _rows(db, "call.board.poll") == []

    second = new_call()
    assert browser.get("/board/live").status_code == 200
    assert browser.get("/board/live").status_code == 200
    [poll] = _rows(db, "call.board.poll")
    assert poll.details == {"count": 2, "calls": sorted([first["id"], second["id"]])}
    assert browser.get("/board").status_code == 200
    assert len(_rows(db, "call.board")) == 2  # every load is


def test_followup_lists_are_audited_in_the_api_and_the_page(api, pages, db, encounter, shift):
    due = (utcnow() + timedelta(days=3)).isoformat()
    note = {"id": str(uuid.uuid4()), "body": "Agreed to a check-in.", "follow_up_due": due}
    created = api.post(f"/api/v1/encounters/{encounter['id']}/notes", note, user=shift.clinician)
    assert created.status_code == 201, created.get_json()
    response = api.get("/api/v1/followups?mine=0", user=shift.clinician)
    assert response.status_code == 200
    assert pages(shift.clinician).get("/followups").status_code == 200
    rows = _rows(db, "followup.list")
    assert [row.username for row in rows] == [shift.clinician.username] * 2
    assert rows[0].details["mine"] is False and rows[1].details["mine"] is True
    assert rows[0].details["count"] == len(response.get_json())


def test_x_forwarded_for_is_ignored_without_proxy_fix_hops(api, db, dispatcher):
    response = api.client.get("/api/v1/calls", environ_overrides={"REMOTE_ADDR": "198.51.100.7"},
                              headers={**api.headers(dispatcher), "X-Forwarded-For": "203.0.113.99"})
    assert response.status_code == 200
    assert [row.ip for row in _rows(db, "call.list")] == ["198.51.100.7"]


def test_x_forwarded_for_is_used_when_proxy_fix_hops_is_set(app, db, dispatcher):
    proxied = create_app({**app.config, "PROXY_FIX_HOPS": 1})
    proxied.test_client_class = app.test_client_class
    api = Api(proxied)
    response = api.client.get("/api/v1/calls", environ_overrides={"REMOTE_ADDR": "10.0.0.2"},
                              headers={**api.headers(dispatcher), "X-Forwarded-For": "203.0.113.99"})
    assert response.status_code == 200
    assert [row.ip for row in _rows(db, "call.list")] == ["203.0.113.99"]
    proxied.extensions["fieldapp_jobs"].finish(10)  # its job thread (started by the request) lets go first
    with proxied.app_context():
        _db.engine.dispose()


def test_proxy_fix_hops_defaults_to_zero_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("FIELDAPP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("PROXY_FIX_HOPS", raising=False)
    assert from_environment(str(tmp_path))["PROXY_FIX_HOPS"] == 0
