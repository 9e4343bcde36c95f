"""The person's language in the exports (issue 23): the identified outcome log has the tag as recorded
and interpreter needed; the de-identified one only the language as a category (free text never
published as written); the public summary has both as tables, small cells suppressed."""

import csv
import io

import pytest
from sqlalchemy import select

from fieldapp.exports import columns
from fieldapp.people.models import Person
from tests.fixtures import metrics_data

MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def data(db, make_user):
    built = metrics_data.build(db.session, make_user("clinician"))
    people = db.session.scalars(select(Person).order_by(Person.created_at, Person.id)).all()
    for person, (tag, needed) in zip(people, [("es-MX", True), ("Spanish (Castilian), lives with sister", False),
                                              ("vi", None)], strict=False):
        person.preferred_language, person.interpreter_needed = tag, needed
    db.session.commit()
    return built


def rows_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_identified_log_has_the_tag_as_recorded_and_interpreter_needed(api, data, make_user):
    rows = rows_of(api.get(f"/api/v1/exports/outcomes.csv?{MARCH}", user=make_user("program_manager")))
    assert {"preferred_language", "interpreter_needed"} <= set(rows[0])
    spoken = {(row["preferred_language"], row["interpreter_needed"]) for row in rows}
    assert ("es-MX", "true") in spoken
    assert "interpreter_needed" in dict(columns.OUTCOMES["identified"])


def test_the_deidentified_log_publishes_the_language_as_a_category_only(api, data, make_user):
    response = api.get(f"/api/v1/exports/outcomes.csv?{MARCH}&deidentified=1", user=make_user("program_manager"))
    rows = rows_of(response)
    assert list(rows[0]) == columns.header("outcomes", "deidentified")
    assert {row["preferred_language"] for row in rows} <= {"es", "vi", "other", "en", ""}
    assert "es" in {row["preferred_language"] for row in rows}
    assert "es-MX" not in response.get_data(as_text=True)
    assert "lives with sister" not in response.get_data(as_text=True)  # free text is never published


def test_the_public_summary_counts_language_and_interpreter_with_small_cells_hidden(api, data, make_user):
    rows = rows_of(api.get(f"/api/v1/exports/summary.csv?{MARCH}", user=make_user("program_manager")))
    spoken = [row for row in rows if row["table"] == "preferred_language"]
    assert {row["group"] for row in spoken} >= {"en", "es", "other", "not_recorded"}
    assert "lives with sister" not in {row["group"] for row in spoken}
    needed = [row for row in rows if row["table"] == "interpreter_needed"]
    assert {row["group"] for row in needed} == {"yes", "no", "not_recorded"}
    for row in spoken + needed:  # five encounters: every count from 1 to 10 is hidden
        assert row["suppressed"] == "true" or row["count"] == "0"
