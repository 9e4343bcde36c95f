"""Which language a page speaks: the user's choice, else the browser's, else the agency's DEFAULT_LOCALE;
``<html lang>`` says which."""

import re

import pytest

from fieldapp.extensions import db as _db

LANG = re.compile(r'<html lang="([^"]+)">')


def lang(response) -> str:
    return LANG.search(response.get_data(as_text=True)).group(1)


def test_signed_out_page_follows_the_browser(client):
    response = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert lang(response) == "es"


def test_browser_language_fieldapp_does_not_speak_falls_back_to_english(client):
    assert lang(client.get("/login", headers={"Accept-Language": "fr-FR,de;q=0.8"})) == "en"


@pytest.fixture
def spanish_agency(app):
    app.config["DEFAULT_LOCALE"] = "es"
    yield
    app.config["DEFAULT_LOCALE"] = "en"


def test_agency_default_when_the_browser_names_none(client, spanish_agency):
    assert lang(client.get("/login")) == "es"
    assert lang(client.get("/login", headers={"Accept-Language": "en-US"})) == "en"


def test_user_choice_beats_the_browser(pages, make_user):
    user = make_user("officer", locale="es")
    browser = pages(user)
    page = browser.get("/account", headers={"Accept-Language": "en-US"})
    assert lang(page) == "es"
    assert "Cerrar sesión" in page.get_data(as_text=True)
    user.locale = None
    _db.session.commit()
    assert lang(browser.get("/account", headers={"Accept-Language": "en-US"})) == "en"
