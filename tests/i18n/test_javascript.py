"""The JavaScript side of issue 23: no English string literal a user would see is left unmarked in the
PWA's scripts (static/js, the service worker), every marked string is in the Spanish catalogue
(js.po: none missing, none fuzzy, none untranslated), and the build puts the catalogues in the bundles.

The scanner is pragmatic: a literal is user text when it has a word of two letters or more and reads
like prose (a space between words, or a capital letter then small ones); what a script uses as code
(selectors, event and header names, URLs, CSS classes...) is left out by its shape or named in ALLOWED.
A new string that trips it is either wrapped in t("...") / tn("...", "...", n) or, when it is no text
for a person, added to ALLOWED with the reason."""

import json
import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from tests.i18n import pseudo

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js")) + [ROOT / "static" / "sw.js", ROOT / "static" / "push-sw.js"]
JS_PO = ROOT / "fieldapp" / "translations" / "es" / "LC_MESSAGES" / "js.po"
KEYWORDS = {"t": None, "tn": (1, 2)}

# (file, literal): strings that are code, not words for a person.
ALLOWED = {(name, "use strict") for name in [path.name for path in SCRIPTS]} | {
    # errors a script throws to itself: caught, and a translated notice is shown instead
    ("app.js", "board refresh failed"), ("outbox-send.js", "session check failed: "),
    ("vault.js", "the server gave no key ("), ("vault.js", "locked: no key on this device for "),
}
_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\\\"'])//[^\n]*", re.S)
_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`')
_MARKED = re.compile(r"\btn?\(\s*$|\btn\(\s*\"(?:[^\"\\\\]|\\\\.)*\",\s*$")
# what a literal is used for, read from the code just before it: a class name, a key or error name, a header
_USED_AS_CODE = re.compile(r"(querySelector(All)?|closest|matches|[gs]etAttribute|hasAttribute|removeAttribute|"
                           r"addEventListener|createElement|getItem|setItem|postMessage|headers\.get|\.get)\(\s*$|"
                           r"(className\s*\+?=|class:|\.key\s*===?|\.name\s*===?|\.type\s*===?)\s*$")
_CODE = re.compile(r"^[\s\w.#:\[\]=>*~+,()\"'-]*[\[\]=#>]|^/|^[\w-]+:[\w-]*$|^\w+/[\w.+-]+$|^[A-Z][\w-]*-[A-Z]|"
                   r"^(GET|POST|PUT|DELETE|PATCH|HEAD)$|^application/|^text/")


def _prose(text: str) -> bool:
    text = re.sub(r"\$\{[^}]*\}", " ", text).strip()
    if not re.search(r"[A-Za-z]{2,}", text) or _CODE.search(text):
        return False
    return bool(re.search(r"[A-Za-z]{2,}[.,;:!?]? +[A-Za-z(]", text) or re.match(r"[A-Z][a-z]{2,}", text))


def unmarked(path: Path) -> list[str]:
    source = _COMMENT.sub(lambda match: " " * len(match.group()), path.read_text())
    found = []
    for match in _LITERAL.finditer(source):
        text = next(group for group in match.groups() if group is not None)
        before = source[max(0, match.start() - 400):match.start()]
        if _MARKED.search(before) or not _prose(text) or (path.name, text) in ALLOWED or text.startswith("<"):
            continue
        after = source[match.end():match.end() + 4]
        if _USED_AS_CODE.search(source[max(0, match.start() - 40):match.start()]) or after.startswith(" in "):
            continue
        found.append(text)
    return found


def test_no_english_literal_is_left_unmarked_in_the_scripts():
    left = {path.name: unmarked(path) for path in SCRIPTS}
    assert {name: texts for name, texts in left.items() if texts} == {}


def test_the_scanner_finds_an_unmarked_sentence(tmp_path):
    sample = tmp_path / "sample.js"
    sample.write_text('el.textContent = "Saved on this device.";\nel.textContent = t("Marked already.");\n'
                      'document.querySelector("[data-outbox-list]");\n// "A comment, not text."\n')
    assert unmarked(sample) == ["Saved on this device."]


def marked() -> set:
    ids = set()
    for path in SCRIPTS:
        for _, message, _, _ in extract_from_file("javascript", str(path), keywords=KEYWORDS):
            ids.add(message)
    return ids


def test_every_marked_string_is_translated_in_the_spanish_catalogue():
    with JS_PO.open("rb") as po:
        catalog = read_po(po, locale="es", domain="js")
    strings = {message.id: message for message in catalog if message.id}
    wanted = marked()
    assert wanted, "no t()/tn() found: the scanner or the extractor is broken"
    assert sorted(str(key) for key in wanted - set(strings)) == []  # missing: run `make translations`
    fuzzy = [message.id for message in strings.values() if message.fuzzy]
    untranslated = [message.id for message in strings.values()
                    if not (all(message.string) if isinstance(message.string, tuple) else message.string)]
    assert (fuzzy, untranslated) == ([], [])
    for key in wanted:  # the same {placeholders} in the translation, or a value would go missing
        english = " ".join(key) if isinstance(key, tuple) else key
        spanish = strings[key].string
        spanish = " ".join(spanish) if isinstance(spanish, tuple) else spanish
        assert set(re.findall(r"\{\w+\}", english)) == set(re.findall(r"\{\w+\}", spanish)), key


def test_the_pseudo_locale_transforms_every_marked_string():
    """The pseudo-locale of tests/i18n/pseudo.py applies to the JavaScript catalogue too: every marked
    string, pseudo-translated, keeps its placeholders and carries the markers a page check looks for."""
    for key in marked():
        for english in key if isinstance(key, tuple) else (key,):
            made = pseudo.pseudo(english)
            assert made.startswith(pseudo.OPEN) and made.endswith(pseudo.CLOSE)
            assert set(re.findall(r"\{\w+\}", made)) == set(re.findall(r"\{\w+\}", english))


def test_the_build_puts_the_spanish_catalogue_in_the_bundles():
    manifest = json.loads((ROOT / "static" / "dist" / "manifest.json").read_text())
    for name in ("js/field.js", "js/app.js", "sw.js"):
        built = (ROOT / "static" / manifest[name]).read_text()
        assert "Guardado en este dispositivo" in built, name
