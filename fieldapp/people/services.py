"""People rules: creating a person with an encounter, finding people, who may see whom."""

import uuid

from flask_babel import gettext as _
from sqlalchemy import String, cast, func, or_, select

from fieldapp.audit import services as audit
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound
from fieldapp.extensions import db
from fieldapp.hooks import Slot
from fieldapp.i18n import formats
from fieldapp.people.models import Person
from fieldapp.records import get_visible
from fieldapp.roles import UNIT_ROLES
from fieldapp.units import services as units
from fieldapp.visibility import sees_clinical


def new_person(data: dict, *, by) -> Person:
    """A Person from validated data, added to the session (the caller's unit of work commits).

    A device-made id that is already a person's is a conflict: link that person with ``person_id``."""
    if data.get("id") is not None and db.session.get(Person, data["id"]) is not None:
        raise Conflict(_("A person with this id is already recorded; link them with person_id instead."),
                       fields={"person.id": [_("This id is already used by another person.")]}, code="id_conflict")
    person = Person(
        id=data.get("id") or uuid.uuid4(), unidentified=data.get("unidentified", False),
        given_name=data.get("given_name") or None, family_name=data.get("family_name") or None,
        dob=data.get("dob"), approx_age=data.get("approx_age"), gender=data.get("gender") or "not_recorded",
        race_ethnicity=sorted(set(data.get("race_ethnicity") or ["not_recorded"])),
        preferred_language=data.get("preferred_language") or None,
        interpreter_needed=data.get("interpreter_needed"), created_by_id=getattr(by, "id", None))
    db.session.add(person)
    return person


# A unit's crew sees the people it met: those of encounters on calls the unit can see. Encounters sit
# above people (an encounter is saved with its person), so that part provides the rule (fieldapp.wiring).
met_by_crew = Slot("people.met_by_crew", "user -> a SQL condition on Person: linked to an encounter on a call "
                   "the user's unit can see (fieldapp.encounters.services.people_met_by_crew)")


def visible_people_query(user):
    if sees_clinical(user.role):
        return select(Person)
    if user.role in UNIT_ROLES:
        return select(Person).where(met_by_crew(user))
    return select(Person).where(False)


def typed_date_term(term: str) -> str:
    """A date of birth typed the user's way (04/02/1990 in en-US, 02/04/1990 in es) or as ISO 8601, as
    the stored ISO text (1990-04-02); any other term as it is. Something shaped like a date that is
    none is refused, naming the search field and the format to type."""
    if not formats.looks_like_date(term):
        return term
    day = formats.parse_typed_date(term)
    if day is None:
        raise Invalid(_("“%(text)s” is not a date.", text=term),
                      fields={"q": [_("Type a date of birth as %(hint)s.", hint=formats.date_hint())]})
    return day.isoformat()


def search(user, q: str, *, limit=25):
    """Find people by name (any order of given and family name) or date of birth (the user's local
    format or YYYY-MM-DD).

    Clinicians search everyone. A unit on shift searches everyone too, to recognise a known person,
    but sees only the officer's fields (``visibility.PERSON``) and may link an encounter only to
    people it may see (``find_for_link``). Searches are audited.
    """
    if not sees_clinical(user.role) and not (user.role in UNIT_ROLES and units.shift_of_user(user)):
        raise Forbidden(_("Only clinicians and units on shift can look people up."))
    terms = [typed_date_term(term) for term in q.lower().split() if term][:4]
    query = select(Person).where(Person.unidentified.is_(False))
    for term in terms:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(func.lower(Person.given_name).like(pattern, escape="\\"),
                                func.lower(Person.family_name).like(pattern, escape="\\"),
                                cast(Person.dob, String).like(pattern, escape="\\")))
    people = db.session.scalars(query.order_by(Person.family_name, Person.given_name).limit(limit)).all()
    audit.record("person.search", user=user, details={"q": q[:100], "results": len(people)})
    db.session.commit()
    return people


def get_person(user, person_id, *, audit_read=True) -> Person:
    return get_visible(visible_people_query(user), Person, person_id, user=user, what="person", audit_read=audit_read)


def find_for_link(user, person_id) -> Person:
    """A person an encounter may be linked to: only one the user may already see (clinicians:
    anyone; a unit's crew: people met on its calls this shift). Anyone else is answered as if they
    did not exist, so a link cannot pull another unit's person, and their history, into this
    unit's records and briefings."""
    person = db.session.scalar(visible_people_query(user).where(Person.id == person_id)) \
        if isinstance(person_id, uuid.UUID) else None
    if person is None:
        raise NotFound(_("No such person."), fields={"person_id": [_("No such person.")]})
    return person
