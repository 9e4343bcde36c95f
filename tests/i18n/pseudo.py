"""The pseudo-locale (issue 23): every English msgid of fieldapp's .pot, wrapped and accented, so a
page rendered in it shows at a glance (and to a test) any text that was never marked for translation.

``install(app, folder)`` writes the catalogue under ``folder`` (from the .pot, at test time: nothing is
committed) and lets the app speak it as ``PSEUDO_LOCALE``; ``english_left(html, data)`` lists the
visible text of a page that is neither pseudo-translated nor data the test knows it stored.

Hook for the JavaScript side: a JS catalogue can be made the same way with ``pseudo(msgid)``, and a
page's JS-written text checked with ``english_words(text, data)``.

The pseudo-locale is carried by a real locale code whose CLDR words are not Latin script (Greek), so
the dates and numbers Babel formats never look like untranslated English.
"""

import html
import re
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "fieldapp" / "translations" / "messages.pot"
PSEUDO_LOCALE = "el"
OPEN, CLOSE = "⟦", "⟧"
_ACCENTS = str.maketrans("aeiouAEIOUcnyCNY", "áéíóúÁÉÍÓÚçñýÇÑÝ")
# What must survive translation untouched: %(name)s and %% placeholders, HTML entities and tags.
_KEEP = re.compile(r"(%\([^)]+\)[sd]|%%|&[#\w]+;|<[^>]+>|\{\w+\})")  # {name}: the JavaScript placeholders


_VALUE = re.compile(r"^(%\([^)]+\)[sd]|\{\w+\})$")  # a placeholder a value fills in at run time


def pseudo(text: str) -> str:
    """"Save %(what)s now" -> "⟦Sávé ⟧%(what)s⟦ ñów⟧": a placeholder stands outside the brackets, so the
    value filled in is checked as text of its own (a label translated on its own comes in bracketed; an
    English word built in Python does not)."""
    parts = _KEEP.split(text)
    return OPEN + "".join((CLOSE + part + OPEN if _VALUE.match(part) else part) if i % 2
                          else part.translate(_ACCENTS) for i, part in enumerate(parts)) + CLOSE


def catalogue() -> Catalog:
    with POT.open("rb") as pot:
        template = read_po(pot)
    result = Catalog(locale=PSEUDO_LOCALE, domain="messages")
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            forms = tuple(pseudo(form) for form in message.id)
            result.add(message.id, forms + (forms[-1],) * (result.num_plurals - len(forms)), flags=message.flags)
        else:
            result.add(message.id, pseudo(message.id), flags=message.flags)
    return result


@contextmanager
def install(app, folder: Path):
    """The app speaks the pseudo-locale to users whose ``locale`` is ``PSEUDO_LOCALE``, meanwhile."""
    target = folder / PSEUDO_LOCALE / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.mo").open("wb") as mo:
        write_mo(mo, catalogue())
    babel = app.extensions["babel"]
    before = app.config.get("LOCALES")
    babel.translation_directories.insert(0, str(folder))
    app.config["LOCALES"] = ("en", "es", PSEUDO_LOCALE)
    try:
        yield
    finally:
        babel.translation_directories.remove(str(folder))
        app.config["LOCALES"] = before


class _VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes and the attributes read aloud or shown, without
    scripts, styles, code samples and elements in another language (lang="...")."""

    SKIP = {"script", "style", "code", "kbd", "template", "noscript"}  # an svg chart's text is read: checked
    ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-roledescription",
                  "data-label")  # data-label: a stacked table's cell heading (CSS content: attr(data-label))

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = bool(self.stack and self.stack[-1]) or tag in self.SKIP or \
            ("lang" in attributes and tag != "html")
        if tag not in ("input", "meta", "link", "br", "img", "hr", "source", "col", "wbr", "area", "base"):
            self.stack.append(hidden)
        if hidden:
            return
        for name in self.ATTRIBUTES:
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag not in ("input", "meta", "link", "br", "img", "hr", "source", "col", "wbr", "area", "base") \
                and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return "\n".join(parser.parts)


_BRACKETED = re.compile(OPEN + "[^" + OPEN + CLOSE + "]*" + CLOSE)
_NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|/[\w/.-]*|\b[\w.-]+\.(?:py|md|csv|json|xlsx|pdf)\b")
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, data: list[str]) -> list[str]:
    """Words of plain Latin letters left in ``text`` once the pseudo-translated spans, the stored data
    (names, addresses ... longest first), addresses and codes (all capitals: CAD, NPI, CR-1) are gone."""
    text = html.unescape(text)
    nested = True
    while nested:  # a translated string holding another (a label inside a sentence)
        stripped = _BRACKETED.sub(" ", text)
        nested, text = stripped != text, stripped
    for value in data:
        if len(value) >= 3 and value in text:
            text = re.sub(r"(?<!\w)" + re.escape(value) + r"(?!\w)", " ", text)
    text = _NOT_WORDS.sub(" ", text)
    words = [word for word in _WORD.findall(text) if not word.isupper() and word != "fieldapp"]
    return words


def english_left(page: str, data: list[str]) -> list[str]:
    """The lines of visible text that still hold English words."""
    left = []
    for line in visible_text(page).splitlines():
        if english_words(line, data):
            left.append(line.strip())
    return left
