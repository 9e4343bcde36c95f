"""fields (issue 11): the program's record in the exports, and the public summary by district."""

import csv
import io
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fieldapp.calls.models import Call
from fieldapp.encounters.models import Encounter
from fieldapp.exports import columns
from fieldapp.followup_contacts.models import FollowUpContact
from tests.fixtures import metrics_data

MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def data(db, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "DISTRICTS", ("North", "South"))
    metrics_data.build(db.session, make_user("clinician"))
    call = db.session.scalar(select(Call).where(Call.received_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)))
    call.source, call.eligible, call.district, call.final_call_type = "988", True, "North", "MNTL"
    encounter = db.session.scalars(select(Encounter).where(Encounter.call_id == call.id)
                                   .order_by(Encounter.recorded_at)).first()
    encounter.backup_requested, encounter.backup_reason = True, "weapon"
    encounter.backup_requested_at = datetime(2026, 3, 2, 14, 20, tzinfo=UTC)
    encounter.backup_arrived_at = datetime(2026, 3, 2, 14, 26, 30, tzinfo=UTC)
    encounter.declined_services, encounter.contact_mode = True, "in_person_with_officer"
    db.session.add(FollowUpContact(id=uuid.uuid4(), encounter=encounter, person=encounter.person, mode="phone",
                                   reached=True, result="stable", contacted_at=datetime(2026, 3, 3, tzinfo=UTC),
                                   request_hash="x" * 64))
    db.session.commit()
    return encounter


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("variant", ["identified", "deidentified"])
def test_outcome_log_carries_the_record(api, make_user, data, variant):
    query = MARCH + ("&deidentified=1" if variant == "deidentified" else "")
    response = api.get(f"/api/v1/exports/outcomes.csv?{query}", user=make_user("program_manager"))
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows[0]) == columns.header("outcomes", variant)
    marked = [row for row in rows if row["district"] == "North"]
    assert len(marked) == 2  # both encounters of that call carry the call's fields
    row = next(row for row in marked if row["backup_requested"] == "true")
    assert (row["call_source"], row["call_eligible"], row["final_call_type"]) == ("988", "true", "MNTL")
    assert (row["backup_reason"], row["backup_seconds"], row["follow_up_contacts"]) == ("weapon", "390", "1")
    assert (row["declined_services"], row["contact_mode"]) == ("true", "in_person_with_officer")
    other = next(row for row in rows if row["district"] == "")
    assert other["call_eligible"] == "" and other["backup_requested"] == "false" and other["follow_up_contacts"] == "0"
    if variant == "identified":
        assert row["backup_requested_at"] == "2026-03-02T09:20:00-05:00"  # 14:20 UTC, in the agency's zone
    else:
        assert "backup_requested_at" not in row and "2026-03-02" not in response.get_data(as_text=True)


def test_public_summary_is_broken_down_by_district(api, make_user, data):
    response = api.get(f"/api/v1/exports/summary.csv?{MARCH}", user=make_user("program_manager"))
    rows = [row for row in rows_of(response) if row["table"] == "district"]
    assert [row["group"] for row in rows if row["outcome"] == "total"] == ["North", "South", "not_recorded"]
    south = [row for row in rows if row["group"] == "South"]
    assert {row["count"] for row in south} == {"0"}  # zeros are published
    north_total = next(row for row in rows if row["group"] == "North" and row["outcome"] == "total")
    assert north_total["suppressed"] == "true" and north_total["count"] == ""  # 2 encounters: a small cell


def test_the_xlsx_log_labels_the_record_and_lists_its_codes(api, make_user, data):
    from openpyxl import load_workbook

    response = api.get(f"/api/v1/exports/outcomes.xlsx?{MARCH}", user=make_user("program_manager"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book["Outcome log"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert {"Call source", "Final call type", "Contact mode", "Why backup was requested"} <= set(header)
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    backed = next(row for row in rows if row["Why backup was requested"])
    assert backed["Call source"] == "988 crisis line"
    assert backed["Contact mode"] == columns_label("contact_mode", "in_person_with_officer")
    assert backed["Why backup was requested"] == columns_label("backup_reason", "weapon") != "weapon"
    codes = [[cell.value for cell in row] for row in book["Codes"].iter_rows()]
    assert ["Contact mode", "telehealth", columns_label("contact_mode", "telehealth"), "contact_mode"] in codes
    assert any(row[0] == "Transport destination" for row in codes)


def columns_label(column, code):
    from fieldapp.exports.workbook import CODES
    return str(CODES[column][code])
