"""The charts of the dashboard and the PDF report, as the SVG the template renders: no label overlaps
another, leaves the picture or sits on a bar, at any period (a year of weeks, the longest category
names), and the y axis counts in round steps."""

from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from flask import render_template_string

from fieldapp.directory.models import CATEGORIES
from fieldapp.encounters.constants import OUTCOMES
from fieldapp.metrics import charts
from fieldapp.referrals.constants import STATUS_LABELS

FONTS = Path("/usr/share/fonts/truetype/dejavu")  # the report's font (report.css, the SVG's font-family)
# DejaVu Sans' ascent and descent, in em: the box a line of text takes up around its baseline
ASCENT, DESCENT = 0.93, 0.24


def measure():
    """Text widths from the font's own advance widths where DejaVu Sans is installed, else the charts'
    own (upper) estimate."""
    try:
        from fontTools.ttLib import TTFont  # installed with WeasyPrint
        fonts = {bold: TTFont(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")) for bold in (False, True)}
    except (ImportError, OSError):
        return lambda text, size, bold: charts.text_width(text, size, bold)

    def width(text, size, bold):
        font = fonts[bold]
        cmap, metrics, units = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
        return sum(metrics[cmap[ord(char)]][0] for char in text) * size / units

    return width


def rendered(chart) -> ElementTree.Element:
    source = '{% from "metrics/_charts.html" import svg %}{{ svg(chart, "c", "Chart", "A chart.") }}'
    return ElementTree.fromstring(render_template_string(source, chart=chart))  # noqa: S314 (our own template)


def boxes(svg, width_of):
    out = []
    for text in svg.iter("text"):
        size, bold = float(text.get("font-size")), text.get("font-weight") == "bold"
        width = width_of(text.text, size, bold)
        x, y = float(text.get("x")), float(text.get("y"))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
        out.append((text.text, (left, y - ASCENT * size, left + width, y + DESCENT * size)))
    return out


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_legible(chart):
    svg = rendered(chart)
    texts = boxes(svg, measure())
    assert texts
    for name, box in texts:
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= chart["width"] and box[3] <= chart["height"], \
            f"{name!r} is cut at the edge: {box}"
    for index, (name, box) in enumerate(texts):
        for other, box2 in texts[index + 1:]:
            assert not overlap(box, box2), f"{name!r} overlaps {other!r}"
    for rect in svg.iter("rect"):
        x, y = float(rect.get("x")), float(rect.get("y"))
        area = (x, y, x + float(rect.get("width")), y + float(rect.get("height")))
        for name, box in texts:
            assert not overlap(box, area), f"{name!r} is drawn on a bar"
    return svg


def year_of_weeks():
    monday = date(2025, 12, 29)
    return [f"Wk {(monday + timedelta(weeks=n)).strftime('%b')} {(monday + timedelta(weeks=n)).day}"
            for n in range(53)]


def test_a_year_of_weeks_stacked_by_outcome_has_no_overlapping_or_clipped_label(app):
    labels = year_of_weeks()
    values = [{outcome: (n * 7 + i * 3) % 11 for i, outcome in enumerate(OUTCOMES)} for n in range(len(labels))]
    with app.test_request_context():
        svg = assert_legible(charts.stacked_columns(labels, list(OUTCOMES), values))
    shown = [text.text for text in svg.iter("text") if text.get("class") == "label"]
    assert 5 <= len(shown) < len(labels) and shown[0] == "Wk Dec 29"  # every n-th week, n > 1


@pytest.mark.parametrize("days", [1, 7, 31])
def test_day_and_month_labels_fit_at_every_period_length(app, days):
    labels = [f"{(date(2026, 7, 1) + timedelta(days=n)).strftime('%b')} {n + 1}" for n in range(days)]
    with app.test_request_context():
        assert_legible(charts.stacked_columns(labels, ["resolved"], [{"resolved": n % 5} for n in range(days)]))
        months = [date(2025, m, 1).strftime("%b %Y") for m in range(1, 13)]
        assert_legible(charts.stacked_columns(months, ["resolved"], [{"resolved": 400 + m} for m in range(12)]))


def test_the_response_histogram_counts_stand_above_their_bars(app):
    labels = ["0-5", "5-10", "10-15", "15-20", "20-30", "30-45", "45-60", "60+"]
    with app.test_request_context():
        svg = assert_legible(charts.columns(labels, [1234, 50, 0, 7, 999, 3, 10000, 2], "response"))
    assert [text.text for text in svg.iter("text") if text.get("class") == "count"][0] == "1234"


def test_the_longest_service_categories_stand_above_their_bars_with_their_totals(app):
    names = sorted(CATEGORIES.values(), key=len, reverse=True)
    values = [{status: (n + i) % 4 * 7 for i, status in enumerate(STATUS_LABELS)} for n in range(len(names))]
    with app.test_request_context():
        svg = assert_legible(charts.stacked_rows(names, list(STATUS_LABELS), values))
    shown = [text.text for text in svg.iter("text") if text.get("class") == "row-label"]
    assert shown == names  # every name whole
    assert "Domestic violence services" in shown


@pytest.mark.parametrize(("largest", "ticks"), [
    (50, [0, 10, 20, 30, 40, 50]), (37, [0, 10, 20, 30, 40]), (4, [0, 1, 2, 3, 4]), (0, [0, 1]),
    (12, [0, 5, 10, 15]), (230, [0, 50, 100, 150, 200, 250]), (1, [0, 1]),
])
def test_the_y_axis_counts_in_round_steps(app, largest, ticks):
    with app.test_request_context():
        chart = charts.columns(["a", "b"], [largest, 0], "response")
        svg = rendered(chart)
    assert [tick["value"] for tick in chart["ticks"]] == ticks
    assert [text.text for text in svg.iter("text") if text.get("class") == "tick"] == [str(t) for t in ticks]
