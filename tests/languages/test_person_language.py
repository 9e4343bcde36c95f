"""The person's language (issue 23): a call and a person carry a BCP 47 preferred language and
"interpreter needed", from the dispatcher's form, the API and the 988 FHIR / EIDO intakes; a bad code is
refused naming the field; the call page, the briefing and the encounter form show it at the top."""

import copy

import pytest
from sqlalchemy import func, select

from fieldapp import languages
from fieldapp.calls.models import Call
from fieldapp.people.models import Person
from tests.fixtures.calls import call_body
from tests.fixtures.integrations import bearer, cad_account, crisis_account, eido_sample, service_request

INTERPRETER = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"


@pytest.mark.parametrize("given,stored", [("es", "es"), ("ES-mx", "es-MX"), ("zh-hant-tw", "zh-Hant-TW"),
                                          ("es-419", "es-419"), ("hmn", "hmn")])
def test_a_tag_is_stored_in_its_canonical_case(given, stored):
    assert languages.canonical(given) == stored


@pytest.mark.parametrize("given", ["Spanish", "xx", "und", "es_MX", "e", "es-", "es-MX-" + "a" * 40, ""])
def test_what_is_no_tag_of_a_known_language_is_refused(given):
    with pytest.raises(ValueError):
        languages.canonical(given)


def test_names_come_from_cldr_in_the_users_language_with_the_languages_own_name():
    assert languages.label("es") == "Spanish · español"
    assert languages.label("es-MX", "es") == "español (México)"
    assert languages.label("Spanish") == "Spanish"  # free text recorded before issue 23, shown as it is
    assert [code for code, _ in languages.choices()[:2]] == ["en", "es"]


def test_the_api_takes_the_language_and_interpreter_on_a_call(api, dispatcher, db):
    response = api.post("/api/v1/calls", call_body(preferred_language="es-mx", interpreter_needed=True),
                        user=dispatcher)
    assert response.status_code == 201
    assert (response.get_json()["preferred_language"], response.get_json()["interpreter_needed"]) == ("es-MX", True)
    call = db.session.scalars(select(Call)).one()
    assert (call.preferred_language, call.interpreter_needed) == ("es-MX", True)
    changed = api.patch(f"/api/v1/calls/{call.id}", {"interpreter_needed": False}, user=dispatcher)
    assert changed.status_code == 200 and changed.get_json()["interpreter_needed"] is False


@pytest.mark.parametrize("change,field", [
    ({"preferred_language": "Spanish"}, "preferred_language"),
    ({"preferred_language": "es\u0000"}, "preferred_language"),
    ({"preferred_language": 7}, "preferred_language"),
    ({"interpreter_needed": "yes"}, "interpreter_needed"),
])
def test_a_bad_language_field_is_a_422_naming_it_and_saves_nothing(api, dispatcher, db, change, field):
    response = api.post("/api/v1/calls", call_body(**change), user=dispatcher)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_the_dispatcher_form_offers_english_and_spanish_first_and_the_call_page_shows_them(pages, dispatcher, db):
    browser = pages(dispatcher)
    form = browser.get("/calls/new").get_data(as_text=True)
    options = form[form.index('id="preferred_language"'):]
    assert options.index('value="en"') < options.index('value="es"') < options.index("Other languages")
    response = browser.post("/calls/new", {"call_type": "EDP", "priority": "2", "address": "4 Oak St",
                                           "preferred_language": "es", "interpreter_needed": "yes"},
                            follow_redirects=True)
    page = response.get_data(as_text=True)
    call = db.session.scalars(select(Call)).one()
    assert (call.preferred_language, call.interpreter_needed) == ("es", True)
    notice = page[page.index('class="language-notice"'):]
    notice = notice[:notice.index("</p>")]
    assert "Speaks <strong>Spanish · español</strong>" in notice and "Interpreter needed" in notice
    assert "language-icon" in notice  # text and an icon, not colour alone
    assert page.index('class="language-notice"') < page.index("<h1>")


def test_the_dispatcher_form_refuses_a_language_that_is_none(pages, dispatcher, db):
    response = pages(dispatcher).post("/calls/new", {"call_type": "EDP", "priority": "2", "address": "4 Oak St",
                                                     "preferred_language": "klingon"})
    assert response.status_code == 422
    assert languages.MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_the_briefing_and_the_encounter_form_show_the_language_at_the_top(pages, new_call, assigned_call, shift, db):
    call = db.session.get(Call, assigned_call["id"])
    call.preferred_language, call.interpreter_needed = "es", True
    db.session.commit()
    clinician = pages(shift.clinician)
    for path in (f"/calls/{call.id}/record", f"/calls/{call.id}/encounters/new"):
        page = clinician.get(path).get_data(as_text=True)
        assert "Speaks <strong>Spanish · español</strong>" in page, path
        assert "Interpreter needed" in page, path
    form = clinician.get(f"/calls/{call.id}/encounters/new").get_data(as_text=True)
    assert '<option value="es" selected>' in form  # a new person starts with the call's language
    assert 'id="interpreter-yes" name="interpreter_needed" value="yes" checked' in form


def test_a_988_handoff_carries_the_patients_language_and_interpreter(client, db):
    _, key, _ = crisis_account()
    body = service_request()
    body["contained"][0]["communication"] = [
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}},
        {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "es-MX"}]}, "preferred": True}]
    body["contained"][0]["extension"] = [{"url": INTERPRETER, "valueBoolean": True}]
    response = client.post("/api/v1/fhir/ServiceRequest", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    call = db.session.scalars(select(Call)).one()
    assert (call.preferred_language, call.interpreter_needed) == ("es-MX", True)


def test_a_988_handoff_with_a_language_that_is_no_code_is_refused_naming_the_element(client, db):
    _, key, _ = crisis_account()
    body = service_request()
    body["contained"][0]["communication"] = [{"language": {"coding": [{"system": "urn:ietf:bcp:47",
                                                                       "code": "Spanish please"}]}}]
    response = client.post("/api/v1/fhir/ServiceRequest", json=body, headers=bearer(key))
    assert response.status_code == 422
    expressions = {e for issue in response.get_json()["issue"] for e in issue.get("expression", [])}
    assert "ServiceRequest.contained[0].communication[0].language.coding[0].code" in expressions
    assert db.session.scalar(select(func.count(Call.id))) == 0


def _eido_with_language(spoken):
    document = copy.deepcopy(eido_sample("sample-eido-2020.json"))
    for key, value in document.items():
        if "person" in key.lower() and isinstance(value, list) and value:
            value[0].setdefault("ncPersonComponent", {})["PersonPrimaryLanguage"] = spoken
            return document
    document["personComponent"] = [{"$id": "p1", "lastUpdateTimeStamp": "2020-01-01T00:00:00Z",
                                     "personIncidentRoleRegistryText": ["Patient"],
                                     "ncPersonComponent": {"PersonPrimaryLanguage": spoken}}]
    return document


@pytest.mark.parametrize("spoken,tag", [({"LanguageCode": "spa"}, "es"), ({"LanguageCode": "es"}, "es"),
                                        ({"LanguageName": "Vietnamese"}, "vi")])
def test_an_eido_persons_primary_language_is_the_calls(client, db, spoken, tag):
    _, key, _ = cad_account()
    response = client.post("/api/v1/cad/eido", json=_eido_with_language(spoken), headers=bearer(key))
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    assert db.session.scalars(select(Call)).one().preferred_language == tag


def test_an_eido_language_code_that_is_none_is_refused_naming_it(client, db):
    _, key, _ = cad_account()
    response = client.post("/api/v1/cad/eido", json=_eido_with_language({"LanguageCode": "??"}), headers=bearer(key))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "personComponent.ncPersonComponent.PersonPrimaryLanguage.LanguageCode" in fields


def test_a_person_recorded_with_an_encounter_keeps_language_and_interpreter(api, db, assigned_call, shift):
    from tests.fixtures.encounters import encounter_body

    body = encounter_body(person={"given_name": "Ana", "family_name": "Ruiz", "preferred_language": "es",
                                  "interpreter_needed": True})
    response = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", body, user=shift.clinician)
    assert response.status_code == 201, response.get_json()
    person = db.session.scalars(select(Person)).one()
    assert (person.preferred_language, person.interpreter_needed) == ("es", True)
    bad = encounter_body(person={"given_name": "Ana", "preferred_language": "espanol"})
    refused = api.post(f"/api/v1/calls/{assigned_call['id']}/encounters", bad, user=shift.clinician)
    assert refused.status_code == 422 and "preferred_language" in str(refused.get_json()["error"]["fields"])
