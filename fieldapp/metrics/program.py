"""The program's record (issue 11): eligibility, source, type changes, police backup, what happens on
scene in detail and follow-up contacts (docs/metrics.md, "Eligible calls served" and after).

Every figure here is a count of calls, encounters or follow-up contacts by one *key*: a call's
source, an encounter's destination, ... The records are counted by all their keys at once (one
grouped query per kind of record) and each row is then spread over its keys, so that the same rows
serve the direct computation (``counts``, per period) and the daily roll-ups (``ProgramDay``, per
day, by fieldapp.metrics.rollups), and one function folds either into the figures.
"""

from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select

from fieldapp.calls import constants as call_constants
from fieldapp.calls.models import Call
from fieldapp.eligibility.constants import NOT_SENT_REASONS
from fieldapp.encounters import constants as encounter_constants
from fieldapp.encounters.models import Encounter
from fieldapp.followup_contacts.models import FollowUpContact
from fieldapp.metrics import program_sums, sql
from fieldapp.metrics.calls import NOT_SERVED_REASONS, call_columns
from fieldapp.metrics.common import grouped_counts, share
from fieldapp.metrics.filters import Periods

NONE = "none"  # the key of a value not recorded
HOURS_48, HOURS_72 = 48 * 3600, 72 * 3600


def _text(expression):
    return func.coalesce(expression, NONE)


def _flag(condition):
    return case((condition, "yes"), else_="no")


def call_keys() -> dict:
    """The keys of a call (SQL), by kind."""
    served = exists().where(Encounter.call_id == Call.id)
    backup = exists().where(Encounter.call_id == Call.id, Encounter.backup_requested.is_(True))
    changed = and_(Call.final_call_type.is_not(None), Call.final_call_type != Call.call_type)
    return {
        "source": _text(Call.source),
        "eligibility": case((Call.eligible.is_(True), "eligible"), (Call.eligible.is_(False), "ineligible"),
                            else_=NONE),
        # An eligible call: served, or its reason not to be (calls.NOT_SERVED_REASONS); others: none.
        "eligible_outcome": case((Call.eligible.is_not(True), NONE), (served, "served"),
                                 else_=call_columns()["reason"]),
        "ineligible_reason": case((Call.eligible.is_(False), _text(Call.ineligible_reason)), else_=NONE),
        "type_change": case((changed, "changed"), (Call.final_call_type.is_not(None), "unchanged"), else_=NONE),
        "changed_to": case((changed, Call.final_call_type), else_=NONE),
        "backup": case((backup, "yes"), (served, "no"), else_=NONE),  # served calls only
        "district": _text(Call.district),
    }


def first_contact(reached_only: bool, *call_conditions):
    """Each encounter's first follow-up contact (reached ones only, or any), of the calls matching
    ``call_conditions`` only: a refresh of a few days never reads every contact."""
    encounters = select(Encounter.id).join(Call, Call.id == Encounter.call_id).where(*call_conditions)
    contact = select(FollowUpContact.encounter_id, func.min(FollowUpContact.contacted_at).label("first_at")) \
        .where(FollowUpContact.encounter_id.in_(encounters))
    if reached_only:
        contact = contact.where(FollowUpContact.reached.is_(True))
    return contact.group_by(FollowUpContact.encounter_id).subquery("reached" if reached_only else "attempted")


def _window(first_at):
    after = sql.float_seconds_between(Encounter.recorded_at, first_at)
    return case((first_at.is_(None), NONE), (after <= HOURS_48, "within_48h"), (after <= HOURS_72, "within_72h"),
                else_="later")


def encounter_keys(attempted, reached) -> dict:
    """The keys of an encounter (SQL), by kind; ``attempted``/``reached``: first_contact subqueries."""
    e = Encounter
    return {
        "destination": _text(e.transport_destination),
        "declined_services": _flag(e.declined_services.is_(True)),
        "contact_mode": _text(e.contact_mode),
        "officer_engaged": case((e.officer_engaged.is_(True), "yes"), (e.officer_engaged.is_(False), "no"),
                                else_=NONE),
        "primary_concern": _text(e.primary_concern),
        "backup_requested": _flag(e.backup_requested.is_(True)),
        "backup_reason": case((e.backup_requested.is_(True), _text(e.backup_reason)), else_=NONE),
        "follow_up": _window(attempted.c.first_at),
        "follow_up_reached": _window(reached.c.first_at),
    }


def encounters_from(attempted, reached):
    return Encounter.__table__.join(Call.__table__, Call.id == Encounter.call_id) \
        .outerjoin(attempted, attempted.c.encounter_id == Encounter.id) \
        .outerjoin(reached, reached.c.encounter_id == Encounter.id)


def contacts_from():
    return FollowUpContact.__table__.join(Encounter.__table__, Encounter.id == FollowUpContact.encounter_id) \
        .join(Call.__table__, Call.id == Encounter.call_id)


def contact_keys() -> dict:
    return {"follow_up_contact": case((FollowUpContact.reached.is_(True), "reached"), else_="not_reached")}


def spread(rows, names: list[str], lead: int) -> Counter:
    """Counts by (*the rows' first ``lead`` values, kind, key) from rows (*lead, *values of ``names``, n)."""
    counts = Counter()
    for row in rows:
        row = tuple(row)
        head, values, n = row[:lead], row[lead:-1], row[-1]
        for name, value in zip(names, values, strict=True):
            counts[(*head, name, value)] += n
    return counts


def counts(session, periods: Periods) -> Counter:
    """Counts by (period, kind, key) from the records."""
    period = periods.index(Call.received_at).label("period")
    found = Counter()
    calls = call_keys()
    rows = grouped_counts(session, select(period, *(expr.label(name) for name, expr in calls.items()))
                          .where(*periods.call_conditions()))
    found.update(spread(rows, list(calls), 1))
    conditions = periods.call_conditions()
    attempted, reached = first_contact(False, *conditions), first_contact(True, *conditions)
    encounters = encounter_keys(attempted, reached)
    rows = grouped_counts(session, select(period, *(expr.label(name) for name, expr in encounters.items()))
                          .select_from(encounters_from(attempted, reached)).where(*periods.call_conditions()))
    found.update(spread(rows, list(encounters), 1))
    contacts = contact_keys()
    rows = grouped_counts(session, select(period, *(expr.label(name) for name, expr in contacts.items()))
                          .select_from(contacts_from()).where(*periods.call_conditions()))
    found.update(spread(rows, list(contacts), 1))
    span = periods.span
    found.update({tuple(row[:-1]): row[-1] for row in program_sums.rows(
        session, [period], periods.call_conditions(), span.start, span.end)})
    return Counter({(int(index), kind, key): n for (index, kind, key), n in found.items()})


def _by(counted: Counter, kind: str) -> Counter:
    return Counter({key: n for (name, key), n in counted.items() if name == kind and key != NONE})


def _distribution(counted: Counter, kind: str, codes, total: int) -> dict:
    found = _by(counted, kind)
    return {code: {"count": found[code], "share": share(found[code], total)} for code in codes}


def program_from_counts(counted: Counter) -> dict:
    """One period's figures from its counts by (kind, key). Not-sent counts, times and the
    rest that are not counts are added by ``fieldapp.metrics.program_times``."""
    eligibility = _by(counted, "eligibility")
    calls_received = sum(n for (kind, _), n in counted.items() if kind == "eligibility")
    outcome = _by(counted, "eligible_outcome")
    encounters = sum(n for (kind, _), n in counted.items() if kind == "declined_services")
    backup = _by(counted, "backup")
    changes = _by(counted, "type_change")
    follow_up, reached = _by(counted, "follow_up"), _by(counted, "follow_up_reached")
    contacts = _by(counted, "follow_up_contact")
    destinations = _by(counted, "destination")
    community = sum(destinations[code] for code in encounter_constants.COMMUNITY_DESTINATIONS)
    hospital = sum(destinations[code] for code in encounter_constants.HOSPITAL_DESTINATIONS)
    sources = _by(counted, "source")
    return {
        "eligibility": {
            "eligible": eligibility["eligible"], "ineligible": eligibility["ineligible"],
            "not_assessed": calls_received - eligibility["eligible"] - eligibility["ineligible"],
            "eligible_served": outcome["served"],
            "eligible_not_served_by_reason": {code: outcome[code] for code in NOT_SERVED_REASONS},
            "ineligible_by_reason": {code: _by(counted, "ineligible_reason")[code]
                                     for code in call_constants.INELIGIBLE_REASONS},
        },
        "sources": {code: sources[code] for code in call_constants.SOURCES} | {
            "not_recorded": calls_received - sum(sources.values())},
        "type_changes": {"recorded": changes["changed"] + changes["unchanged"], "changed": changes["changed"],
                         "share": share(changes["changed"], changes["changed"] + changes["unchanged"]),
                         "changed_to": dict(sorted(_by(counted, "changed_to").items()))},
        "backup": {"calls_served": backup["yes"] + backup["no"], "calls_with_backup": backup["yes"],
                   "rate": share(backup["yes"], backup["yes"] + backup["no"]),
                   "encounters_with_backup": _by(counted, "backup_requested")["yes"],
                   "by_reason": {code: _by(counted, "backup_reason")[code]
                                 for code in encounter_constants.BACKUP_REASONS}},
        "transport_destinations": {
            **_distribution(counted, "destination", encounter_constants.DESTINATIONS, encounters),
            "community": {"count": community, "share": share(community, encounters)},
            "hospital": {"count": hospital, "share": share(hospital, encounters)}},
        "declined_services": {"count": _by(counted, "declined_services")["yes"],
                              "share": share(_by(counted, "declined_services")["yes"], encounters)},
        "contact_modes": _distribution(counted, "contact_mode", encounter_constants.CONTACT_MODES, encounters),
        "officer_engaged": {"yes": _by(counted, "officer_engaged")["yes"], "no": _by(counted, "officer_engaged")["no"]},
        "primary_concerns": {code: _by(counted, "primary_concern")[code] for code in encounter_constants.CONCERNS},
        "districts": dict(sorted(_by(counted, "district").items())),
        "follow_up_contacts": {
            "total": contacts["reached"] + contacts["not_reached"], "reached": contacts["reached"],
            "encounters": encounters,
            "within_48h": {"attempted": follow_up["within_48h"], "reached": reached["within_48h"],
                           "share_attempted": share(follow_up["within_48h"], encounters),
                           "share_reached": share(reached["within_48h"], encounters)},
            "within_72h": {"attempted": follow_up["within_48h"] + follow_up["within_72h"],
                           "reached": reached["within_48h"] + reached["within_72h"],
                           "share_attempted": share(follow_up["within_48h"] + follow_up["within_72h"], encounters),
                           "share_reached": share(reached["within_48h"] + reached["within_72h"], encounters)},
            "per_encounter": round((contacts["reached"] + contacts["not_reached"]) / encounters, 4)
            if encounters else None,
        },
    }


def for_period(counted: Counter, index: int) -> Counter:
    return Counter({(kind, key): n for (period, kind, key), n in counted.items() if period == index})



def figures(counted: Counter, extra: dict) -> dict:
    """A period's program figures: the counts folded, with program_times' figures, the not-sent counts
    in the denominator of the share of eligible calls served (docs/metrics.md)."""
    result = program_from_counts(counted)
    not_sent = extra.pop("not_sent")
    eligibility = result["eligibility"]
    denominator = eligibility["eligible"] + not_sent["total"]
    eligibility.update({"not_sent": not_sent, "eligible_with_not_sent": denominator,
                        "served_share": share(eligibility["eligible_served"], denominator)})
    result.update(extra)
    return result


def labels() -> dict:
    """Code -> label tables the dashboard's program sections show (templates/metrics/_program.html)."""
    return {"sources": {**call_constants.SOURCES, "not_recorded": _l("Not recorded")},
            "ineligible": call_constants.INELIGIBLE_REASONS, "not_served": NOT_SERVED_REASONS,
            "not_sent": {**NOT_SENT_REASONS, "not_recorded": _l("Reason not recorded")},
            "destinations": encounter_constants.DESTINATIONS, "modes": encounter_constants.CONTACT_MODES,
            "backup": encounter_constants.BACKUP_REASONS, "concerns": encounter_constants.CONCERNS,
            "call_types": call_constants.CALL_TYPES, "priorities": call_constants.PRIORITIES}
