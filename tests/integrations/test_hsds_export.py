import json
import uuid
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, validators

from tests.fixtures.standards import hsds_example, standard

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


@cache
def _validator_class(path):
    schema = json.loads(Path(path).read_text())
    return validators.validator_for(schema, default=Draft202012Validator), schema


def assert_valid_hsds_service(document):
    cls, schema = _validator_class(str(standard("hsds-3.0", "schema", "compiled", "service.json")))
    errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(document), key=str)
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


@pytest.fixture
def imported(app, db):
    result = app.test_cli_runner().invoke(args=["directory", "import", str(hsds_example("service_full.json"))])
    assert result.exit_code == 0, result.output


def test_an_imported_service_exports_as_valid_hsds_with_its_ids(api, make_user, imported):
    response = api.get(f"/api/v1/hsds/services/{SERVICE_ID}", user=make_user("officer"))
    assert response.status_code == 200
    document = response.get_json()
    assert_valid_hsds_service(document)
    original = json.loads(hsds_example("service_full.json").read_text())
    assert document["id"] == SERVICE_ID and document["name"] == original["name"]
    assert document["organization"]["id"] == original["organization"]["id"]
    assert [p["id"] for p in document["phones"]] == [original["phones"][0]["id"]]
    assert document["phones"][0]["number"] == "+44 1234 234567" and document["phones"][0]["extension"] == 100
    assert [s["id"] for s in document["schedules"]] == [original["schedules"][0]["id"]]
    link = document["service_at_locations"][0]
    assert link["id"] == original["service_at_locations"][0]["id"]
    assert link["location"]["addresses"][0]["id"] == "74706e55-df26-4b84-80fe-ecc30b5befb4"
    assert "latitude" not in link["location"]  # the example's (100, 101) was not kept
    term = document["attributes"][0]["taxonomy_term"]
    assert (term["taxonomy"], term["code"], term["name"]) == ("fieldapp-category", "other", "Other")


def test_a_service_typed_into_fieldapp_exports_as_valid_hsds(api, make_user, services_directory):
    user = make_user("dispatcher")
    service = services_directory["mental"]
    document = api.get(f"/api/v1/hsds/services/{service.id}", user=user).get_json()
    assert_valid_hsds_service(document)
    assert document["organization"]["name"] == "Harbor Behavioral Health"
    assert document["phones"][0]["number"] == "555-0150"
    assert document["eligibility_description"] == "Adults 18+"
    assert document["attributes"][0]["taxonomy_term"]["code"] == "mental_health"
    again = api.get(f"/api/v1/hsds/services/{service.id}", user=user).get_json()
    assert again["phones"][0]["id"] == document["phones"][0]["id"]  # derived ids stay the same
    uuid.UUID(document["phones"][0]["id"])


def test_services_are_listed_in_hsds_pages(api, make_user, services_directory, imported):
    user = make_user("program_manager")
    first = api.get("/api/v1/hsds/services?per_page=3", user=user).get_json()
    assert {key: first[key] for key in ("total_items", "total_pages", "page_number", "size", "first_page",
                                        "last_page", "empty")} == {
        "total_items": 4, "total_pages": 2, "page_number": 1, "size": 3, "first_page": True, "last_page": False,
        "empty": False}
    second = api.get("/api/v1/hsds/services?per_page=3&page=2", user=user).get_json()
    assert second["size"] == 1 and second["last_page"] and not second["first_page"]
    names = [s["name"] for s in first["contents"] + second["contents"]]
    assert names == ["Community Counselling", "Harbor Opioid Treatment Program", "Mobile Crisis Follow-up",
                     "Old Drop-in Center"]  # every status: the inactive one says so itself
    assert second["contents"][0]["status"] == "inactive"
    for document in first["contents"] + second["contents"]:
        assert_valid_hsds_service(document)
    beyond = api.get("/api/v1/hsds/services?page=9", user=user).get_json()
    assert beyond["empty"] and beyond["contents"] == [] and beyond["total_items"] == 4


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "page=abc", "page=99999999999"])
def test_bad_paging_is_a_422(api, make_user, db, query):
    response = api.get(f"/api/v1/hsds/services?{query}", user=make_user("clinician"))
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid"


def test_the_export_needs_a_signed_in_user(api, db):
    assert api.get("/api/v1/hsds/services").status_code == 401
    assert api.get(f"/api/v1/hsds/services/{uuid.uuid4()}", user=None).status_code == 401


def test_an_unknown_service_is_a_404(api, make_user, db):
    assert api.get(f"/api/v1/hsds/services/{uuid.uuid4()}", user=make_user("admin")).status_code == 404
