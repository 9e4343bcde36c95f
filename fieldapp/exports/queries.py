"""The SQL of the outcome log and the referral log: one statement each, filtered like the dashboard.

Each statement returns the raw columns; ``fieldapp.exports.columns`` turns a row into the
identified or the de-identified export row. Referrals to 42 CFR Part 2 programs are left out of
both logs (their existence is Part 2 information: clinicians only, see ``fieldapp.visibility``).
Clinical notes, narratives and referral notes are never selected.
"""

from sqlalchemy import String, and_, case, cast, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from fieldapp.calls import constants as call_constants
from fieldapp.calls.models import Call, CallEvent
from fieldapp.clock import utcnow
from fieldapp.directory.models import Organization, Service
from fieldapp.encounters.models import Encounter
from fieldapp.exports.deidentify import OLDEST_PUBLISHED_AGE
from fieldapp.followup_contacts.models import FollowUpContact
from fieldapp.metrics import sql
from fieldapp.metrics.filters import Filters
from fieldapp.people.models import Person
from fieldapp.referrals import constants as referral_constants
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.units.models import Unit

FIRST_STATUSES = (call_constants.ACKNOWLEDGED, call_constants.EN_ROUTE, call_constants.ON_SCENE,
                  call_constants.TRANSPORTING)


def _filtered_call_ids(filters: Filters):
    return select(Call.id).where(*filters.call_conditions())


def milestones(filters: Filters):
    """Per call of the filters: first dispatch, first time at each status, and clearing (device time)."""
    event = CallEvent
    is_status = event.kind == "status"
    columns = [func.min(case((event.kind == "assigned", event.recorded_at))).label("assigned_at")]
    columns += [func.min(case((and_(is_status, event.status == status), event.recorded_at))).label(f"{status}_at")
                for status in FIRST_STATUSES]
    columns.append(func.max(case((and_(is_status, event.status == call_constants.CLEARED), event.recorded_at)))
                   .label("cleared_at"))
    return (select(event.call_id, *columns)
            .where(event.call_id.in_(_filtered_call_ids(filters)), event.kind.in_(("assigned", "status")))
            .group_by(event.call_id).subquery("milestones"))


def encounter_referrals(filters: Filters, dialect_name: str):
    """Per encounter of the filters: how many referrals (not to Part 2 programs), their categories."""
    made = (select(Referral.encounter_id, Service.category).join(Service, Service.id == Referral.service_id)
            .where(Service.part2_program.is_(False),
                   Referral.encounter_id.in_(select(Encounter.id).join(Call, Call.id == Encounter.call_id)
                                             .where(*filters.call_conditions()))))
    if dialect_name != "postgresql":  # SQLite's group_concat keeps the order of the rows it is given
        made = made.order_by(Referral.encounter_id, Service.category)
    made = made.subquery()
    return (select(made.c.encounter_id, func.count().label("referral_count"),
                   sql.joined_text(made.c.category).label("referral_categories"))
            .group_by(made.c.encounter_id).subquery("encounter_referrals"))


def shaped(columns, as_text: bool, zone: str):
    """Label each (name, kind, expression); as text, the database formats it for the CSV.

    Kinds: time, uuid, bool, seconds, codes (a JSON array), text (free text), plain.
    As text, times are ISO 8601 in the agency's ``zone`` with the offset, and empty text is NULL (both are
    an empty CSV field, which PostgreSQL's COPY writes the same way as Python's csv module).
    Typed (for XLSX), times stay times and booleans booleans; codes, seconds and text are the same.
    """
    formatters = {
        "time": (lambda value: sql.iso_local(value, zone)) if as_text else None,
        "uuid": sql.uuid_text if as_text else None, "bool": sql.bool_text if as_text else None,
        "seconds": sql.whole_seconds, "codes": sql.json_codes, "text": sql.safe_text,
        "plain": (lambda value: func.nullif(value, "") if isinstance(value.type, String) else value)
        if as_text else None,
    }
    return [(formatters[kind](expression) if formatters[kind] else expression).label(name)
            for name, kind, expression in columns]


def follow_up_contact_counts(filters: Filters):
    """The follow-up contacts of each encounter of the filters (``encounter_id``, ``n``)."""
    return (select(FollowUpContact.encounter_id, func.count().label("n")).where(
        FollowUpContact.encounter_id.in_(select(Encounter.id).join(Call, Call.id == Encounter.call_id)
                                         .where(*filters.call_conditions())))
        .group_by(FollowUpContact.encounter_id).subquery("follow_up_contacts"))


def outcome_log(filters: Filters, dialect_name: str, *, variant="identified", as_text=True):
    """One row per encounter of the filters, in the order the calls were received.

    The de-identified variant selects only what it may publish, plus the person id, the call id
    and the call's time, which ``fieldapp.exports.columns`` turns into keys and the year.
    """
    times = milestones(filters)
    referrals = encounter_referrals(filters, dialect_name)
    received = Call.received_at
    age = func.coalesce(sql.age_years(Person.dob, received), Person.approx_age)
    call = [("call_type", "plain", Call.call_type), ("priority", "plain", Call.priority)]
    durations = [
        ("queue_seconds", "seconds", sql.seconds_between(received, times.c.assigned_at)),
        ("response_seconds", "seconds", sql.seconds_between(received, times.c.on_scene_at)),
        ("travel_seconds", "seconds", sql.seconds_between(times.c.assigned_at, times.c.on_scene_at)),
        ("on_scene_seconds", "seconds", sql.seconds_between(times.c.on_scene_at, times.c.cleared_at)),
    ]
    state = [("call_status", "plain", Call.status), ("call_disposition", "plain", Call.disposition),
             ("unit", "text", Unit.call_sign)]
    encounter = [
        ("outcome", "plain", Encounter.outcome), ("hospitalization_type", "plain", Encounter.hospitalization_type),
        ("apco_code", "plain", Encounter.apco_code), ("concerns", "codes", Encounter.concerns),
        ("probable_cause", "bool", Encounter.probable_cause), ("diverted", "bool", Encounter.diverted),
        ("use_of_force", "bool", Encounter.use_of_force), ("force_type", "plain", Encounter.force_type),
        ("enforcement_action", "bool", Encounter.enforcement_action), ("transport", "plain", Encounter.transport),
        ("referral_count", "plain", func.coalesce(referrals.c.referral_count, 0)),
        ("referral_categories", "plain", referrals.c.referral_categories),
    ]
    contacts = follow_up_contact_counts(filters)
    record = record_columns(contacts)
    if variant == "deidentified":
        columns = [("person_id", "uuid", Encounter.person_id), ("call_id", "plain", Call.id),
                   ("call_received_at", "plain", received), *call, *state, *durations, *encounter,
                   ("person_unidentified", "bool", Person.unidentified),
                   ("age", "plain", case((age > OLDEST_PUBLISHED_AGE, "90+"), else_=cast(age, String))),
                   ("gender", "plain", Person.gender), ("race_ethnicity", "codes", Person.race_ethnicity),
                   ("preferred_language", "text", Person.preferred_language),
                   ("interpreter_needed", "bool", Person.interpreter_needed), *record]
    else:
        columns = [
            ("encounter_id", "uuid", Encounter.id), ("call_id", "plain", Call.id),
            ("cad_incident_id", "text", Call.external_id), *call, ("call_received_at", "time", received),
            *[(f"{name}_at", "time", times.c[f"{name}_at"]) for name in ("assigned", *FIRST_STATUSES, "cleared")],
            ("call_closed_at", "time", Call.closed_at), *state, *durations,
            ("encounter_recorded_at", "time", Encounter.recorded_at), *encounter,
            ("person_id", "uuid", Encounter.person_id), ("person_unidentified", "bool", Person.unidentified),
            ("age", "plain", age), ("gender", "plain", Person.gender),
            ("race_ethnicity", "codes", Person.race_ethnicity),
            ("preferred_language", "text", Person.preferred_language),
            ("interpreter_needed", "bool", Person.interpreter_needed), *record,
            ("backup_requested_at", "time", Encounter.backup_requested_at),
            ("backup_arrived_at", "time", Encounter.backup_arrived_at)]
    return (
        select(*shaped(columns, as_text, filters.zone))
        .select_from(Encounter).join(Call, Call.id == Encounter.call_id)
        .outerjoin(contacts, contacts.c.encounter_id == Encounter.id)
        .outerjoin(Unit, Unit.id == Call.unit_id).outerjoin(Person, Person.id == Encounter.person_id)
        .outerjoin(times, times.c.call_id == Call.id).outerjoin(referrals, referrals.c.encounter_id == Encounter.id)
        .where(*filters.call_conditions())
        .order_by(received, Call.id, Encounter.recorded_at, Encounter.id)
    )


def record_columns(contacts) -> list:
    """fields (issue 11): the program's record (exports.columns.RECORD), the same in both variants."""
    e = Encounter
    return [
        ("call_source", "plain", Call.source), ("call_eligible", "bool", Call.eligible),
        ("ineligible_reason", "plain", Call.ineligible_reason), ("final_call_type", "plain", Call.final_call_type),
        ("district", "text", Call.district), ("primary_concern", "plain", e.primary_concern),
        ("contact_mode", "plain", e.contact_mode), ("transport_destination", "plain", e.transport_destination),
        ("declined_services", "bool", e.declined_services), ("officer_engaged", "bool", e.officer_engaged),
        ("backup_requested", "bool", e.backup_requested), ("backup_reason", "plain", e.backup_reason),
        ("backup_seconds", "seconds", sql.seconds_between(e.backup_requested_at, e.backup_arrived_at)),
        ("follow_up_contacts", "plain", func.coalesce(contacts.c.n, 0)),
    ]


def outcome_log_count(filters: Filters):
    return select(func.count()).select_from(Encounter).join(Call, Call.id == Encounter.call_id) \
        .where(*filters.call_conditions())


def _history(dialect_name: str):
    """Per referral: its steps in order ('made>accepted>completed'), their number, key times."""
    if dialect_name == "postgresql":
        steps = ReferralEvent.__table__.c
        path = func.string_agg(steps.status, aggregate_order_by(">", steps.recorded_at, steps.received_at))
    else:  # SQLite's group_concat keeps the order of the rows it is given
        steps = select(ReferralEvent.__table__).order_by(
            ReferralEvent.referral_id, ReferralEvent.recorded_at, ReferralEvent.received_at).subquery().c
        path = func.group_concat(steps.status, ">")
    return (select(steps.referral_id, path.label("status_history"), func.count().label("steps"),
                   func.min(case((steps.status == "accepted", steps.recorded_at))).label("accepted_at"),
                   func.max(case((steps.status == "completed", steps.recorded_at))).label("completed_at"))
            .group_by(steps.referral_id).subquery("referral_history"))


def referral_log(filters: Filters, dialect_name: str, *, variant="identified", as_text=True):
    """One row per referral (not to a Part 2 program) made on an encounter of the filters."""
    history = _history(dialect_name)
    last_reason = (select(ReferralEvent.reason).where(ReferralEvent.referral_id == Referral.id,
                                                      ReferralEvent.reason.is_not(None))
                   .order_by(ReferralEvent.recorded_at.desc(), ReferralEvent.received_at.desc()).limit(1)
                   .correlate(Referral).scalar_subquery())
    overdue = and_(Referral.status.in_(referral_constants.OPEN), Referral.due_at < utcnow())
    service = [("call_type", "plain", Call.call_type), ("unit", "text", Unit.call_sign)]
    named = [("service_name", "text", Service.name), ("organization", "text", Organization.name),
             ("service_category", "plain", Service.category), ("consent_type", "plain", Referral.consent_type),
             ("status", "plain", Referral.status)]
    steps = [("steps", "plain", history.c.steps), ("status_history", "plain", history.c.status_history)]
    durations = [
        ("seconds_to_accept", "seconds", sql.seconds_between(Referral.recorded_at, history.c.accepted_at)),
        ("seconds_to_close", "seconds", sql.seconds_between(Referral.recorded_at, Referral.closed_at))]
    if variant == "deidentified":
        columns = [("person_id", "uuid", Referral.person_id), ("made_at", "plain", Referral.recorded_at),
                   *service, *named, ("overdue", "bool", overdue), *steps, *durations]
    else:
        columns = [
            ("referral_id", "uuid", Referral.id), ("encounter_id", "uuid", Referral.encounter_id),
            ("call_id", "plain", Call.id), ("cad_incident_id", "text", Call.external_id),
            ("person_id", "uuid", Referral.person_id), ("call_type", "plain", Call.call_type),
            ("call_received_at", "time", Call.received_at), ("unit", "text", Unit.call_sign),
            ("service_id", "uuid", Service.id), *named, ("made_at", "time", Referral.recorded_at),
            ("due_at", "time", Referral.due_at), ("closed_at", "time", Referral.closed_at),
            ("overdue", "bool", overdue), *steps, ("accepted_at", "time", history.c.accepted_at),
            ("completed_at", "time", history.c.completed_at), *durations,
            ("last_reason", "text", last_reason)]
    return (
        select(*shaped(columns, as_text, filters.zone))
        .select_from(Referral).join(Encounter, Encounter.id == Referral.encounter_id)
        .join(Call, Call.id == Encounter.call_id).join(Service, Service.id == Referral.service_id)
        .join(Organization, Organization.id == Service.organization_id)
        .outerjoin(Unit, Unit.id == Call.unit_id).outerjoin(history, history.c.referral_id == Referral.id)
        .where(*filters.call_conditions(), Service.part2_program.is_(False))
        .order_by(Referral.recorded_at, Referral.id)
    )


def referral_log_count(filters: Filters):
    return (select(func.count()).select_from(Referral).join(Encounter, Encounter.id == Referral.encounter_id)
            .join(Call, Call.id == Encounter.call_id).join(Service, Service.id == Referral.service_id)
            .where(*filters.call_conditions(), Service.part2_program.is_(False)))
