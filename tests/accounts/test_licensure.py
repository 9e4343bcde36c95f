"""billing (issue 21): an admin sets a clinician's credential, NPI and behavioral-health role (API and page);
every bad value is refused naming its field, nothing changed; each change is audited."""

import pytest
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from tests.fixtures.billing import BAD_NPI, VALID_NPI


@pytest.fixture
def clinician(make_user):
    return make_user("clinician")


def test_admin_sets_credential_npi_and_role_through_the_api(api, admin, clinician, db):
    response = api.patch(f"/api/v1/users/{clinician.id}",
                         {"credential": "LCSW", "npi": VALID_NPI, "bh_role": "licensed"}, user=admin)
    assert response.status_code == 200, response.get_json()
    assert {key: response.get_json()[key] for key in ("credential", "npi", "bh_role")} == \
        {"credential": "LCSW", "npi": VALID_NPI, "bh_role": "licensed"}
    db.session.refresh(clinician)
    assert (clinician.credential, clinician.npi, clinician.bh_role) == ("LCSW", VALID_NPI, "licensed")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.licensure")).one()
    assert event.user_id == admin.id and event.details["to"]["npi"] == VALID_NPI


@pytest.mark.parametrize("field, value", [
    ("npi", BAD_NPI), ("npi", "12345"), ("npi", "12345678a3"), ("npi", 1234567893), ("npi", "1234567893\x00"),
    ("credential", "LCSW\x00"), ("credential", "L" * 21), ("credential", "<script>"), ("credential", 7),
    ("bh_role", "boss"), ("bh_role", ["licensed"]), ("bh_role", "\ud800"),
])
def test_a_bad_value_is_refused_naming_its_field(api, admin, clinician, db, field, value):
    response = api.patch(f"/api/v1/users/{clinician.id}", {field: value}, user=admin)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    db.session.refresh(clinician)
    assert (clinician.credential, clinician.npi, clinician.bh_role) == (None, None, None)


def test_only_a_clinician_is_a_behavioral_health_professional(api, admin, make_user, db):
    officer = make_user("officer")
    response = api.patch(f"/api/v1/users/{officer.id}", {"bh_role": "licensed", "npi": VALID_NPI}, user=admin)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["bh_role"]
    db.session.refresh(officer)
    assert officer.bh_role is None and officer.npi is None


def test_only_an_admin_sets_them(api, clinician):
    response = api.patch(f"/api/v1/users/{clinician.id}", {"npi": VALID_NPI}, user=clinician)
    assert response.status_code == 403


def test_the_admin_page_saves_and_refuses_naming_the_field(pages, admin, clinician, db):
    browser = pages(admin)
    users = browser.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{clinician.id}/licensure" in users
    refused = browser.post(f"/admin/users/{clinician.id}/licensure",
                           {"credential": "LCSW", "npi": BAD_NPI, "bh_role": "licensed"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="npi"' in page and "check digit is wrong" in page and 'aria-invalid="true"' in page
    db.session.refresh(clinician)
    assert clinician.npi is None and clinician.credential is None
    saved = browser.post(f"/admin/users/{clinician.id}/licensure",
                         {"credential": "LCSW", "npi": VALID_NPI, "bh_role": "peer"})
    assert saved.status_code == 302
    db.session.refresh(clinician)
    assert (clinician.credential, clinician.npi, clinician.bh_role) == ("LCSW", VALID_NPI, "peer")
    listed = browser.get("/admin/users").get_data(as_text=True)
    assert f"NPI {VALID_NPI}" in listed and "Peer worker" in listed


def test_the_admin_page_refuses_a_bad_role_naming_it(pages, admin, clinician):
    refused = pages(admin).post(f"/admin/users/{clinician.id}/licensure", {"bh_role": "chief"})
    assert refused.status_code == 422
    assert 'id="bh_role" name="bh_role" aria-invalid="true"' in refused.get_data(as_text=True)
