"""The de-identified XLSX keeps the identified one's cell types: numbers as numbers (the age too, with
"90+" the one text Safe Harbor asks for)."""

import io

import pytest
from openpyxl import load_workbook

from tests.fixtures import metrics_data

MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def data(db, make_user):
    return metrics_data.build(db.session, make_user("clinician"))


def sheet_rows(response):
    book = load_workbook(io.BytesIO(response.get_data()))
    values = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_deidentified_outcome_log_stores_ages_as_numbers_like_the_identified(api, data, make_user):
    manager = make_user("program_manager")
    identified = sheet_rows(api.get(f"/api/v1/exports/outcomes.xlsx?{MARCH}", user=manager))
    published = sheet_rows(api.get(f"/api/v1/exports/outcomes.xlsx?{MARCH}&deidentified=1", user=manager))
    assert sorted(row["Age"] for row in published if row["Age"] != "90+") == [17, 30, 45, 45]
    assert [row["Age"] for row in published].count("90+") == 1  # P4 is about 95
    assert all(isinstance(row["Age"], int) for row in identified)
    for name in set(identified[0]) & set(published[0]):  # every shared column: the same cell types
        kinds = {type(row[name]) for row in identified if row[name] is not None}
        published_kinds = {type(row[name]) for row in published if row[name] not in (None, "90+")}
        assert published_kinds <= kinds, name
