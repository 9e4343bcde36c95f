"""The pseudo-locale's demo agency: the demo data, every user speaking the pseudo-locale, and the texts
that are data (what the pages may show untranslated), for tests/i18n's checks."""

from collections.abc import Iterator
from importlib.metadata import version

import pytest
from babel import Locale, UnknownLocaleError
from sqlalchemy import JSON, String, Text, select

from fieldapp.accounts.models import User
from fieldapp.demo.commands import seed_without_history
from fieldapp.extensions import db as _db
from tests.fixtures.factories import PASSWORD
from tests.i18n import pseudo


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
