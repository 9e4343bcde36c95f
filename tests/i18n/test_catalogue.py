"""The Spanish catalogue is complete: every message the code marks (extracted now, as `make
translations` does) is in messages.pot and translated in es/messages.po, none fuzzy or empty, each
with the same placeholders as its English."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from jinja2 import TemplateSyntaxError

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "fieldapp" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
PLACEHOLDER = re.compile(r"%\(\w+\)s|%%|\{\w+\}")


def read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def marked_in_code() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_the_template_holds_every_marked_message():
    template = {message.id[0] if isinstance(message.id, tuple) else message.id for message in read(
        TRANSLATIONS / "messages.pot") if message.id}
    missing = sorted(marked_in_code() - template)
    assert not missing, f"run `make translations`: {len(missing)} marked messages missing from the .pot: {missing[:10]}"


def test_spanish_translates_every_message_without_fuzz():
    template = read(TRANSLATIONS / "messages.pot")
    spanish = read(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = spanish.get(message.id)
        forms = (translated.string if isinstance(translated.string, tuple) else (translated.string,)) \
            if translated else ()
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        if translated is None or not all(forms):
            problems.append(f"missing: {english[0]!r}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {english[0]!r}")
        elif any(set(PLACEHOLDER.findall(form)) != set(PLACEHOLDER.findall(english[0])) for form in forms):
            problems.append(f"placeholders differ: {english[0]!r} -> {forms!r}")
    assert not problems, f"{len(problems)} problems in es/messages.po:\n" + "\n".join(problems[:30])
    assert len([m for m in template if m.id]) > 1000  # the whole app, not an empty extraction


def test_a_template_that_does_not_parse_stops_the_extraction(tmp_path):
    """Jinja's extractor skips such a template silently by default, and `make translations` would then drop
    its strings' Spanish as obsolete; babel.cfg makes it an error."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "broken.html").write_text('{% if shown %}{{ _("Call cleared.") }}')
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    with pytest.raises(TemplateSyntaxError):
        list(extract_from_dir(str(tmp_path), method_map, options_map, keywords=KEYWORDS))
