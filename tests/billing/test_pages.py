"""The billing page (program managers), its CSV downloads and ``flask billing export``: billable lines,
refused encounters with reasons, every download audited; bad input refused naming the field."""

import csv
import io

import pytest
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from tests.fixtures.billing import BAD_NPI

NY_CIN = "AB12345C"


@pytest.fixture
def manager(make_user):
    return make_user("program_manager")


def test_the_manager_sees_billable_and_refused_and_downloads_both(pages, manager, scene_encounter, db):
    billed = scene_encounter(minutes=75, medicaid_id=NY_CIN)
    refused = scene_encounter(minutes=75)
    browser = pages(manager)
    page = browser.get("/billing?profile=NY")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Billable: 1" in html and "Not billable: 1" in html and "H2011 HE" in html
    assert "The person&#39;s Medicaid id was not recorded." in html
    assert NY_CIN not in html  # the page never shows the Medicaid id
    assert 'href="/billing/billable.csv?' in html and 'href="/billing/refused.csv?' in html
    lines = browser.get("/billing/billable.csv?profile=NY")
    assert lines.status_code == 200 and lines.headers["X-Export-Rows"] == "1"
    [row] = list(csv.DictReader(io.StringIO(lines.get_data(as_text=True))))
    assert (row["encounter_id"], row["procedure_code"], row["modifiers"], row["units"], row["medicaid_id"]) == \
        (str(billed.id), "H2011", "HE", "5", NY_CIN)
    dropped = browser.get("/billing/refused.csv?profile=NY")
    [row] = list(csv.DictReader(io.StringIO(dropped.get_data(as_text=True))))
    assert (row["encounter_id"], row["reasons"]) == (str(refused.id), "no_medicaid_id")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("export.billing%"))).all()
    assert sorted(actions) == ["export.billing_billable", "export.billing_refused"]


@pytest.mark.parametrize("query, field", [
    ("profile=XX", "profile"), ("profile=../../etc/passwd", "profile"), ("profile=NY%00", "profile"),
    ("profile=NY&from=2026-13-01", "from"), ("profile=NY&from=yesterday", "from"),
    ("profile=NY&from=2026-03-01&to=2026-01-01", "to"),
])
def test_bad_input_is_refused_naming_the_field(pages, manager, query, field):
    browser = pages(manager)
    page = browser.get(f"/billing?{query}")
    assert page.status_code in (400, 422)
    html = page.get_data(as_text=True)
    assert f'id="{field}-error"' in html or f"<strong>{field}</strong>" in html
    download = browser.get(f"/billing/billable.csv?{query}", headers={"Accept": "application/json"})
    assert download.status_code in (400, 422)
    assert field in download.get_json()["error"]["fields"]


@pytest.mark.parametrize("role", ["officer", "clinician", "dispatcher"])
def test_only_managers_and_admins_may_bill(pages, make_user, role):
    browser = pages(make_user(role))
    assert browser.get("/billing?profile=NY").status_code == 403
    assert browser.get("/billing/billable.csv?profile=NY").status_code == 403


def test_the_cli_exports_lines_and_refusals(app, scene_encounter, billing_crew, db, tmp_path):
    scene_encounter(minutes=75, medicaid_id=NY_CIN)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["billing", "export", "--profile", "NY"])
    assert result.exit_code == 0, result.output
    assert ",H2011,HE,5,75,1234567893,LCSW," in result.stdout
    billing_crew.clinician.npi = BAD_NPI
    db.session.commit()
    out = tmp_path / "refused.csv"
    result = runner.invoke(args=["billing", "export", "--profile", "NY", "--refused", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(out.read_text())))
    assert row["reasons"] == "npi_invalid" and "check digit" in row["explanation"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.billing_refused")).one()
    assert event.details["via"] == "cli" and event.user_id is None


def test_the_cli_refuses_an_unknown_profile_and_lists_the_shipped_ones(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["billing", "export", "--profile", "XX"])
    assert result.exit_code == 2 and "Choose a billing profile" in result.output
    listed = runner.invoke(args=["billing", "profiles"])
    assert listed.exit_code == 0 and "NY: New York Medicaid" in listed.output and "CA: California" in listed.output


def test_a_broken_profile_file_is_named_on_the_page(app, pages, manager, tmp_path, monkeypatch):
    (tmp_path / "WI.yaml").write_text("state: WI\nname: Wisconsin\nsources: []\nrules: []\n")
    monkeypatch.setitem(app.config, "BILLING_PROFILES_DIR", str(tmp_path))
    page = pages(manager).get("/billing?profile=WI")
    assert page.status_code == 422
    assert "does not fit the billing profile schema" in page.get_data(as_text=True)
