"""docs/security.md names, for each CJIS 5.4.1.1 event and HIPAA 164.312 safeguard, the test that
proves it: every test it names must exist (a renamed or removed test fails here)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`([a-z_]+/test_[a-z_]+\.py)(?:::(test_[a-z0-9_]+))?`")


def test_every_test_docs_security_names_exists():
    text = (ROOT / "docs" / "security.md").read_text()
    references = REFERENCE.findall(text)
    assert len(references) > 40
    missing = []
    for path, name in references:
        source = ROOT / "tests" / path
        if not source.is_file() or (name and not re.search(rf"^def {name}\(", source.read_text(), re.M)):
            missing.append(f"{path}::{name}" if name else path)
    assert missing == []


def test_each_cjis_event_and_hipaa_safeguard_has_a_row():
    text = (ROOT / "docs" / "security.md").read_text()
    for event in ("| 1. ", "| 2a. ", "| 2b. ", "| 2c. ", "| 2d. ", "| 2e. ", "| 3. ", "| 4. ", "| 5a. ", "| 5b. ",
                  "| 5c. "):
        assert event in text, event
    for safeguard in ("(a)(1)", "(a)(2)(i)", "(a)(2)(ii)", "(a)(2)(iii)", "(a)(2)(iv)", "(b)", "(c)(1)", "(c)(2)",
                      "(d)", "(e)(1)"):
        assert f"| {safeguard} " in text, safeguard
