"""A Spanish-speaking clinician's shift at 360x740 (issue 23): the browser asks for Spanish
(Accept-Language), the clinician signs in, opens a call from a Spanish speaker who needs an interpreter,
plays the encounter form (referred to a service, an age, saved) and signs a note: no text of the English
catalogues (pages and scripts) is left on screen, the person's language is at the top of the call and
the encounter form, the consent statement reads in Spanish, and axe finds nothing."""

import re
import uuid
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_offline import api_as

pytestmark = pytest.mark.browser

TRANSLATIONS = Path(__file__).resolve().parents[2] / "fieldapp" / "translations" / "es" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|%[sd]")


def english_texts() -> list[str]:
    """The English of both catalogues that Spanish says otherwise, in pieces between placeholders: a
    piece of three words or more on screen is English left over."""
    pieces = set()
    for name in ("messages.po", "js.po"):
        with (TRANSLATIONS / name).open("rb") as po:
            for message in read_po(po, locale="es"):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if not message.id or set(ids) & set(strings):
                    continue
                for english in ids:
                    for piece in PLACEHOLDER.split(re.sub(r"<[^>]+>", " ", english)):
                        piece = " ".join(piece.split()).strip(" .,:;·()")
                        if len(piece.split()) >= 3:
                            pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


ENGLISH = english_texts()


def english_left(page) -> list[str]:
    text = " ".join(page.locator("body").inner_text().split())
    return [piece for piece in ENGLISH if piece in text]


def test_a_spanish_speaking_clinicians_shift_shows_no_english(browser, live_server, dispatch, browser_screenshot):
    call = dispatch.request.post("/api/v1/calls", headers=dispatch.headers, data={
        "call_type": "MNTL", "priority": 2, "location": {"address": "40 Calle Luna"}, "cautions": [],
        "narrative": "", "preferred_language": "es", "interpreter_needed": True}).json()
    dispatch.assign(call["id"], "CR-1")
    context = browser.new_context(base_url=live_server.url, locale="es-US", **PHONE)
    try:
        page = context.new_page()
        page.goto("/login")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        assert english_left(page) == []
        page.locator("#username").fill("clinician1")
        page.locator("#password").fill(live_server.password)
        page.locator("button[type=submit]").click()
        expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()

        page.goto(f"/calls/{call['id']}")
        notice = page.locator(".language-notice").first
        expect(notice).to_contain_text("Habla")
        expect(notice).to_contain_text("español")
        expect(notice).to_contain_text("Necesita intérprete")
        assert english_left(page) == []
        browser_screenshot(page, "spanish-shift-call")

        # on scene (the officer's taps are another test's), then the clinician plays the encounter form:
        # referred to a service, an age, saved; then signs a note on the encounter page, all in Spanish
        headers = api_as(page, "officer1", live_server.password)
        for status in ("en_route", "on_scene"):
            moved = dispatch.request.post(f"/api/v1/calls/{call['id']}/status", headers=headers,
                                          data={"id": str(uuid.uuid4()), "status": status})
            assert moved.ok, moved.text()
        page.goto(f"/calls/{call['id']}/encounters/new")
        expect(page.get_by_role("heading", level=1)).to_have_text("Registrar una intervención")
        expect(page.locator(".language-notice").first).to_contain_text("Necesita intérprete")
        expect(page.locator(".consent-statement blockquote").first).to_have_attribute("lang", "es")
        page.locator("label[for=outcome-referred]").click()
        page.locator("label.service", has_text="Mobile Crisis Follow-up").click()  # the agency's own name
        assert english_left(page) == []
        browser_screenshot(page, "spanish-shift-encounter-form")
        page.get_by_role("button", name="Siguiente: a quién se contactó").click()
        page.locator("label[for=age-50]").click()
        assert english_left(page) == []
        page.get_by_role("button", name="Guardar intervención").click()
        page.wait_for_url(re.compile(r"/encounters/[0-9a-f-]{36}$"))
        expect(page.locator("#page-status")).to_contain_text("Intervención guardada")
        assert english_left(page) == []
        browser_screenshot(page, "spanish-shift-encounter")

        page.locator("#note-body").fill("Llamar el viernes para ver cómo sigue.")
        page.get_by_role("button", name="Firmar nota").click()
        expect(page.get_by_text("Nota firmada.").first).to_be_visible()
        expect(page.get_by_text("Llamar el viernes para ver cómo sigue.").first).to_be_visible()
        assert english_left(page) == []
        browser_screenshot(page, "spanish-shift-note")
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 360, f"the page is {wide} px wide at 360 px"  # Spanish's longer words still fit
    finally:
        context.close()
