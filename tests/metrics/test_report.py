"""The printable report: a download named for its period, the program's record after the charts, a
page with a main landmark and an icon."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.fixtures import metrics_data


@pytest.fixture
def data(db, make_user):
    return metrics_data.build(db.session, make_user("clinician"))


@pytest.mark.parametrize(("query", "name"), [
    ("from=2026-07-01&to=2026-09-30", "fieldapp-report-2026-Q3.pdf"),
    ("from=2026-01-01&to=2026-03-31", "fieldapp-report-2026-Q1.pdf"),
    ("from=2026-03-01&to=2026-03-31", "fieldapp-report-2026-03.pdf"),
    ("from=2025-01-01&to=2025-12-31", "fieldapp-report-2025.pdf"),
    ("from=2026-02-01&to=2026-04-30", "fieldapp-report-2026-02-01_2026-04-30.pdf"),
    ("from=2026-03-05&to=2026-03-19", "fieldapp-report-2026-03-05_2026-03-19.pdf"),
])
def test_the_pdf_downloads_as_an_attachment_named_for_its_period(pages, db, make_user, query, name):
    response = pages(make_user("program_manager")).get(f"/metrics/report.pdf?{query}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'


def test_the_pdf_lists_the_program_metrics_after_the_charts(pages, db, data, make_user):
    response = pages(make_user("program_manager")).get("/metrics/report.pdf?from=2026-03-01&to=2026-03-31")
    text = "".join(sheet.extract_text() for sheet in PdfReader(BytesIO(response.data)).pages)
    charts, record = text.index("Charts"), text.index("The program's record")
    assert charts < record < text.index("What the figures mean")
    for label in ("Eligible calls received", "Source: 911", "Taken to hospital", "Unit-hours on shift",
                  "Follow-up contacts"):
        assert text.index(label) > record, label


def test_the_report_page_has_a_main_landmark_an_icon_and_a_download_link(pages, db, data, make_user):
    page = pages(make_user("program_manager")).get("/metrics/report?from=2026-03-01&to=2026-03-31")
    html = page.get_data(as_text=True)
    assert '<main id="main">' in html and "</main>" in html
    assert re.search(r'rel="icon" href="/static/(dist/icon-192-[0-9a-f]+|icons/icon-192)\.png"', html)
    assert 'href="/metrics/report.pdf?from=2026-03-01&amp;to=2026-03-31" download>Download as PDF' in html


def test_the_pdf_speaks_the_readers_language_in_dates_numbers_and_labels(pages, db, data, make_user):
    """A Spanish program manager's PDF: the period, the charts' days and the figures through Babel
    (fieldapp.i18n.formats) in Spanish, as on the pages; no English figure names or month names."""
    manager = make_user("program_manager", locale="es")
    response = pages(manager).get("/metrics/report.pdf?from=2026-03-01&to=2026-03-31")
    text = " ".join(" ".join(sheet.extract_text().split()) for sheet in PdfReader(BytesIO(response.data)).pages)
    assert "1–31 mar 2026" in text  # the period, as Babel's Spanish interval writes it
    assert "Llamadas recibidas" in text and "Calls received" not in text
    assert re.search(r"\b\d{1,3}(,\d)?\s%", text)  # a share: 25 % / 25,5 % (Spanish spacing and comma)
    assert not re.search(r"\b\d{1,3}\.\d%", text)  # never the English 25.5%
    assert not re.search(r"\b(Mar|Wk) \d", text)  # the charts' days: "5 mar", not "Mar 5"
    weeks = pages(manager).get("/metrics/report?from=2026-01-01&to=2026-03-31").get_data(as_text=True)
    assert "Sem. " in weeks and "Wk " not in weeks  # the charts' weeks
    assert "Personas contactadas por semana, según resultado" in weeks
