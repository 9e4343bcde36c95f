"""Hostile or mistyped HSDS documents (issue 22, defect 5): a JSON document nested 100,000 deep is a
4xx, never a 500; a record whose field has the wrong HSDS type is refused with a message naming the
record and the field, and nothing of it is stored."""

import io
import json
import uuid

from sqlalchemy import func, select

from fieldapp.directory.models import Organization, Service
from fieldapp.integrations.hsds import validation
from tests.fixtures.standards import hsds_example, standard

DEEP = 100_000


def upload(browser, content: bytes, name="directory.json"):
    return browser.post("/directory/import", {"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def stored(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_upload_nested_100000_deep_is_refused_not_a_500(pages, make_user, db):
    browser = pages(make_user("admin"))
    for content in (b"[" * DEEP + b"]" * DEEP, b'{"contents": ' + b"[" * DEEP + b"]" * DEEP + b"}",
                    b'{"name": "x", "services": ' + b"[" * 40 + b"]" * 40 + b"}"):
        response = upload(browser, content)
        assert response.status_code == 422
        assert "nested too deeply" in response.get_data(as_text=True)
    assert stored(db, Organization) == 0


def test_a_json_body_nested_100000_deep_is_a_4xx(pages, make_user, db):
    browser = pages(make_user("admin"))
    response = browser.client.post("/directory/import", data=b"[" * DEEP + b"]" * DEEP,
                                   headers={"Content-Type": "application/json", "Accept": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]["code"] == "bad_request"


def test_mistyped_fields_are_refused_per_record_and_nothing_wrong_is_stored(pages, make_user, db):
    good = json.loads(hsds_example("service_full.json").read_text())
    number_name = {**good, "id": str(uuid.uuid4()), "name": 12345}
    list_description = {"id": str(uuid.uuid4()), "name": "Listed Org", "description": ["x"]}
    bad_phone = {**good, "id": str(uuid.uuid4()), "name": "Phone Clinic",
                 "phones": [{"id": str(uuid.uuid4()), "number": 5551234, "extension": "twelve"}]}
    browser = pages(make_user("admin"))
    response = upload(browser, json.dumps({"contents": [good, number_name, list_description, bad_phone]}).encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert f"{number_name['id']}: Wrong type: name: must be text, not a number." in html
    assert f"{list_description['id']}: Wrong type: description: must be text, not a list." in html
    assert (f"{bad_phone['id']}: Wrong type: phones.0.extension: must be a number, not text; "
            "phones.0.number: must be text, not a number.") in html
    names = set(db.session.scalars(select(Service.name)))
    assert names == {"Community Counselling"}
    assert db.session.scalar(select(func.count()).select_from(Organization).where(
        Organization.description == "['x']")) == 0
    assert db.session.get(Organization, uuid.UUID(list_description["id"])) is None


def test_the_types_checked_are_the_standards_own():
    """Every field the importer checks has the type HSDS 3.0's compiled schemas give it."""
    compiled = standard("hsds-3.0", "schema", "compiled")
    checked = []

    def compare(ours: dict, theirs: dict, where: str):
        for name, schema in ours["properties"].items():
            official = theirs["properties"][name]
            assert [kind for kind in schema["type"] if kind != "null"] == [official["type"]], f"{where}.{name}"
            checked.append(f"{where}.{name}")
            if "items" in schema:
                compare(schema["items"], official["items"], f"{where}.{name}.0")
            elif "properties" in schema:
                compare(schema, official, f"{where}.{name}")

    for kind, schema in validation.SCHEMAS.items():
        compare(schema, json.loads((compiled / f"{kind}.json").read_text()), kind)
    assert "service.service_at_locations.0.location.addresses.0.postal_code" in checked
