"""People served, rolled up by day: each contact with the day of the person's previous one.

A contact is a person's first encounter on a call. Counting the contacts of ``[a, b)`` whose
previous contact (of the same person, in the same scope) came before ``a`` counts each person
served once, at their first call of the period: the same people, ages and repeat contacts as
fieldapp.metrics.people computes from the records (docs/metrics.md, "People").
"""

import json
from bisect import bisect_right
from collections import Counter
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from fieldapp import clock
from fieldapp.calls.models import Call
from fieldapp.encounters.models import Encounter
from fieldapp.metrics.models import ALL_TYPES, ALL_UNITS
from fieldapp.metrics.people import AGE_GROUP_EDGES, AGE_GROUPS, REPEAT_WINDOW_DAYS
from fieldapp.people.models import Person

BATCH = 2000


def rows(session, days) -> list[tuple]:
    """Rows (day, unit_key, type_key, prev_day, repeat, prev_repeat_day, gender, age_group, races, n)
    for the contacts on ``days`` (a rollup_days.Days), each person's whole history read to find them."""
    wanted = set(days.days)
    zone = clock.zone(days.zone)
    people = session.scalars(select(Encounter.person_id).distinct().join(Call, Call.id == Encounter.call_id)
                             .where(days.condition(Call.received_at), Encounter.person_id.is_not(None)),
                             days.params).all()
    counts = Counter()
    for start in range(0, len(people), BATCH):
        batch = people[start:start + BATCH]
        history = {}
        for person_id, call_id, received_at, unit_id, call_type in session.execute(
                select(Encounter.person_id, Call.id, Call.received_at, Call.unit_id, Call.call_type).distinct()
                .join(Call, Call.id == Encounter.call_id).where(Encounter.person_id.in_(batch))):
            history.setdefault(person_id, []).append((received_at, call_id, unit_id, call_type))
        for person in session.execute(select(Person.id, Person.gender, Person.dob, Person.approx_age,
                                             Person.race_ethnicity).where(Person.id.in_(batch))):
            _count(counts, sorted(history.get(person.id, ())), person, wanted, zone)
    return [(*key, n) for key, n in counts.items()]


def _count(counts: Counter, contacts: list[tuple], person, wanted: set, zone: ZoneInfo) -> None:
    races = None if person.race_ethnicity is None else json.dumps(person.race_ethnicity)
    window = timedelta(days=REPEAT_WINDOW_DAYS)
    last_day, last_repeat_day = {}, {}
    previous_at = None
    for received_at, _call_id, unit_id, call_type in contacts:
        day = received_at.astimezone(zone).date()
        repeat = previous_at is not None and previous_at >= received_at - window
        keys = [(ALL_UNITS, ALL_TYPES), (ALL_UNITS, call_type)]
        if unit_id is not None:
            keys += [(unit_id, ALL_TYPES), (unit_id, call_type)]
        if day in wanted:
            group = age_group(person.dob, person.approx_age, received_at)
            for scope in keys:
                counts[(day, *scope, last_day.get(scope), repeat, last_repeat_day.get(scope) if repeat else None,
                        person.gender, group, races)] += 1
        for scope in keys:
            last_day[scope] = day
            if repeat:
                last_repeat_day[scope] = day
        previous_at = received_at


def age_group(dob, approx_age, at) -> str:
    """As people.age_group(age_years(dob, at) or approx_age): the age on the UTC date of ``at``."""
    if dob is not None:
        day = at.astimezone(UTC).date()
        age = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
    else:
        age = approx_age
    return "unknown" if age is None else AGE_GROUPS[bisect_right(AGE_GROUP_EDGES, age)]
