"""A clinician switches to Spanish on the account page at 360x740; the key field pages then speak
Spanish (lang="es"), hold Spanish's longer words without sideways scrolling or clipped buttons, and
pass axe. Screenshots: test-artifacts/screenshots/es-*.png."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_pages import AUDIT_JS, MIN_TARGET_PX

pytestmark = pytest.mark.browser


def fits(page, name, browser_screenshot):
    expect(page.locator("html")).to_have_attribute("lang", "es")
    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)
    assert audit["scrollWidth"] <= audit["innerWidth"], f"{name} scrolls sideways: {audit['scrollWidth']}px"
    assert audit["clipped"] == [], f"{name}: {audit['clipped']}"
    browser_screenshot(page, f"es-{name}")


def test_clinician_switches_to_spanish_and_the_field_pages_fit(phone_page, browser_screenshot):
    page = phone_page("clinician1")
    page.goto("/account")
    page.get_by_label("Language of your pages").select_option("es")
    page.get_by_role("button", name="Save language").click()
    expect(page.get_by_role("status").filter(has_text="Idioma guardado.")).to_be_visible()
    expect(page.get_by_label("Idioma de sus páginas")).to_have_value("es")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    fits(page, "account", browser_screenshot)

    page.goto("/my/calls")
    expect(page.get_by_role("heading", level=1)).to_contain_text("mis llamadas")
    fits(page, "my-calls", browser_screenshot)
    page.get_by_role("link", name=re.compile(r"^Amenaza de suicidio")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amenaza de suicidio")
    fits(page, "call", browser_screenshot)

    for path, heading in (("/referrals", "Derivaciones"), ("/followups", "Mis seguimientos"),
                          ("/people/search?q=reyes", "Buscar a una persona"),
                          ("/directory", "Directorio de servicios")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        fits(page, path.strip("/").split("?")[0].replace("/", "-"), browser_screenshot)
