"""The definitions page: docs/metrics.md, rendered, so every figure can link to what it means."""

from functools import cache
from pathlib import Path

import markdown
from flask import current_app
from markupsafe import Markup

# Where each part of the dashboard is defined (the heading anchors of docs/metrics.md).
ANCHORS = {
    "periods": "filters-and-periods", "calls": "calls", "times": "cad-times-median-and-90th-percentile",
    "outcomes": "what-happens-on-scene-per-encounter", "referrals": "referrals-closed-loop",
    "follow_ups": "follow-ups-done-on-time", "people": "people",
    # fields (issue 11)
    "eligibility": "eligible-calls-served", "scene_detail": "police-backup-and-on-scene-in-detail",
    "unit_time": "follow-up-contacts-referral-times-unit-time-and-cost",
}


def source() -> Path:
    return Path(current_app.root_path).parent / "docs" / "metrics.md"


@cache
def _render(path: str, modified: float) -> Markup:
    text = Path(path).read_text(encoding="utf-8")
    # The document is the project's own, not user input: its HTML may be trusted.
    return Markup(markdown.markdown(text, extensions=["tables", "toc"], output_format="html"))  # noqa: S704


def rendered() -> Markup:
    """docs/metrics.md as HTML, read again when the file changes."""
    path = source()
    return _render(str(path), path.stat().st_mtime)
