"""billing (issue 21): the section 1947 report in the dashboard and the quarterly PDF: share of responses with a
licensed behavioral-health professional on scene, hours covered by a staffed unit, response times."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from fieldapp import clock
from fieldapp.metrics import section1947
from fieldapp.metrics.filters import filters_from
from tests.fixtures.factories import ShiftFactory, UserFactory


def period():
    return filters_from({}, clock.zone_name())


def peer_shift():
    return ShiftFactory(clinician=UserFactory(role="clinician", bh_role="peer"),
                        started_at=clock.utcnow() - timedelta(days=1))


def test_share_of_responses_with_a_professional_and_their_response_times(app, db, scene_encounter):
    scene_encounter(minutes=30)  # the licensed crew: received 4 h ago, on scene 3 h ago
    scene_encounter(minutes=30, shift=peer_shift())
    found = section1947.figures(db.session, period())
    assert (found["responses"], found["with_professional"], found["professional_share"]) == (2, 1, 0.5)
    assert found["response_times"]["n"] == 2 and found["professional_response_times"]["n"] == 1
    assert round(found["professional_response_times"]["median"]) == 3600


def test_the_crew_on_scene_is_the_shift_open_then_not_an_earlier_one_of_the_unit(app, db, scene_encounter):
    """A licensed crew's shift ended before the unit reached the scene; the peer crew that took over was on
    scene: not a response with a professional (the unit's latest shift started by then, and not yet ended)."""
    now = clock.utcnow()
    licensed = UserFactory(role="clinician", bh_role="licensed")
    earlier = ShiftFactory(clinician=licensed, started_at=now - timedelta(days=2), ended_at=now - timedelta(hours=5))
    ShiftFactory(clinician=licensed, unit=earlier.unit, started_at=now - timedelta(days=3),
                 ended_at=now - timedelta(days=2, hours=1))
    peers = ShiftFactory(unit=earlier.unit, clinician=UserFactory(role="clinician", bh_role="peer"),
                         started_at=now - timedelta(hours=4, minutes=30))
    scene_encounter(minutes=30, shift=peers)  # on scene 3 h ago, in the peers' shift
    found = section1947.figures(db.session, period())
    assert (found["responses"], found["with_professional"]) == (1, 0)
    assert found["professional_response_times"] == {"n": 0, "median": None, "p90": None}
    assert found["response_times"]["n"] == 1 and round(found["response_times"]["median"]) == 3600


def test_hours_covered_are_the_union_of_shifts_clipped_to_the_period(app, db):
    now = clock.utcnow()
    licensed = UserFactory(role="clinician", bh_role="licensed")
    ShiftFactory(clinician=licensed, started_at=now - timedelta(hours=10), ended_at=now - timedelta(hours=2))
    ShiftFactory(clinician=UserFactory(role="clinician"), started_at=now - timedelta(hours=5),
                 ended_at=now - timedelta(hours=1))
    cover = section1947.coverage(db.session, period(), now)
    assert (cover["staffed_hours"], cover["professional_hours"]) == (9.0, 8.0)
    assert cover["period_hours"] > 24 * 89 and 0 < cover["staffed_share"] < 0.01


def test_the_dashboard_and_the_pdf_show_the_section(pages, make_user, scene_encounter):
    scene_encounter(minutes=30)
    browser = pages(make_user("program_manager"))
    dashboard = browser.get("/metrics").get_data(as_text=True)
    assert "Medicaid mobile crisis (section 1947)" in dashboard
    assert "1 of 1 (100%)" in dashboard
    pdf = browser.get("/metrics/report.pdf")
    assert pdf.status_code == 200
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "metrics-report-section1947.pdf").write_bytes(pdf.data)
    text = "".join(sheet.extract_text() for sheet in PdfReader(BytesIO(pdf.data)).pages)
    assert "Medicaid mobile crisis (section 1947)" in text and "Hours covered by a staffed unit" in text
