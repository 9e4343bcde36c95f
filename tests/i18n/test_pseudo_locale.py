"""No English left unmarked: every page each demo user can reach, rendered in the pseudo-locale
(tests/i18n/pseudo.py), shows no text that is neither translated nor data. Fails CI when a new string
is not wrapped in _() / {{ _('...') }}."""

import re
from collections.abc import Iterator
from importlib.metadata import version
from urllib.parse import urljoin, urlsplit

import pytest
from babel import Locale, UnknownLocaleError
from sqlalchemy import JSON, String, Text, select

from fieldapp.accounts.models import User
from fieldapp.demo.commands import DEMO_USERS, seed_without_history
from fieldapp.extensions import db as _db
from tests.fixtures.clients import Pages
from tests.fixtures.factories import PASSWORD
from tests.i18n import pseudo

LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]+)')
# Not pages: downloads, streams, the API and its docs, and what signs the user out or changes state.
SKIP = re.compile(r"^/(api/|static/|events|session/|logout|sw\.js|offline/manifest|favicon)|\.(csv|pdf|xlsx|json)(\?|$)"
                  r"|/export|/download")
PAGES_PER_ROLE = 60


def _strings(value) -> Iterator[str]:
    """The strings of a stored value: the value itself, or each string inside a JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def stored_text() -> list[str]:
    """Every text value in the database (names, addresses, narratives, and the strings inside JSON
    columns such as an audit row's details): data, not the app's words."""
    values = set()
    for table in _db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, String | Text | JSON)]
        if columns:
            for row in _db.session.execute(select(*columns)):
                values.update(value for value in _strings(list(row)) if value.strip())
    return sorted(values, key=len, reverse=True)


def shape(path: str) -> str:
    """/calls/12/encounters -> /calls/N/encounters: one page of each kind is enough."""
    return re.sub(r"/(\d+|[0-9a-f-]{36})(?=/|$)", "/N", urlsplit(path).path)


def crawl(browser: Pages, start: str = "/"):
    """(path, html) of each kind of page reachable by links from ``start``."""
    queue, seen = [start], set()
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if shape(path) in seen or SKIP.search(path):
            continue
        seen.add(shape(path))
        response = browser.get(path, follow_redirects=True)
        assert response.status_code < 500, f"{path} answers {response.status_code}"
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        page = response.get_data(as_text=True)
        yield path, page
        for link in LINK.findall(page):
            target = urljoin(path, link.replace("&amp;", "&"))
            if urlsplit(target).netloc in ("", "localhost") and urlsplit(target).path.startswith("/"):
                queue.append(urlsplit(target).path + (("?" + urlsplit(target).query) if urlsplit(target).query else ""))


@pytest.fixture
def demo(app, db, tmp_path):
    seed_without_history(PASSWORD)
    for user in db.session.scalars(select(User)):
        user.locale = pseudo.PSEUDO_LOCALE
    db.session.commit()
    with pseudo.install(app, tmp_path):
        # data too: the test client's user agent on the sessions list, and the languages' names as CLDR
        # writes them in the pseudo-locale's language (some keep a Latin-letter proper name: "Σύμβολα Bliss")
        # and in their own ("Ισπανικά · español": fieldapp.languages.label names a language both ways)
        yield stored_text() + ["Werkzeug/" + version("werkzeug"),
                               *Locale.parse(pseudo.PSEUDO_LOCALE).languages.values(), *autonyms()]


def autonyms() -> list[str]:
    """Each language's name in itself, as CLDR has it (español, English, français): proper names."""
    names = []
    for code in Locale.parse(pseudo.PSEUDO_LOCALE).languages:
        try:
            names.append(Locale.parse(code).get_display_name(code))
        except (UnknownLocaleError, ValueError):
            continue
    return [name for name in names if name]


def test_every_page_speaks_the_pseudo_locale(app, demo):
    left = {}
    for username, _name, _role in DEMO_USERS:
        browser = Pages(app)
        assert browser.login(_db.session.scalar(select(User).where(User.username == username))).status_code == 302
        for path, page in crawl(browser):
            assert f'<html lang="{pseudo.PSEUDO_LOCALE}">' in page, path
            for line in pseudo.english_left(page, demo):
                # what the crawl itself stored meanwhile (its sign-ins' audit rows) is data too
                if pseudo.english_words(line, stored_text()):
                    left.setdefault(line, f"{username} {path}")
    signed_out = Pages(app)
    for path in ("/login",):
        for line in pseudo.english_left(signed_out.get(path, headers={"Accept-Language": pseudo.PSEUDO_LOCALE})
                                        .get_data(as_text=True), demo):
            left.setdefault(line, f"signed out {path}")
    assert not left, "English not marked for translation:\n" + "\n".join(f"  {where}: {line!r}"
                                                                          for line, where in sorted(left.items()))


def test_pseudo_catalogue_keeps_placeholders():
    assert pseudo.pseudo("Save %(what)s &amp; go") == "⟦Sávé ⟧%(what)s⟦ &amp; gó⟧"
    assert pseudo.english_words(pseudo.pseudo("%(n)s referrals, soonest first") % {"n": "2 open referrals"}, []) \
        == ["open", "referrals"]
    assert pseudo.english_words("⟦Sávé⟧ Dana Dispatcher · CR-1 left", ["Dana Dispatcher"]) == ["left"]
