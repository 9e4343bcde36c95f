"""Consent and the safety plan in the person's language (issue 23): the consent statement the clinician
reads and the printed safety plan come in English or Spanish by the person's preferred language (their
record, else the call's), with a switch to the other, whatever language the clinician's screen speaks."""

from html import unescape

from sqlalchemy import select

from fieldapp.calls.models import Call
from fieldapp.people.models import Person
from fieldapp.safetyplans.models import SafetyPlan
from tests.fixtures.encounters import form_id
from tests.safetyplans.test_pages import plan_form


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def _speaks(db, tag):
    person = db.session.scalars(select(Person)).one()
    person.preferred_language = tag
    db.session.commit()


def _signed_plan(browser, encounter):
    page = text(browser.get(f"/encounters/{encounter['id']}/safety-plans/new"))
    saved = browser.post(f"/encounters/{encounter['id']}/safety-plans", plan_form(page), follow_redirects=True)
    assert saved.status_code == 200
    return saved


def test_the_printed_plan_is_in_spanish_for_a_person_who_speaks_spanish(pages, encounter, shift, db):
    _speaks(db, "es-MX")
    browser = pages(shift.clinician)  # the clinician's screen stays in English
    shown = text(_signed_plan(browser, encounter))
    plan = shown[shown.index('<article class="safety-plan"'):shown.index("</article>")]
    assert 'lang="es"' in plan
    assert "Mi plan de seguridad" in plan and "Señales de alerta" in plan and "Lo más importante para mí" in plan
    assert "Línea 988 de Prevención del Suicidio y Crisis" in plan and "Si está en peligro ahora, llame al 911." in plan
    assert "Pacing at night" in plan  # what was written with the person stays as written
    assert "My safety plan" not in plan and "Warning signs" not in plan
    assert "Imprimir en inglés" in shown  # the switch


def test_the_switch_prints_the_other_language(pages, encounter, shift, db):
    _speaks(db, "es")
    browser = pages(shift.clinician)
    _signed_plan(browser, encounter)
    plan_id = db.session.scalar(select(SafetyPlan.id))
    english = text(browser.get(f"/safety-plans/{plan_id}?lang=en"))
    assert "My safety plan" in english and "Print in Spanish" in english


def test_the_plan_takes_the_calls_language_when_the_person_has_none(pages, encounter, shift, db):
    _speaks(db, None)
    call = db.session.get(Call, encounter["call_id"])
    call.preferred_language = "es"
    db.session.commit()
    shown = text(_signed_plan(pages(shift.clinician), encounter))
    assert "Mi plan de seguridad" in shown


def test_an_english_speaker_gets_the_english_plan(pages, encounter, shift, db):
    _speaks(db, "en")
    shown = text(_signed_plan(pages(shift.clinician), encounter))
    assert "My safety plan" in shown and "Mi plan de seguridad" not in shown


def test_the_consent_statement_is_read_in_the_persons_language_with_the_other_at_hand(pages, assigned_call, shift, db):
    call = db.session.get(Call, assigned_call["id"])
    call.preferred_language = "es"
    db.session.commit()
    page = text(pages(shift.clinician).get(f"/calls/{call.id}/encounters/new"))
    statement = page[page.index('class="consent-statement"'):]
    assert statement.index('lang="es"') < statement.index('lang="en"')  # the person's language first
    assert "¿Está de acuerdo?" in statement and "Do you agree?" in statement
    assert form_id(page, 'action="/calls/')  # the form is still the same form
