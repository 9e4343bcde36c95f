"""Referrals through their pages: the referral form (with the Part 2 consent), status steps and the queue."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape

from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.referrals.models import Referral, ReferralEvent
from tests.fixtures.encounters import form_id
from tests.fixtures.referrals import PART2


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def referral_form(browser, encounter_id, **fields):
    page = browser.get(f"/encounters/{encounter_id}/referrals/new").get_data(as_text=True)
    data = {"id": form_id(page), "consent_type": "verbal", "consent_given_by": "the person", **fields}
    return browser.post(f"/encounters/{encounter_id}/referrals/new", data)


def test_officer_refers_through_the_form(pages, encounter, shift, services_directory, db):
    browser = pages(shift.officer)
    page = text(browser.get(f"/encounters/{encounter['id']}/referrals/new"))
    assert "Mobile Crisis Follow-up" in page and "Mental health treatment" in page
    assert "Old Drop-in Center" not in page  # inactive services are not offered
    found = text(browser.get(f"/encounters/{encounter['id']}/referrals/new?q=opioid"))
    assert "Harbor Opioid Treatment Program" in found and "Mobile Crisis Follow-up" not in found
    response = referral_form(browser, encounter["id"], service_id=str(services_directory["mental"].id),
                             note="Prefers mornings")
    assert response.status_code == 302, text(response)
    referral = db.session.scalar(select(Referral))
    assert referral.status == "made" and referral.consent_type == "verbal"
    assert referral.consent_given_by == "the person" and referral.note == "Prefers mornings"
    shown = text(browser.get(response.headers["Location"]))
    assert "Referred to Mobile Crisis Follow-up." in shown
    assert "the person" not in shown and "Prefers mornings" not in shown  # consent details are not the officer's


def test_part2_referral_needs_every_consent_element(pages, encounter, shift, services_directory, db):
    browser = pages(shift.clinician)
    part2 = str(services_directory["part2"].id)
    missing = referral_form(browser, encounter["id"], service_id=part2, consent_type="written",
                            part2_patient_name="Jordan Reyes")
    page = text(missing)
    assert missing.status_code == 422
    assert "The written consent is missing elements 42 CFR 2.31 requires." in page
    assert "Required: Who may disclose (program or person)." in page and "Required: Date signed." in page
    assert "Required: Patient's name." not in page and 'value="Jordan Reyes"' in page
    assert re.search(rf'id="service-{part2}"[^>]*checked', page)
    verbal = referral_form(browser, encounter["id"], service_id=part2, consent_type="verbal")
    assert verbal.status_code == 422 and "Written consent is required for this service." in text(verbal)
    revocation = referral_form(browser, encounter["id"], service_id=part2, consent_type="written",
                               **{f"part2_{k}": v for k, v in PART2.items() if k != "revocation_explained"})
    assert revocation.status_code == 422 and "Tell the person they may revoke consent" in text(revocation)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0

    complete = referral_form(browser, encounter["id"], service_id=part2, consent_type="written",
                             **{f"part2_{k}": v for k, v in PART2.items() if k != "revocation_explained"},
                             part2_revocation_explained="1")
    assert complete.status_code == 302, text(complete)
    stored = db.session.scalar(select(Referral))
    assert stored.part2_consent["purpose"] == "Arrange treatment intake"
    assert stored.part2_consent["revocation_explained"] is True
    detail = text(browser.get(complete.headers["Location"]))
    assert "42 CFR Part 2 record: redisclosure notice" in detail and "prohibit you from making any other use" in detail
    assert "Arrange treatment intake" in detail


def test_officer_cannot_refer_to_a_part2_program(pages, encounter, shift, services_directory, db):
    response = referral_form(pages(shift.officer), encounter["id"], service_id=str(services_directory["part2"].id),
                             consent_type="written")
    assert response.status_code == 403
    assert "made by the clinician" in text(response)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "authz.denied")).one()
    assert denied.user_id == shift.officer.id and denied.outcome == "denied"


def test_referral_steps_need_a_reason_where_they_fail(api, pages, encounter, shift, services_directory, db):
    made = api.post(f"/api/v1/encounters/{encounter['id']}/referrals", {
        "id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
        "consent": {"type": "verbal", "given_by": "the person"}}, user=shift.officer).get_json()
    browser = pages(shift.clinician)
    page = text(browser.get(f"/referrals/{made['id']}"))
    offered = re.findall(r'name="status" value="(\w+)"', page)
    assert offered == ["accepted", "declined", "unable_to_contact", "cancelled"]
    step_id = form_id(page, "Update the referral")
    refused = browser.post(f"/referrals/{made['id']}/status", {"id": step_id, "status": "declined", "reason": ""})
    assert refused.status_code == 422
    assert "A reason is required for this step." in text(refused)
    assert re.search(r'id="status-declined"[^>]*checked', text(refused))
    assert db.session.scalar(select(func.count()).select_from(ReferralEvent)) == 1
    done = browser.post(f"/referrals/{made['id']}/status",
                        {"id": step_id, "status": "declined", "reason": "Wants to wait a month"},
                        follow_redirects=True)
    page = text(done)
    assert "Referral is now declined." in page and "Wants to wait a month" in page
    assert "This referral is closed." in page and 'name="status"' not in page
    assert db.session.scalar(select(Referral)).status == "declined"
    invalid = browser.post(f"/referrals/{made['id']}/status", {"id": str(uuid.uuid4()), "status": "completed"})
    assert invalid.status_code == 409 and "cannot become completed" in text(invalid)


def test_referral_queue_highlights_overdue_and_filters(api, pages, encounter, shift, services_directory, make_user):
    def refer(**extra):
        return api.post(f"/api/v1/encounters/{encounter['id']}/referrals", {
            "id": str(uuid.uuid4()), "service_id": str(services_directory["mental"].id),
            "consent": {"type": "verbal", "given_by": "the person"}, **extra}, user=shift.clinician).get_json()

    late = refer(recorded_at=(datetime.now(UTC) - timedelta(days=10)).isoformat())
    fresh = refer()
    browser = pages(shift.clinician)
    page = text(browser.get("/referrals"))
    assert "2 open referrals" in page and page.count("Jordan Reyes") == 2
    overdue_cards = re.findall(r'<li class="card overdue">.*?</li>', page, re.S)
    assert len(overdue_cards) == 1 and late["id"] in overdue_cards[0] and "Overdue" in overdue_cards[0]
    assert page.index(late["id"]) < page.index(fresh["id"])  # soonest due first
    overdue = text(browser.get("/referrals?show=overdue"))
    assert "1 overdue referral" in overdue and late["id"] in overdue
    assert "2 open referrals made by you" in text(browser.get("/referrals?mine=1"))
    colleague = text(pages(make_user("clinician")).get("/referrals?mine=1"))
    assert "0 open referrals made by you" in colleague and "No open referrals made by you." in colleague
