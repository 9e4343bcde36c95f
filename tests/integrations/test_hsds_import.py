import io
import json
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.directory import place_services
from fieldapp.directory.models import Organization, Service
from fieldapp.directory.places import Location, Phone, Schedule, ServiceAtLocation
from tests.fixtures.standards import hsds_example

SERVICE_ID = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
ORG_ID = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
EXAMPLES = ["service_full.json", "organization_full.json", "service_list.json", "organization_list.json",
            "service_at_location_list.json", "csv"]


def run_import(app, path):
    result = app.test_cli_runner().invoke(args=["directory", "import", str(path)])
    return result.exit_code, result.output


def counts(db):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Organization, Service, Location, ServiceAtLocation, Phone, Schedule, AuditEvent)}


def test_service_full_creates_the_organization_service_location_phone_and_schedule(app, db):
    code, output = run_import(app, hsds_example("service_full.json"))
    assert code == 0, output
    assert "6 created, 0 updated, 0 unchanged, 0 skipped" in output
    service = db.session.get(Service, SERVICE_ID)
    assert service.name == "Community Counselling" and service.status == "active"
    assert service.organization.id == ORG_ID and service.organization.name == "Example Organization Inc."
    assert service.eligibility_description.startswith("This service is intended for all people aged 12")
    assert service.phone == "+44 1234 234567 ext. 100"  # the example's number carries literal quotes
    assert service.hours.startswith("The service is available from 10 am to 6pm weekdays")
    assert service.address == "1-30 Main Street, MyVillage, MyCity, MyState ABC 1234"
    assert service.latitude is None and service.longitude is None  # (100, 101) is not on Earth
    phone = db.session.get(Phone, uuid.UUID("1554f2e2-a373-45db-a3fa-9fc48a61c15e"))
    assert (phone.service_id, phone.number, phone.extension, phone.type) == (SERVICE_ID, "+44 1234 234567", 100,
                                                                             "voice")
    schedule = db.session.get(Schedule, uuid.UUID("48102e86-bb50-41c4-8f1e-e269368c41d1"))
    assert (schedule.freq, schedule.byday, schedule.opens_at, schedule.closes_at) == ("WEEKLY", "TH,FR", "10:00:00",
                                                                                      "18:00:00")
    link = db.session.get(ServiceAtLocation, uuid.UUID("e94c9f38-1e8f-4564-91d4-d53501ab1765"))
    assert link.service_id == SERVICE_ID and link.location.name == "MyCity Civic Center"
    assert link.location.postal_code == "ABC 1234" and link.location.country == "US"
    # The example's only taxonomy term maps to no category: filed under "other", and said so.
    assert service.category == "other"
    assert "unmapped taxonomy term taxonomy:code (name) (services: Community Counselling)" in output
    assert "coordinates (100, 101) are not a latitude and longitude; left out" in output
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "directory.import")).one()
    assert audit.details["created"] == 6 and audit.details["unmapped_terms"] == ["taxonomy:code (name)"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_importing_an_example_again_changes_nothing(app, db, name):
    code, first = run_import(app, hsds_example(name))
    assert code == 0 and " 0 created" not in first.splitlines()[0], first
    before = counts(db)
    stamps = {s.id: s.updated_at for s in db.session.scalars(select(Service))}
    code, again = run_import(app, hsds_example(name))
    assert code == 0 and "0 created, 0 updated" in again, again
    after = counts(db)
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1  # only the import's own summary
    assert after == before
    db.session.expire_all()
    assert {s.id: s.updated_at for s in db.session.scalars(select(Service))} == stamps


def test_every_example_describes_the_same_records(app, db):
    """The JSON documents, the lists and the CSV package carry the same example: after the full
    document, the others find nothing to change."""
    run_import(app, hsds_example("service_full.json"))
    for name in EXAMPLES[1:]:
        code, output = run_import(app, hsds_example(name))
        assert code == 0 and "0 created, 0 updated" in output, (name, output)


def test_csv_package_imports_the_linked_tables(app, db):
    code, output = run_import(app, hsds_example("csv"))
    assert code == 0, output
    service = db.session.get(Service, SERVICE_ID)
    assert service.organization_id == ORG_ID and service.phone == "+44 1234 234567 ext. 100"
    assert service.address == "1-30 Main Street, MyVillage, MyCity, MyState ABC 1234"
    # The example's location names an organization that is not in the package: kept without it.
    assert db.session.get(Location, uuid.UUID("3a19ff88-4620-4d17-9830-ac1d859eb5d5")).organization_id is None
    assert "skipped attribute ae58cc39-8b70-4ab1-8aea-786882e5ac8e: Links to f28dd44b" in output
    assert "datapackage.json is not a Data Package descriptor" in output


def test_taxonomy_terms_map_to_categories_through_the_setting(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "HSDS_CATEGORY_MAP", {"taxonomy:code": "mental_health"})
    code, output = run_import(app, hsds_example("service_full.json"))
    assert code == 0 and "unmapped" not in output
    assert db.session.get(Service, SERVICE_ID).category == "mental_health"


def test_a_mapping_to_an_unknown_category_imports_nothing(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "HSDS_CATEGORY_MAP", {"code": "counselling"})
    code, output = run_import(app, hsds_example("service_full.json"))
    assert code == 1 and "'counselling', which is not a category" in output
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0


def test_a_changed_record_is_updated_in_place(app, db, tmp_path):
    document = json.loads(hsds_example("service_full.json").read_text())
    run_import(app, hsds_example("service_full.json"))
    document["name"], document["status"] = "Community Counselling (evenings)", "temporarily closed"
    document["phones"][0]["number"] = "+44 1234 999999"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document))
    code, output = run_import(app, changed)
    assert code == 0 and "0 created, 2 updated" in output, output
    service = db.session.get(Service, SERVICE_ID)
    assert (service.name, service.status, service.phone) == ("Community Counselling (evenings)", "temporarily closed",
                                                             "+44 1234 999999 ext. 100")
    assert db.session.scalar(select(func.count()).select_from(Service)) == 1


def test_a_website_fieldapp_cannot_take_is_left_out_with_a_note(app, db, tmp_path):
    document = json.loads(hsds_example("organization_full.json").read_text())
    document["website"] = "www.example.com"
    path = tmp_path / "org.json"
    path.write_text(json.dumps(document))
    code, output = run_import(app, path)
    assert code == 0 and "6 created" in output, output
    assert f"organization {ORG_ID}: left out website (Enter a web address starting with https://" in output
    assert db.session.get(Organization, ORG_ID).website is None


def test_records_fieldapp_cannot_take_are_skipped_with_the_reason(app, db, tmp_path):
    good = json.loads(hsds_example("service_full.json").read_text())
    bad_status = {**good, "id": str(uuid.uuid4()), "name": "Closed Clinic", "status": "closed"}
    not_uuid = {**good, "id": "svc-17", "name": "Other Clinic"}
    rival = {"id": str(uuid.uuid4()), "name": "example organization inc.", "description": "Same name, other id",
             "services": [{**good, "id": str(uuid.uuid4()), "name": "Rival service"}]}
    orphan = {**good, "id": str(uuid.uuid4()), "name": "Orphan", "organization": None,
              "organization_id": str(uuid.uuid4())}
    path = tmp_path / "list.json"
    path.write_text(json.dumps({"contents": [good, bad_status, not_uuid, rival, orphan]}))
    code, output = run_import(app, path)
    assert code == 0, output
    assert (f"skipped service {bad_status['id']}: status: Choose active, inactive, defunct or temporarily "
            "closed.") in output
    assert "skipped service svc-17: The id is not a UUID." in output
    assert f"skipped organization {rival['id']}: An organization with this name is already" in output
    assert f"skipped service {rival['services'][0]['id']}: Its organization {rival['id']} was skipped." in output
    assert f"skipped service {orphan['id']}: Its organization {orphan['organization_id']} is neither in this file" \
        in output
    assert [s.name for s in db.session.scalars(select(Service))] == ["Community Counselling"]


@pytest.mark.parametrize("content,message", [
    (b"{not json", "Not a JSON document"),
    (b"[1, 2]", "Expected an HSDS object or a paged list"),
    (b'{"contents": {"id": 1}}', "'contents' to be a list"),
    (b'{"version": "3.0", "profile": "x"}', "No HSDS organization or service found"),
])
def test_unreadable_json_imports_nothing(app, db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, output = run_import(app, path)
    assert code == 1 and "Nothing imported" in output and message in output
    assert counts(db)["Organization"] == 0


def test_a_failure_halfway_undoes_the_whole_import(app, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(place_services, "put_schedule", broken)
    code, output = run_import(app, hsds_example("service_full.json"))
    assert code == 1 and "the import failed and was undone (RuntimeError)" in output
    held = counts(db)
    assert held.pop("AuditEvent") == 1  # the failed import, audited
    assert set(held.values()) == {0}


def zipped(folder, *, skip=(), prefix="") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            if path.name not in skip:
                archive.writestr(prefix + path.name, path.read_bytes())
    return buffer.getvalue()


def test_admin_uploads_the_csv_package_as_a_zip(pages, make_user, db):
    browser = pages(make_user("admin"))
    assert "Upload an Open Referral HSDS 3.0 file" in browser.get("/directory/import").get_data(as_text=True)
    response = browser.post("/directory/import", {"file": (io.BytesIO(zipped(hsds_example("csv"), prefix="hsds/")),
                                                           "directory.zip")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "6 created, 0 updated," in html and "Links to f28dd44b" in html
    assert db.session.get(Service, SERVICE_ID).name == "Community Counselling"


def test_upload_of_a_package_without_datapackage_json_imports_nothing(pages, make_user, db):
    browser = pages(make_user("admin"))
    data = zipped(hsds_example("csv"), skip=("datapackage.json",))
    response = browser.post("/directory/import", {"file": (io.BytesIO(data), "d.zip")},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Nothing was imported: Not an HSDS tabular package: datapackage.json is missing." in \
        response.get_data(as_text=True)
    assert counts(db)["Service"] == 0


def test_only_admins_import(pages, make_user, db):
    for role in ("clinician", "dispatcher", "program_manager"):
        assert pages(make_user(role)).get("/directory/import").status_code == 403


def test_the_category_map_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    from fieldapp.config import ConfigError, from_environment

    monkeypatch.setenv("FIELDAPP_ENV", "development")
    monkeypatch.setenv("HSDS_CATEGORY_MAP", '{"211LA:RP-1500": "substance_use"}')
    assert from_environment(str(tmp_path))["HSDS_CATEGORY_MAP"] == {"211LA:RP-1500": "substance_use"}
    for bad in ("{not json", '["substance_use"]', '{"x": 1}'):
        monkeypatch.setenv("HSDS_CATEGORY_MAP", bad)
        with pytest.raises(ConfigError, match="HSDS_CATEGORY_MAP"):
            from_environment(str(tmp_path))
