"""No English left unmarked: every page each demo user can reach, rendered in the pseudo-locale
(tests/i18n/pseudo.py), shows no text that is neither translated nor data. Fails CI when a new string
is not wrapped in _() / {{ _('...') }}."""

import re
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select

from fieldapp.accounts.models import User
from fieldapp.demo.commands import DEMO_USERS
from fieldapp.extensions import db as _db
from tests.fixtures.clients import Pages
from tests.i18n import pseudo
from tests.i18n.conftest import stored_text

LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]+)')
# Not pages: downloads, streams, the API and its docs, and what signs the user out or changes state.
SKIP = re.compile(r"^/(api/|static/|events|session/|logout|sw\.js|offline/manifest|favicon)|\.(csv|pdf|xlsx|json)(\?|$)"
                  r"|/export|/download")
PAGES_PER_ROLE = 60


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
