"""No English left unmarked where the app says no (issue 23): each main form sent wrong, as a user
allowed to send it, under the pseudo-locale (tests/i18n/pseudo.py). The refusal page (the summary
above the form and each field's message) and an API refusal's ``message`` are checked with the
crawl's detector (``pseudo.english_left``); the crawl (test_pseudo_locale.py) only follows links."""

import re
import uuid

import pytest
from sqlalchemy import select

from fieldapp.accounts.models import User
from fieldapp.calls.models import Call
from fieldapp.encounters.models import Encounter
from fieldapp.extensions import db as _db
from tests.fixtures.clients import Api, Pages
from tests.fixtures.factories import PASSWORD
from tests.i18n import pseudo
from tests.i18n.conftest import stored_text


def _user(username) -> User:
    return _db.session.scalar(select(User).where(User.username == username))


def _signed_in(app, username) -> Pages:
    browser = Pages(app)
    assert browser.login(_user(username)).status_code == 302
    return browser


def _english(page: str, data: list[str]) -> list[str]:
    """English left on the page, not counting what the requests themselves stored (audit rows)."""
    return [line for line in pseudo.english_left(page, data) if pseudo.english_words(line, stored_text())]


def _first(browser: Pages, paths) -> str:
    """The first of ``paths`` that this user may open (a call of their unit, an encounter they see)."""
    for path in paths:
        if browser.get(path).status_code == 200:
            return path
    pytest.fail("no page of this kind is open to the user in the demo data")


@pytest.fixture
def places(app, demo):
    """A call a clinician records an encounter on, and an encounter (made through its form if the
    demo's day has none the clinician sees)."""
    browser = _signed_in(app, "clinician1")
    calls = [call.id for call in _db.session.scalars(select(Call).order_by(Call.id))]
    record = _first(browser, [f"/calls/{call_id}/encounters/new" for call_id in calls])
    encounters = [f"/encounters/{e.id}" for e in _db.session.scalars(select(Encounter))]
    shown = [path for path in encounters if browser.get(path).status_code == 200]
    if not shown:
        page = browser.get(record).get_data(as_text=True)
        form = {name: value for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
                if name != "csrf_token"}
        answer = browser.post(record, data={**form, "outcome": "resolved_on_scene", "person_mode": "none"})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
        shown = [f"/encounters/{e.id}" for e in _db.session.scalars(select(Encounter))]
    return {"record": record, "encounter": shown[0]}


def refusals(places):
    """(role, method, path, form or query): one wrong submission of each main form."""
    encounter = places["encounter"]
    return [
        ("clinician1", "post", places["record"], {"id": "not-an-id", "outcome": "nonsense"}),
        ("clinician1", "post", f"{encounter}/notes", {"id": "", "body": "", "follow_up": "1", "follow_up_due": ""}),
        ("clinician1", "post", f"{encounter}/safety-plans", {"id": "", "warning_signs": "x" * 2000,
                                                             "follow_up": "1", "follow_up_due": ""}),
        ("clinician1", "post", "/account/password", {"current_password": PASSWORD, "new_password": "a-long-new-pass",
                                                     "new_password_again": "another-long-pass"}),
        ("clinician1", "post", "/account/password", {"current_password": "wrong-password-here",
                                                     "new_password": "a-long-new-passphrase",
                                                     "new_password_again": "a-long-new-passphrase"}),
        ("admin", "get", "/admin/audit?since=2026-13-45&until=yesterday&page=0", None),
        ("admin", "post", "/admin/integrations", {"name": "", "kind": "nonsense"}),
        ("admin", "post", "/admin/integrations", {"name": "Partner x", "kind": "partner",
                                                  "webhook_url": "http://127.0.0.1/hook"}),
        ("manager", "get", "/billing/billable.csv?profile=no-such-profile", None),  # the default is there
        ("manager", "get", "/billing?profile=no-such-profile&start=31/31/2026", None),
        ("clinician1", "get", "/people/search?q=31/31/1990", None),
        ("dispatcher", "post", "/calls/new", {"call_type": "", "priority": "nine", "address": "", "lat": "north"}),
        ("dispatcher", "get", "/admin/audit", None),  # not theirs: 403
        ("clinician1", "get", "/calls/99999999", None),  # not there: 404
    ]


def test_refusal_pages_speak_the_pseudo_locale(app, demo, places):
    left, answered = {}, {}
    for username, method, path, form in refusals(places):
        browser = _signed_in(app, username)
        response = browser.post(path, data=form) if method == "post" else browser.get(path)
        page = response.get_data(as_text=True)
        where = f"{username} {method.upper()} {path}"
        answered[where] = response.status_code
        if not 400 <= response.status_code < 500 or f'<html lang="{pseudo.PSEUDO_LOCALE}">' not in page:
            left.setdefault(f"not refused in the pseudo-locale: {response.status_code}", where)
        typed = [value for value in (form or {}).values() if len(value) >= 3]  # the form shows them again
        for line in _english(page, demo + typed):
            left.setdefault(line, where)
    assert not left, "English in refusals:\n" + "\n".join(f"  {where}: {line!r}"
                                                          for line, where in sorted(left.items()))


# the summary above a form and each field's message
SAID = re.compile(r'<p class="(?:flash flash-error|field-error)"[^>]*>([^<]*)</p>')


def test_form_summaries_are_translated(app, demo, places):
    """Each refused form says why (its summary, its fields' messages), in the user's language: the check
    above only says no English is left, which a page that says nothing passes too."""
    for username, method, path, form in refusals(places):
        if method != "post":
            continue
        page = _signed_in(app, username).post(path, data=form).get_data(as_text=True)
        said = [message for message in SAID.findall(page) if message.strip()]  # empty: a slot for scripts
        assert said, f"{path}: the refusal says nothing"
        assert all(message.strip().startswith(pseudo.OPEN) for message in said), (path, said)


def test_api_refusal_message_speaks_the_users_language(app, demo):
    """The API speaks the signed-in user's language (users.locale, as pages do), not the client's
    Accept-Language; field names and codes stay English."""
    api = Api(app)
    dispatcher = _user("dispatcher")
    for accept in (None, "en"):
        headers = {"Accept-Language": accept} if accept else {}
        response = api.client.post("/api/v1/calls", json={"call_type": "", "priority": "nine"},
                                   headers={**api.headers(dispatcher), **headers})
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "invalid"
        assert not pseudo.english_words(error["message"], demo), error["message"]
        for name, messages in error["fields"].items():
            for message in messages:
                assert not pseudo.english_words(message, demo), (name, message)


def test_api_refusal_without_a_user_follows_accept_language(app, demo):
    response = app.test_client().post("/api/v1/auth/token", json={"username": "nobody"},
                                      headers={"Accept-Language": pseudo.PSEUDO_LOCALE})
    assert 400 <= response.status_code < 500
    error = response.get_json()["error"]
    assert error["message"].startswith(pseudo.OPEN), error["message"]
    assert not pseudo.english_words(error["message"], demo), error["message"]


def test_what_the_outbox_is_told_after_a_save_speaks_the_users_language(app, demo, places):
    """A field form sent from the outbox (POST /api/v1/sync) is answered with what was saved, which the
    next page shows as its confirmation: in the user's language, as the page's own flash is."""
    api = Api(app)
    encounter = places["encounter"]
    records = [{"ref": "note", "path": f"{encounter}/notes",
                "fields": [["id", str(uuid.uuid4())], ["body", "Call back on Friday."]]},
               {"ref": "refused", "path": f"{encounter}/notes", "fields": [["id", "not-an-id"], ["body", ""]]}]
    response = api.post("/api/v1/sync", {"records": records}, user=_user("clinician1"))
    assert response.status_code == 200, response.get_data(as_text=True)
    results = {result["ref"]: result for result in response.get_json()["results"]}
    assert results["note"]["result"] == "stored" and results["note"]["message"].startswith(pseudo.OPEN)
    assert not pseudo.english_words(results["note"]["message"], demo), results["note"]["message"]
    refusal = results["refused"]["error"]
    assert results["refused"]["result"] == "refused" and refusal["message"].startswith(pseudo.OPEN)
    for message in [refusal["message"], *(text for texts in refusal["fields"].values() for text in texts)]:
        assert not pseudo.english_words(message, demo), message
