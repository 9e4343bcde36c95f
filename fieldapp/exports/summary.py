"""The public summary: encounters by outcome, cross-tabulated by month, call type and demographic
group (and district), with small cells suppressed (``fieldapp.exports.suppression``).

Every table counts the same encounters (people contacted on calls of the filters) and shares one
set of outcome totals and one grand total, so a value hidden in one table cannot be read from
another. Race/ethnicity categories overlap (a person may give several), so that table claims no
column sums; its row totals still add up across outcomes.
"""

import csv
import io
from collections import Counter

from flask import current_app, has_app_context
from sqlalchemy import case, func, select, true

from fieldapp.calls.constants import CALL_TYPES
from fieldapp.calls.models import Call
from fieldapp.database import dialect_of
from fieldapp.encounters.constants import OUTCOMES
from fieldapp.encounters.models import Encounter
from fieldapp.exports.columns import language_category
from fieldapp.exports.suppression import Tables, cross_table, suppress
from fieldapp.languages import SHORT_LIST
from fieldapp.metrics import sql
from fieldapp.metrics.buckets import months_of
from fieldapp.metrics.common import grouped_counts
from fieldapp.metrics.filters import Filters
from fieldapp.metrics.people import AGE_GROUPS, age_group
from fieldapp.people.constants import GENDERS, RACE_ETHNICITY
from fieldapp.people.models import Person

HEADER = ("table", "group", "outcome", "count", "suppressed")
NOT_RECORDED = "not_recorded"
TOTAL = "total"


def _shared_total(column):
    return ("all", TOTAL, column)


def _counts(session, inner):
    return {(row[0], row[1]): row.n for row in grouped_counts(session, inner)}


def tables_for(session, filters: Filters) -> tuple[Tables, list]:
    """The summary's tables (entries and constraints) and their layout: (name, rows) in order."""
    base = select().select_from(Encounter).join(Call, Call.id == Encounter.call_id) \
        .where(*filters.call_conditions())
    with_person = base.outerjoin(Person, Person.id == Encounter.person_id)
    months = months_of(filters)
    month_labels = [day.strftime("%Y-%m") for day in months.starts]
    month = sql.bucket_index(Call.received_at, months.edges)
    by_month = {(month_labels[index], outcome): n for (index, outcome), n in
                _counts(session, base.add_columns(month.label("bucket"), Encounter.outcome)).items()}
    age = sql.age_years(Person.dob, Call.received_at)
    race = sql.json_items(Person.race_ethnicity, dialect_of(session))
    layout = [
        ("month", month_labels, by_month),
        ("call_type", list(CALL_TYPES), _counts(session, base.add_columns(Call.call_type, Encounter.outcome))),
        ("gender", list(GENDERS), _counts(session, with_person.add_columns(
            func.coalesce(Person.gender, "not_recorded").label("gender"), Encounter.outcome))),
        ("age_group", list(AGE_GROUPS), _counts(session, with_person.add_columns(
            age_group(func.coalesce(age, Person.approx_age)).label("age_group"), Encounter.outcome))),
        ("race_ethnicity", list(RACE_ETHNICITY), _counts(session, base.join(
            Person, Person.id == Encounter.person_id).join(race, true()).add_columns(race.c.value, Encounter.outcome))),
        _districts(session, base),
        *_languages(session, with_person),
    ]
    tables = Tables()
    for name, rows, counts in layout:
        cross_table(tables, name, rows, list(OUTCOMES), counts, column_totals=name != "race_ethnicity",
                    total_key=_shared_total)
    return tables, [(name, rows) for name, rows, _ in layout]


def _districts(session, base):
    """fields (issue 11): encounters by the district of their call (the DISTRICTS setting, then any other
    district found, then ``not_recorded``): geography above the person level, suppressed like the rest."""
    counts = _counts(session, base.add_columns(func.coalesce(Call.district, NOT_RECORDED).label("district"),
                                               Encounter.outcome))
    configured = list(current_app.config.get("DISTRICTS", ())) if has_app_context() else []
    found = sorted({district for district, _ in counts} - set(configured) - {NOT_RECORDED})
    return "district", [*configured, *found, NOT_RECORDED], counts


def _languages(session, with_person):
    """issue 23: encounters by the person's language (its ISO 639 subtag: English, Spanish, then any other
    found, 'other' for free text, ``not_recorded``) and by whether an interpreter was needed; suppressed
    like the rest (a rare language is a small cell)."""
    counts = Counter()
    for (tag, outcome), n in _counts(session, with_person.add_columns(Person.preferred_language,
                                                                       Encounter.outcome)).items():
        counts[(language_category(tag) or NOT_RECORDED, outcome)] += n
    found = sorted({code for code, _ in counts} - {*SHORT_LIST, "other", NOT_RECORDED})
    needed = _counts(session, with_person.add_columns(
        case((Person.interpreter_needed.is_(True), "yes"), (Person.interpreter_needed.is_(False), "no"),
             else_=NOT_RECORDED).label("interpreter"), Encounter.outcome))
    return [("preferred_language", [*SHORT_LIST, *found, "other", NOT_RECORDED], dict(counts)),
            ("interpreter_needed", ["yes", "no", NOT_RECORDED], needed)]


def build(session, filters: Filters) -> list[dict]:
    """The summary's rows, suppressed: dicts with the keys of ``HEADER``."""
    tables, layout = tables_for(session, filters)
    hidden = suppress(tables)

    def row(table, group, outcome, key):
        secret = key in hidden
        return {"table": table, "group": group, "outcome": outcome,
                "count": None if secret else tables.entries[key], "suppressed": secret}

    out = []
    for name, rows in layout:
        for group in rows:
            out += [row(name, group, outcome, (name, group, outcome)) for outcome in OUTCOMES]
            out.append(row(name, group, TOTAL, (name, group, None)))
    out += [row("all", TOTAL, outcome, _shared_total(outcome)) for outcome in OUTCOMES]
    out.append(row("all", TOTAL, TOTAL, _shared_total(None)))
    return out


def csv_bytes(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row["table"], row["group"], row["outcome"],
                         "" if row["count"] is None else row["count"], "true" if row["suppressed"] else "false"])
    yield buffer.getvalue().encode()
