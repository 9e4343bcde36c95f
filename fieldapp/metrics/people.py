"""People served: repeat contacts, demographics, the equity table (docs/metrics.md, "People")."""

import json
from collections import Counter
from datetime import timedelta

from sqlalchemy import Text, and_, case, cast, func, select

from fieldapp.calls.models import Call
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import sql
from fieldapp.metrics.common import grouped_counts, share
from fieldapp.metrics.filters import Filters
from fieldapp.metrics.outcomes import OUTCOMES
from fieldapp.people.constants import GENDERS, RACE_ETHNICITY
from fieldapp.people.models import Person

REPEAT_WINDOW_DAYS = 90
AGE_GROUPS = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown")
AGE_GROUP_LABELS = {"under_18": "Under 18", "18_24": "18-24", "25_34": "25-34", "35_44": "35-44",
                    "45_54": "45-54", "55_64": "55-64", "65_plus": "65 and over", "unknown": "Unknown"}


def age_group(age):
    """The age group of an age expression (SQL)."""
    return case((age.is_(None), "unknown"), (age < 18, "under_18"), (age < 25, "18_24"), (age < 35, "25_34"),
                (age < 45, "35_44"), (age < 55, "45_54"), (age < 65, "55_64"), else_="65_plus")


def _codes(json_text):
    """A person's race/ethnicity codes from the JSON text of the column."""
    return json.loads(json_text) if json_text else ["not_recorded"]


def people(session, filters: Filters) -> dict:
    """Repeat contacts and demographics of the people served, in one pass.

    Contacts are the (person, call) pairs of the period and of the 90 days before it (any unit or
    call type: an earlier contact counts whatever it was). Each counted contact looks back, with
    LAG, at the same person's previous call; a person is a repeat contact when one of their
    counted contacts followed another within 90 days. Demographics are per person, with the age on
    the day of their first counted contact.
    """
    counted = and_(*filters.call_conditions())
    visits = (select(Encounter.person_id, Call.id.label("call_id"), Call.received_at, counted.label("counted"))
              .join(Call, Call.id == Encounter.call_id)
              .where(Encounter.person_id.is_not(None), Call.received_at < filters.end,
                     Call.received_at >= filters.start - timedelta(days=REPEAT_WINDOW_DAYS))
              .distinct().subquery("visits"))
    previous = func.lag(visits.c.received_at).over(partition_by=visits.c.person_id,
                                                   order_by=(visits.c.received_at, visits.c.call_id))
    ordered = select(visits.c.person_id, visits.c.received_at, visits.c.counted,
                     previous.label("previous_at")).subquery("ordered_visits")
    follows = and_(ordered.c.previous_at.is_not(None),
                   sql.within_days_before(ordered.c.previous_at, ordered.c.received_at, REPEAT_WINDOW_DAYS))
    served = (select(ordered.c.person_id, func.min(ordered.c.received_at).label("first_at"),
                     func.max(case((follows, 1), else_=0)).label("repeat"))
              .where(ordered.c.counted.is_(True)).group_by(ordered.c.person_id).subquery("people_served"))
    aged = (select(Person.gender, cast(Person.race_ethnicity, Text).label("races"), served.c.repeat,
                   func.coalesce(sql.age_years(Person.dob, served.c.first_at), Person.approx_age).label("age"))
            .select_from(served).join(Person, Person.id == served.c.person_id).subquery("people_aged"))
    rows = grouped_counts(session, select(aged.c.gender, age_group(aged.c.age).label("age_group"), aged.c.races,
                                          aged.c.repeat))
    genders, ages, races = Counter(), Counter(), Counter()
    total = repeat = 0
    for row in rows:
        total += row.n
        repeat += row.n if row.repeat else 0
        genders[row.gender] += row.n
        ages[row.age_group] += row.n
        for code in _codes(row.races):
            races[code] += row.n
    return {
        "repeat_contacts": {"people": total, "repeat": repeat, "share": share(repeat, total),
                            "window_days": REPEAT_WINDOW_DAYS},
        "demographics": {"people": total, "gender": {code: genders[code] for code in GENDERS},
                         "age_group": {code: ages[code] for code in AGE_GROUPS},
                         "race_ethnicity": {code: races[code] for code in RACE_ETHNICITY}},
    }


def outcomes_by_race(session, filters: Filters) -> dict:
    """Encounters by the person's race/ethnicity (each category a person gave) and what happened."""
    involuntary = (Encounter.hospitalization_type == "involuntary").label("involuntary")
    rows = grouped_counts(session, select(cast(Person.race_ethnicity, Text).label("races"), Encounter.outcome,
                                          involuntary, Encounter.use_of_force)
                          .select_from(Encounter).join(Call, Call.id == Encounter.call_id)
                          .join(Person, Person.id == Encounter.person_id).where(*filters.call_conditions()))
    table = {code: Counter() for code in RACE_ETHNICITY}
    for row in rows:
        for code in _codes(row.races):
            counts = table.setdefault(code, Counter())
            counts["encounters"] += row.n
            counts[row.outcome] += row.n
            counts["involuntary_holds"] += row.n if row.involuntary else 0
            counts["use_of_force"] += row.n if row.use_of_force else 0
    columns = ("encounters", *OUTCOMES, "involuntary_holds", "use_of_force")
    return {code: {column: counts[column] for column in columns} for code, counts in table.items()}
