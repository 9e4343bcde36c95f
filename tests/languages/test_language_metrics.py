"""The dashboard counts calls by the person's preferred language and the calls that needed an
interpreter (issue 23), from the records and from the roll-ups alike."""

from datetime import date

import pytest
from sqlalchemy import select

from fieldapp.calls.models import Call
from fieldapp.metrics import services
from fieldapp.metrics.filters import Filters, Periods
from tests.fixtures import metrics_data
from tests.fixtures.metrics_data import NOW

MARCH = Filters(date(2026, 3, 1), date(2026, 4, 1), "America/New_York")


@pytest.fixture
def spoken(db, make_user):
    """metrics_data's eight March calls: two in Spanish (one es-MX, with an interpreter), one in Vietnamese
    with an interpreter, one with free text from before BCP 47, four not recorded."""
    metrics_data.build(db.session, make_user("clinician"))
    march = db.session.scalars(select(Call).where(Call.received_at >= MARCH.start, Call.received_at < MARCH.end)
                               .order_by(Call.received_at)).all()
    assert len(march) == 8
    for call, (tag, needed) in zip(march, [("es", None), ("es-MX", True), ("vi", True), ("Spanish", False)],
                                   strict=False):
        call.preferred_language, call.interpreter_needed = tag, needed
    db.session.commit()


@pytest.mark.parametrize("source", ["records", "rollups"])
def test_calls_by_preferred_language_and_interpreter_needed(db, spoken, source):
    found = services.compute_together(db.session, Periods.of(MARCH), now=NOW, source=source)[0]["language"]
    assert found["calls"] == 8
    assert [(row["code"], row["count"]) for row in found["by_language"]] == [
        ("es", 2), ("vi", 1), ("other", 1), ("not_recorded", 4)]
    assert found["interpreter_needed"] == {"count": 2, "share": 0.25}


def test_the_dashboard_shows_the_language_table(pages, db, spoken, make_user):
    page = pages(make_user("program_manager")).get("/metrics?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    section = page[page.index('id="language-h"'):]
    assert "Interpreter needed" in section
    assert '<th scope="row">Spanish · español</th><td>2</td>' in section
    assert '<th scope="row">Not recorded</th><td>4</td>' in section
