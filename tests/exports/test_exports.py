"""Exports: the outcome and referral logs (CSV, XLSX), their de-identified variants, the public
summary, streaming, auditing, the CLI and who may export. Data: tests/fixtures/metrics_data.py."""

import csv
import hashlib
import hmac
import inspect
import io
import re
import tracemalloc
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import insert, select

from fieldapp.audit.models import AuditEvent
from fieldapp.calls.constants import CALL_TYPES, PRIORITIES
from fieldapp.calls.models import Call
from fieldapp.encounters.constants import CONCERNS
from fieldapp.encounters.models import Encounter
from fieldapp.exports import columns, queries, services, streaming, workbook
from fieldapp.exports.deidentify import KEY_LABEL, Pseudonymizer
from fieldapp.metrics.filters import Filters
from fieldapp.people.models import Person
from tests.fixtures import metrics_data
from tests.fixtures.metrics_data import IDENTIFIERS

MARCH = "from=2026-03-01&to=2026-03-31"
EXPORTS = ["outcomes.csv", "outcomes.xlsx", "referrals.csv", "referrals.xlsx", "summary.csv"]


@pytest.fixture
def data(db, make_user):
    return metrics_data.build(db.session, make_user("clinician"))


@pytest.fixture
def manager(make_user):
    return make_user("program_manager")


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def sheet_rows(response):
    workbook = load_workbook(io.BytesIO(response.get_data()))
    values = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_outcome_log_has_one_row_per_encounter_with_call_times_and_demographics(api, data, manager):
    response = api.get(f"/api/v1/exports/outcomes.csv?{MARCH}", user=manager)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="fieldapp-outcomes-2026-03-01-to-2026-03-31.csv"' in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert list(rows[0]) == columns.header("outcomes", "identified")
    assert {row["encounter_id"] for row in rows} == {str(e.id) for e in (data.e1, data.e2, data.e3, data.e4, data.e5)}
    arrest = next(row for row in rows if row["encounter_id"] == str(data.e2.id))
    assert arrest["cad_incident_id"] == "CAD-2026-000111" and arrest["call_type"] == "EDP"
    # In the agency's zone with the offset (March 2 is before the daylight-saving change of March 8).
    assert arrest["call_received_at"] == "2026-03-02T09:00:00-05:00"
    assert arrest["assigned_at"] == "2026-03-02T09:03:00-05:00"
    assert arrest["acknowledged_at"] == "2026-03-02T09:03:30-05:00" and arrest["transporting_at"] == ""
    assert arrest["on_scene_at"] == "2026-03-02T09:15:00-05:00" and arrest["cleared_at"] == "2026-03-02T09:45:00-05:00"
    assert (arrest["queue_seconds"], arrest["response_seconds"], arrest["travel_seconds"],
            arrest["on_scene_seconds"]) == ("180", "900", "720", "1800")
    assert arrest["unit"] == "CR-A" and arrest["outcome"] == "arrested" and arrest["apco_code"] == "03"
    assert (arrest["probable_cause"], arrest["diverted"], arrest["use_of_force"], arrest["force_type"]) == (
        "true", "false", "true", "physical_control")
    assert arrest["person_id"] == str(data.p2.id) and arrest["person_unidentified"] == "false"
    assert arrest["age"] == "17" and arrest["gender"] == "man" and arrest["race_ethnicity"] == "white"
    diverted = next(row for row in rows if row["encounter_id"] == str(data.e4.id))
    assert diverted["referral_count"] == "2" and diverted["referral_categories"] == "housing;mental_health"
    assert diverted["race_ethnicity"] == "hispanic_latino;white" and diverted["concerns"] == "mental_health"
    resolved = next(row for row in rows if row["encounter_id"] == str(data.e1.id))
    assert resolved["concerns"] == "mental_health;homelessness"  # as recorded
    held = next(row for row in rows if row["encounter_id"] == str(data.e3.id))
    assert held["referral_count"] == "0"  # its only referral is to a 42 CFR Part 2 program
    assert [row["call_received_at"][:10] for row in rows] == sorted(row["call_received_at"][:10] for row in rows)


def test_no_export_holds_notes_narratives_or_part2_referrals(api, data, manager):
    for name in EXPORTS:
        for flag in ("0", "1"):
            body = api.get(f"/api/v1/exports/{name}?{MARCH}&deidentified={flag}" if "summary" not in name
                           else f"/api/v1/exports/{name}?{MARCH}", user=manager).get_data()
            text = _all_text(body, name)
            for secret in ("CLINICAL-NOTE-SECRET", "NARRATIVE-SECRET", "REFERRAL-NOTE-SECRET",
                           "Harbor Opioid Treatment", str(data.r4.id)):
                assert secret not in text, (name, flag, secret)


def _all_text(body: bytes, name: str, *, file_properties=True) -> str:
    """The text of a CSV, or of every part of an XLSX (a zip of XML files). The workbook's own
    properties hold when the file was made, which is no date about a person."""
    if name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(part).decode() for part in archive.namelist()
                           if file_properties or not part.startswith("docProps/"))
    return body.decode()


@pytest.mark.parametrize("name", ["outcomes.csv", "outcomes.xlsx", "referrals.csv", "referrals.xlsx"])
def test_deidentified_exports_contain_none_of_the_identifiers(api, data, manager, name):
    response = api.get(f"/api/v1/exports/{name}?{MARCH}&deidentified=1", user=manager)
    assert response.status_code == 200
    text = _all_text(response.get_data(), name)
    for identifier in IDENTIFIERS:
        assert identifier not in text, identifier
    people = (data.p1, data.p2, data.p3, data.p4)
    for record in (data.e1, data.e2, data.e3, data.e4, data.e5, data.r1, data.r2, data.r3, *people):
        assert str(record.id) not in text  # UUIDs of encounters, referrals and people
    assert not re.search(r"\b(call_id|encounter_id|person_id|referral_id|cad_incident_id)\b", text)
    for person in people:
        assert person.dob is None or person.dob.isoformat() not in text
    # No date but the year: no day, no month-day, no time of day anywhere.
    data_text = _all_text(response.get_data(), name, file_properties=False)
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}|\d{1,2}/\d{1,2}/\d{2,4}", data_text)
    if name.endswith(".csv"):
        rows = rows_of(response)
        assert all(row["year"] == "2026" for row in rows)


def test_deidentified_outcome_log_groups_old_ages_and_keys_people_stably(api, app, data, manager):
    rows = rows_of(api.get(f"/api/v1/exports/outcomes.csv?{MARCH}&deidentified=1", user=manager))
    assert list(rows[0]) == columns.header("outcomes", "deidentified")
    assert sorted(row["age"] for row in rows) == ["17", "30", "45", "45", "90+"]  # P4 is about 95
    keys = Pseudonymizer(app.config["SECRET_KEY"])
    by_key = {}
    for row in rows:
        by_key.setdefault(row["person_key"], []).append(row["outcome"])
    # P1 was met twice (resolved, then hospitalized): one key, two rows, so repeat contacts stay countable.
    assert sorted(by_key[keys.person(data.p1.id)]) == ["hospitalized", "resolved"]
    derived = hmac.new(app.config["SECRET_KEY"].encode(), KEY_LABEL, hashlib.sha256).digest()
    expected = hmac.new(derived, b"person:" + str(data.p1.id).encode(), hashlib.sha256).hexdigest()[:32]
    assert keys.person(data.p1.id) == expected
    again = rows_of(api.get(f"/api/v1/exports/outcomes.csv?{MARCH}&deidentified=1", user=manager))
    assert [row["person_key"] for row in again] == [row["person_key"] for row in rows]
    # Another key (a rotated SECRET_KEY) gives other pseudonyms: exports before and after cannot be linked.
    assert Pseudonymizer("another secret").person(data.p1.id) != keys.person(data.p1.id)
    referral_keys = {row["person_key"] for row in
                     rows_of(api.get(f"/api/v1/exports/referrals.csv?{MARCH}&deidentified=1", user=manager))}
    assert referral_keys == {keys.person(data.p3.id), keys.person(data.p4.id)}


def test_every_statement_selects_the_documented_columns_in_order(app):
    from fieldapp.exports import queries

    march = _march(app)
    for kind, query in (("outcomes", queries.outcome_log), ("referrals", queries.referral_log)):
        for dialect in ("sqlite", "postgresql"):
            for as_text in (True, False):
                identified = [c.name for c in query(march, dialect, as_text=as_text).selected_columns]
                assert identified == columns.header(kind, "identified")
                hidden = [c.name for c in query(march, dialect, variant="deidentified",
                                                 as_text=as_text).selected_columns]
                published = columns.header(kind, "deidentified")
                replaced = 3 if kind == "outcomes" else 2  # ids and time that become keys and the year
                assert hidden[replaced:] == published[replaced:]


def test_referral_log_has_each_referrals_history(api, data, manager):
    rows = {row["referral_id"]: row for row in
            rows_of(api.get(f"/api/v1/exports/referrals.csv?{MARCH}", user=manager))}
    # R4 goes to a 42 CFR Part 2 program (never exported); R9 is on an April call.
    assert set(rows) == {str(data.r1.id), str(data.r2.id), str(data.r3.id)}
    completed = rows[str(data.r1.id)]
    assert completed["status_history"] == "made>accepted>in_progress>completed" and completed["steps"] == "4"
    assert completed["service_category"] == "mental_health" and completed["organization"] == "Harbor Behavioral Health"
    assert completed["seconds_to_accept"] == "86400" and completed["seconds_to_close"] == "259200"
    assert completed["made_at"] == "2026-03-10T05:30:00-04:00" and completed["overdue"] == "false"
    declined = rows[str(data.r3.id)]
    assert declined["status_history"] == "made>declined" and declined["last_reason"] == "Consent declined"
    assert rows[str(data.r2.id)]["overdue"] == "true"  # made in March, due a week later, still open


def test_xlsx_exports_are_real_workbooks(api, data, manager):
    response = api.get(f"/api/v1/exports/outcomes.xlsx?{MARCH}", user=manager)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = sheet_rows(response)
    header = columns.header("outcomes", "identified")
    assert len(rows) == 5 and list(rows[0]) == [workbook.label(name) for name in header]
    first = rows[0]
    assert first["Call received"] == datetime(2026, 3, 2, 9, 0)  # a real date-time, in the agency's zone
    assert first["Unit"] == "CR-A"
    referrals = sheet_rows(api.get(f"/api/v1/exports/referrals.xlsx?{MARCH}&deidentified=1", user=manager))
    assert len(referrals) == 3
    assert set(referrals[0]) == {workbook.label(name) for name in columns.header("referrals", "deidentified")}


def test_xlsx_has_a_frozen_labelled_header_an_autofilter_and_a_codes_sheet(api, data, manager):
    book = load_workbook(io.BytesIO(api.get(f"/api/v1/exports/outcomes.xlsx?{MARCH}", user=manager).get_data()))
    sheet = book["Outcome log"]
    assert book.sheetnames == ["Outcome log", "Codes"]
    assert sheet.freeze_panes == "A2"  # the header row stays in view
    header = columns.header("outcomes", "identified")
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}6"  # the header and the 5 rows
    labels = [cell.value for cell in sheet[1]]
    assert labels[:6] == ["Encounter ID", "Call ID", "CAD incident ID", "Call type", "Priority", "Call received"]
    assert all(cell.font.bold for cell in sheet[1])
    rows = {row["Encounter ID"]: row for row in sheet_rows_of(sheet)}
    arrest, hospital = rows[str(data.e2.id)], rows[str(data.e3.id)]
    # Readable values: labels instead of codes, several codes joined
    assert arrest["Call type"] == CALL_TYPES["EDP"] and arrest["Outcome"] == "Arrested"
    assert arrest["Priority"] == PRIORITIES[data.c1.priority]
    assert hospital["Hospitalization type"] == "Involuntary hold" and hospital["Transport"] == "By EMS"
    first = rows[str(data.e1.id)]
    assert first["Presenting concerns"] == f"{CONCERNS['mental_health']}; {CONCERNS['homelessness']}"
    codes = [[cell.value for cell in row] for row in book["Codes"].iter_rows()]
    assert codes[0] == ["Column", "Code", "Meaning", "CSV column"]
    assert ["Call type", "EDP", CALL_TYPES["EDP"], "call_type"] in codes
    assert ["Outcome", "arrested", "Arrested", "outcome"] in codes and ["Presenting concerns", "homelessness",
                                                                        CONCERNS["homelessness"], "concerns"] in codes
    assert book["Codes"].auto_filter.ref == f"A1:D{len(codes)}" and book["Codes"].freeze_panes == "A2"


def test_a_spanish_readers_workbook_is_in_spanish_with_the_csvs_columns_in_the_same_order(api, data, make_user):
    """The human columns follow the reader's language (headers, labels, sheet names); the columns are
    the CSV's, in its order, and the Codes sheet names each one's CSV key and keeps every code."""
    manager = make_user("program_manager", locale="es")
    book = load_workbook(io.BytesIO(api.get(f"/api/v1/exports/outcomes.xlsx?{MARCH}", user=manager).get_data()))
    assert book.sheetnames == ["Registro de resultados", "Códigos"]
    labels = [cell.value for cell in book.worksheets[0][1]]
    assert len(labels) == len(columns.header("outcomes", "identified"))
    assert labels[:6] == ["ID de la intervención", "ID de la llamada", "ID de incidente CAD", "Tipo de llamada",
                          "Prioridad", "Llamada recibida"]
    rows = {row["ID de la intervención"]: row for row in sheet_rows_of(book.worksheets[0])}
    assert rows[str(data.e2.id)]["Resultado"] == "Arrestado"
    codes = [[cell.value for cell in row] for row in book["Códigos"].iter_rows()]
    assert codes[0] == ["Columna", "Código", "Significado", "Columna del CSV"]
    assert ["Resultado", "arrested", "Arrestado", "outcome"] in codes


def test_xlsx_and_csv_times_carry_the_offset_across_a_daylight_saving_change(api, data, manager):
    """US daylight saving time began on 2026-03-08: a call of March 2 is -05:00, one of March 10 -04:00."""
    csv_rows = {row["encounter_id"]: row for row in rows_of(api.get(f"/api/v1/exports/outcomes.csv?{MARCH}",
                                                                     user=manager))}
    assert csv_rows[str(data.e2.id)]["call_received_at"] == "2026-03-02T09:00:00-05:00"
    assert csv_rows[str(data.e4.id)]["call_received_at"] == "2026-03-10T05:00:00-04:00"
    book = load_workbook(io.BytesIO(api.get(f"/api/v1/exports/outcomes.xlsx?{MARCH}", user=manager).get_data()))
    sheet = book["Outcome log"]
    column = [cell.value for cell in sheet[1]].index("Call received") + 1
    cells = {row[0].value: row[column - 1] for row in sheet.iter_rows(min_row=2)}
    winter, summer = cells[str(data.e2.id)], cells[str(data.e4.id)]
    assert winter.value == datetime(2026, 3, 2, 9, 0) and winter.number_format.endswith('" -05:00"')
    assert summer.value == datetime(2026, 3, 10, 5, 0) and summer.number_format.endswith('" -04:00"')
    assert winter.is_date and summer.is_date


def sheet_rows_of(sheet):
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_text_that_looks_like_a_formula_is_defused(api, db, data, manager):
    data.unit_b.call_sign = "=HYPERLINK"
    db.session.commit()
    rows = rows_of(api.get(f"/api/v1/exports/outcomes.csv?{MARCH}", user=manager))
    assert "'=HYPERLINK" in {row["unit"] for row in rows}
    sheet = sheet_rows(api.get(f"/api/v1/exports/outcomes.xlsx?{MARCH}", user=manager))
    assert "'=HYPERLINK" in {row["Unit"] for row in sheet}


def test_exports_are_filtered_like_the_dashboard(api, data, manager):
    rows = rows_of(api.get(f"/api/v1/exports/outcomes.csv?{MARCH}&unit_id={data.unit_b.id}", user=manager))
    assert [row["encounter_id"] for row in rows] == [str(data.e4.id)]
    rows = rows_of(api.get(f"/api/v1/exports/outcomes.csv?{MARCH}&call_type=MNTL", user=manager))
    assert {row["encounter_id"] for row in rows} == {str(data.e3.id), str(data.e4.id)}
    april = rows_of(api.get("/api/v1/exports/outcomes.csv?from=2026-04-01&to=2026-04-30", user=manager))
    assert [row["encounter_id"] for row in april] == [str(data.e9.id)]
    assert api.get("/api/v1/exports/outcomes.csv?from=2026-04-01&to=2026-03-01", user=manager).status_code == 422


def test_every_export_is_audited_with_its_filters_and_row_count(api, db, data, manager):
    response = api.get(f"/api/v1/exports/outcomes.csv?{MARCH}&deidentified=1&call_type=MNTL", user=manager)
    assert response.status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.outcomes")).one()
    assert event.user_id == manager.id and event.outcome == "success"
    assert event.details == {"filters": {"from": "2026-03-01", "to": "2026-03-31", "unit_id": None,
                                         "call_type": "MNTL"},
                             "rows": 2, "format": "csv", "deidentified": True, "via": "api"}
    assert response.headers["X-Export-Rows"] == "2"
    for name, action in [("referrals.xlsx", "export.referrals"), ("summary.csv", "export.summary")]:
        assert api.get(f"/api/v1/exports/{name}?{MARCH}", user=manager).status_code == 200
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).one().details["rows"] > 0


def test_exports_stream_from_a_generator(app, api, db, data, manager):
    response = api.client.get(f"/api/v1/exports/outcomes.csv?{MARCH}", headers=api.headers(manager),
                              buffered=False)
    assert response.is_streamed
    # The audit row is written before the first byte is read.
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.outcomes")).one()
    assert len(rows_of(response)) == 5
    with app.test_request_context():
        export = services.log_export("outcomes", "csv", _march(app), deidentified=False)
        assert inspect.isgenerator(export.chunks) and export.rows == 5
        export.chunks.close()
        xlsx = services.log_export("referrals", "xlsx", _march(app), deidentified=True)
        assert inspect.isgenerator(xlsx.chunks)
        xlsx.chunks.close()


def _march(app):
    return Filters(date(2026, 3, 1), date(2026, 4, 1), app.config["FIELDAPP_TIMEZONE"])


def _many_encounters(db, count):
    """``count`` encounters on ``count`` calls in March 2026, inserted in bulk."""
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    calls = [{"received_at": start + timedelta(minutes=n), "created_at": start, "call_type": "EDP", "priority": 2,
              "address": f"{n} Long Street", "address_key": "", "narrative": "", "cautions": [], "status": "cleared",
              "disposition": "encounter_logged"} for n in range(count)]
    ids = db.session.scalars(insert(Call).returning(Call.id, sort_by_parameter_order=True), calls).all()
    people = [{"id": uuid.uuid4(), "given_name": f"Given{n}", "family_name": f"Family{n}", "gender": "woman",
               "race_ethnicity": ["white"], "approx_age": 40} for n in range(count)]
    db.session.execute(insert(Person), people)
    db.session.execute(insert(Encounter), [
        {"id": uuid.uuid4(), "call_id": call_id, "person_id": person["id"], "outcome": "resolved",
         "concerns": ["mental_health", "homelessness"], "transport": "none", "narrative": "", "apco_code": "18",
         "recorded_at": start, "received_at": start, "request_hash": "x" * 64}
        for call_id, person in zip(ids, people, strict=True)])
    db.session.commit()


def test_memory_stays_flat_while_a_large_export_streams(app, db, monkeypatch):
    _many_encounters(db, 6000)
    monkeypatch.setattr(streaming, "BATCH_ROWS", 50)
    with app.test_request_context():
        export = services.log_export("outcomes", "csv", _march(app), deidentified=False)
        assert export.rows == 6000
        total = len(next(export.chunks))  # the query is compiled and running: measure from here
        chunks = 1
        tracemalloc.start()
        try:
            for chunk in export.chunks:
                total += len(chunk)
                chunks += 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    if db.engine.dialect.name == "postgresql":  # the database's COPY, sent in pieces of 64 KB as they come
        assert chunks >= total // (streaming.CHUNK_BYTES + 1000)
        limit = total / 3  # a few pieces of 64 KB and the driver's buffers
    else:
        assert chunks == 120  # sent in pieces of 50 rows as they come
        limit = total / 5
    # The file never sits in memory: the peak is about one batch, a small part of what was sent.
    assert total > 1_500_000 and peak < limit, (total, peak)


def test_copy_writes_the_same_bytes_as_the_csv_module(app, db, data):
    """PostgreSQL's COPY path (identified CSV) gives byte for byte what Python's csv module writes from
    the same rows: quotes, commas, line feeds inside a field, empty text, NULLs, \r\n row ends."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    data.unit_b.call_sign = 'B "2",\nnight'
    data.unit_a.call_sign = ""
    db.session.get(Call, data.c1.id).external_id = "line one\r\nline two"
    db.session.commit()
    with app.test_request_context():
        for kind, query in (("outcomes", queries.outcome_log), ("referrals", queries.referral_log)):
            statement = query(_march(app), "postgresql")
            header = columns.header(kind, "identified")
            copied = b"".join(streaming.copy_csv_bytes(db.engine, statement, header))
            written = b"".join(streaming.csv_bytes(header, streaming.batches(db.engine, statement)))
            assert copied == written and b'"B ""2"",\nnight"' in copied and b"\r\n" in copied


def test_the_public_summary_suppresses_small_counts(api, data, manager):
    response = api.get(f"/api/v1/exports/summary.csv?{MARCH}", user=manager)
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows[0]) == ["table", "group", "outcome", "count", "suppressed"]
    published = [int(row["count"]) for row in rows if row["suppressed"] == "false"]
    assert all(not 1 <= count <= 10 for count in published)
    # Five encounters in all: every non-zero count is small, so only zeros are shown.
    assert set(published) == {0}
    grand = next(row for row in rows if row["table"] == "all" and row["outcome"] == "total")
    assert grand["suppressed"] == "true" and grand["count"] == ""
    assert {row["table"] for row in rows} == {"month", "call_type", "gender", "age_group", "race_ethnicity", "district",
                                             "preferred_language", "interpreter_needed", "all"}
    text = response.get_data(as_text=True)
    for identifier in IDENTIFIERS:
        assert identifier not in text


def test_the_cli_exports_for_scheduled_reporting(app, db, data):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "outcomes", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "csv",
                                 "--deidentified"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("person_key,call_key,year") and len(lines) == 6
    assert "5 rows exported" in result.stderr
    for identifier in IDENTIFIERS:
        assert identifier not in result.stdout
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.outcomes")).one()
    assert event.user_id is None and event.details["via"] == "cli" and event.details["rows"] == 5
    summary = runner.invoke(args=["export", "summary", "--from", "2026-03-01", "--to", "2026-03-31"])
    assert summary.exit_code == 0 and summary.stdout.startswith("table,group,outcome,count,suppressed")
    bad = runner.invoke(args=["export", "referrals", "--from", "2026-04-01", "--to", "2026-03-01"])
    assert bad.exit_code != 0 and "is before the first" in bad.output


@pytest.mark.parametrize("role", ["officer", "clinician", "dispatcher"])
def test_other_roles_cannot_export(api, pages, data, make_user, role):
    user = make_user(role)
    for name in EXPORTS:
        response = api.get(f"/api/v1/exports/{name}?{MARCH}", user=user)
        assert response.status_code == 403, name
        assert response.get_json()["error"]["code"] == "forbidden"
    assert pages(user).get("/exports").status_code == 403


def test_admins_and_program_managers_can_export(api, pages, data, make_user):
    for role in ("program_manager", "admin"):
        user = make_user(role)
        for name in EXPORTS:
            assert api.get(f"/api/v1/exports/{name}?{MARCH}", user=user).status_code == 200, (role, name)
        page = pages(user).get("/exports?from=2026-03-01&to=2026-03-31")
        assert page.status_code == 200 and "Download summary" in page.get_data(as_text=True)


def test_the_exports_page_links_each_export_with_the_filters(pages, data, manager):
    html = pages(manager).get("/exports?from=2026-03-01&to=2026-03-31&call_type=MNTL").get_data(as_text=True)
    for name in EXPORTS:
        assert f"/api/v1/exports/{name}" in html
    assert 'value="2026-03-01"' in html and 'value="MNTL" selected' in html


def test_the_column_dictionary_documents_every_column():
    text = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text()
    for variants in columns.COLUMNS.values():
        for variant in variants.values():
            for name, _ in variant:
                assert f"`{name}`" in text, name
