"""Spanish end to end: a page, a JSON error's message (marshmallow's own too), the account page's
choice, and the people search's typed date of birth in both languages."""

from datetime import date
from html import unescape

from sqlalchemy import select

from fieldapp.accounts.models import User
from fieldapp.people.models import Person

SPANISH = {"Accept-Language": "es"}


def test_login_page_in_spanish(client):
    page = unescape(client.get("/login", headers=SPANISH).get_data(as_text=True))
    assert '<html lang="es">' in page and "Iniciar sesión" in page and "Sign in" not in page


def test_json_error_message_in_spanish_field_names_and_codes_in_english(api, dispatcher, db):
    dispatcher.locale = "es"
    db.session.commit()
    response = api.post("/api/v1/calls", {"priority": 9}, user=dispatcher)
    body = response.get_json()["error"]
    assert response.status_code == 422 and body["code"] == "invalid"
    assert body["message"] == "Algunos campos no son válidos."
    assert body["fields"]["location"] == ["Este campo es obligatorio."]  # marshmallow's, in plain words
    assert body["fields"]["call_type"] == ["Elija un tipo de llamada."]
    dispatcher.locale = None
    db.session.commit()
    english = api.post("/api/v1/calls", {"priority": 9}, user=dispatcher).get_json()["error"]
    assert english["message"] == "Some fields are not valid."
    assert english["fields"]["location"] == ["This field is required."]


def test_account_page_switches_the_language(pages, make_user, db):
    user = make_user("officer")
    browser = pages(user)
    assert "Language of your pages" in browser.get("/account").get_data(as_text=True)
    page = unescape(browser.post("/account/language", {"locale": "es"}, follow_redirects=True).get_data(as_text=True))
    assert '<html lang="es">' in page and "Idioma guardado." in page and "Idioma de sus páginas" in page
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "es"
    refused = browser.post("/account/language", {"locale": "fr"})
    assert refused.status_code == 422 and "Elija un idioma de la lista." in unescape(refused.get_data(as_text=True))
    browser.post("/account/language", {"locale": ""})
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) is None


def test_people_search_reads_the_date_of_birth_as_the_user_types_it(pages, make_user, db):
    db.session.add(Person(given_name="Ana", family_name="Ruiz", dob=date(1990, 4, 2)))
    db.session.commit()
    clinician = make_user("clinician")
    browser = pages(clinician)
    for typed in ("04/02/1990", "1990-04-02"):
        page = unescape(browser.get(f"/people/search?q={typed}").get_data(as_text=True))
        assert "Ana Ruiz" in page, typed
    assert "MM/DD/YYYY or YYYY-MM-DD" in unescape(browser.get("/people/search").get_data(as_text=True))
    clinician.locale = "es"
    db.session.commit()
    for typed in ("02/04/1990", "1990-04-02"):
        page = unescape(browser.get(f"/people/search?q={typed}").get_data(as_text=True))
        assert "Ana Ruiz" in page, typed
    refused = browser.get("/people/search?q=31/02/1990")
    text = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and "Escriba la fecha de nacimiento como DD/MM/AAAA o AAAA-MM-DD." in text
