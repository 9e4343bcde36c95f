"""One path for a refusal on a page (fieldapp.web.forms.refused): handled and audited as the API's."""

import uuid

from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.calls import status as status_changes
from fieldapp.errors import Forbidden


def _denials(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "authz.denied")
                              .order_by(AuditEvent.id)).all()


def test_a_forbidden_through_the_call_page_writes_authz_denied(pages, assigned_call, shift, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise Forbidden("Only the crew of the assigned unit can change this call's status.")

    monkeypatch.setattr(status_changes, "change_status", refuse)
    officer = pages(shift.officer)
    response = officer.post(f"/calls/{assigned_call['id']}/status", {"id": str(uuid.uuid4()), "status": "en_route"})
    assert response.status_code == 403
    assert "Only the crew of the assigned unit" in response.get_data(as_text=True)
    denied = _denials(db)
    assert [(row.outcome, row.details["path"]) for row in denied] == [
        ("denied", f"/calls/{assigned_call['id']}/status")]


def test_the_same_refusal_through_the_api_is_audited_the_same_way(api, assigned_call, shift, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise Forbidden("Only the crew of the assigned unit can change this call's status.")

    monkeypatch.setattr(status_changes, "change_status", refuse)
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/status",
                        {"id": str(uuid.uuid4()), "status": "en_route"}, user=shift.officer)
    assert response.status_code == 403
    assert [row.outcome for row in _denials(db)] == ["denied"]
