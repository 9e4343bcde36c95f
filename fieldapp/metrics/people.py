"""People served: repeat contacts, demographics, the equity table (docs/metrics.md, "People")."""

import json
from collections import Counter
from datetime import timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, and_, case, cast, func, select

from fieldapp.calls.models import Call
from fieldapp.encounters.constants import OUTCOMES
from fieldapp.encounters.models import Encounter
from fieldapp.metrics import sql
from fieldapp.metrics.common import grouped_counts, share
from fieldapp.metrics.filters import Periods
from fieldapp.people.constants import GENDERS, RACE_ETHNICITY
from fieldapp.people.models import Person

REPEAT_WINDOW_DAYS = 90
AGE_GROUPS = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown")
AGE_GROUP_LABELS = {"under_18": _l("Under 18"), "18_24": "18-24", "25_34": "25-34", "35_44": "35-44",
                    "45_54": "45-54", "55_64": "55-64", "65_plus": _l("65 and over"), "unknown": _l("Unknown")}
AGE_GROUP_EDGES = (18, 25, 35, 45, 55, 65)  # the first age of each group after "under_18"


def age_group(age):
    """The age group of an age expression (SQL); "unknown" when it is NULL.

    A simple CASE on the group's index, so the age (a date computation) is worked out once a row.
    """
    return case(dict(enumerate(AGE_GROUPS[:-1])), value=sql.bucket_of(age, AGE_GROUP_EDGES), else_="unknown")


@lru_cache(maxsize=1024)
def race_codes(json_text) -> tuple[str, ...]:
    """A person's race/ethnicity codes from the JSON text of the column (a few distinct texts: cached)."""
    return tuple(json.loads(json_text)) if json_text else ("not_recorded",)


def people(session, periods: Periods) -> list[dict]:
    """Per period, repeat contacts and demographics of the people served, in one pass.

    Contacts are the encounters with a person on calls of the periods and of the 90 days before
    the first (any unit or call type: an earlier contact counts whatever it was). Each looks back,
    with LAG, at the same person's previous contact; a contact on the same call as the one before
    it is not a new contact, so only the first contact of each call is judged. A person is a repeat
    contact in a period when one of their contacts there followed another call within 90 days.
    Demographics are per person and period, with the age on the day of their first call in it.
    """
    span = periods.span
    in_period = case((and_(*span.call_conditions()), periods.index(Call.received_at)))  # NULL: looked back at only
    order = {"partition_by": Encounter.person_id, "order_by": (Call.received_at, Call.id)}
    contacts = (select(Encounter.person_id, Call.id.label("call_id"), Call.received_at, in_period.label("period"),
                       func.lag(Call.received_at).over(**order).label("previous_at"),
                       func.lag(Call.id).over(**order).label("previous_call_id"))
                .join(Call, Call.id == Encounter.call_id)
                .where(Encounter.person_id.is_not(None), Call.received_at < span.end,
                       Call.received_at >= span.start - timedelta(days=REPEAT_WINDOW_DAYS))
                .subquery("contacts"))
    follows = and_(contacts.c.previous_call_id != contacts.c.call_id,
                   sql.within_days_before(contacts.c.previous_at, contacts.c.received_at, REPEAT_WINDOW_DAYS))
    served = (select(contacts.c.period, contacts.c.person_id, func.min(contacts.c.received_at).label("first_at"),
                     func.max(case((follows, 1), else_=0)).label("repeat"))
              .where(contacts.c.period.is_not(None)).group_by(contacts.c.period, contacts.c.person_id)
              .subquery("people_served"))
    aged = (select(served.c.period, Person.gender, cast(Person.race_ethnicity, Text).label("races"), served.c.repeat,
                   func.coalesce(sql.age_years(Person.dob, served.c.first_at), Person.approx_age).label("age"))
            .select_from(served).join(Person, Person.id == served.c.person_id).subquery("people_aged"))
    rows = grouped_counts(session, select(aged.c.period, aged.c.gender, age_group(aged.c.age).label("age_group"),
                                          aged.c.races, aged.c.repeat))
    return [people_from_counts([(row.gender, row.age_group, row.races, row.n, row.n if row.repeat else 0)
                                for row in rows if int(row.period) == index]) for index in range(len(periods.items))]


def people_from_counts(rows) -> dict:
    """Repeat contacts and demographics from (gender, age group, races, people, of whom repeat contacts)."""
    genders, ages, races = Counter(), Counter(), Counter()
    total = repeat = 0
    for gender, group, race_text, n, repeats in rows:
        total += n
        repeat += repeats
        genders[gender] += n
        ages[group] += n
        for code in race_codes(race_text):
            races[code] += n
    return {
        "repeat_contacts": {"people": total, "repeat": repeat, "share": share(repeat, total),
                            "window_days": REPEAT_WINDOW_DAYS},
        "demographics": {"people": total, "gender": {code: genders[code] for code in GENDERS},
                         "age_group": {code: ages[code] for code in AGE_GROUPS},
                         "race_ethnicity": {code: races[code] for code in RACE_ETHNICITY}},
    }


def outcomes_by_race(rows) -> dict:
    """The equity table: encounters by the person's race/ethnicity (each category a person gave), and
    what happened. ``rows`` are one period's grouped encounter counts (outcomes.encounters_and_equity),
    with the person's ``races`` (NULL for an encounter without a person: left out).
    """
    table = {code: Counter() for code in RACE_ETHNICITY}
    for row in rows:
        if row.races is None:
            continue
        for code in race_codes(row.races):
            counts = table.setdefault(code, Counter())
            counts["encounters"] += row.n
            counts[row.outcome] += row.n
            counts["involuntary_holds"] += row.n if row.hospitalization_type == "involuntary" else 0
            counts["use_of_force"] += row.n if row.use_of_force else 0
    columns = ("encounters", *OUTCOMES, "involuntary_holds", "use_of_force")
    return {code: {column: counts[column] for column in columns} for code, counts in table.items()}
