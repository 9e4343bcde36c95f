"""The billing export: each encounter of the period assessed under a state's profile, as a CSV of
billable lines and a CSV of the refused encounters with their reasons. Both go out through the
exports' machinery (``fieldapp.exports``: ``Export``, ``csv_bytes``) and are audited before their first
byte, like every export (docs/billing.md)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fieldapp import clock
from fieldapp.audit import services as audit
from fieldapp.billing import profiles
from fieldapp.billing.rules import REASONS, Assessment, Facts, assess
from fieldapp.calls.models import Call
from fieldapp.encounters.models import Encounter
from fieldapp.exports.services import FORMATS, Export
from fieldapp.exports.streaming import csv_bytes
from fieldapp.extensions import db
from fieldapp.metrics.filters import Filters
from fieldapp.units.crews import team_on_scene

WHICH = ("billable", "refused")
BILLABLE_HEADER = ("encounter_id", "call_id", "date_of_service", "place_of_service", "medicaid_id", "diagnosis_code",
                   "procedure_code", "modifiers", "units", "minutes_on_scene", "rendering_npi", "rendering_credential",
                   "rendering_name", "responders", "rule")
REFUSED_HEADER = ("encounter_id", "call_id", "date_of_service", "minutes_on_scene", "reasons", "explanation")


@dataclass
class Assessed:
    encounter: Encounter
    facts: Facts
    result: Assessment

    @property
    def day(self) -> str:
        moment = self.encounter.call.first_on_scene_at or self.encounter.call.received_at
        return clock.to_local(moment).date().isoformat()


def minutes_on_scene(call: Call) -> int | None:
    """Whole minutes from the timeline's first 'on scene' to 'cleared' (None: not both, or backwards)."""
    if call.first_on_scene_at is None or call.cleared_at is None or call.cleared_at < call.first_on_scene_at:
        return None
    return int((call.cleared_at - call.first_on_scene_at).total_seconds() // 60)


def encounters_in(filters: Filters) -> list[Encounter]:
    """The encounters on calls received in the period (the exports' and the dashboard's filter)."""
    query = (select(Encounter).join(Encounter.call).options(joinedload(Encounter.call))
             .where(Call.received_at >= filters.start, Call.received_at < filters.end)
             .order_by(Call.received_at, Encounter.recorded_at))
    if filters.unit_id:
        query = query.where(Call.unit_id == filters.unit_id)
    if filters.call_type:
        query = query.where(Call.call_type == filters.call_type)
    return db.session.scalars(query).unique().all()


def assess_period(profile: dict, filters: Filters) -> list[Assessed]:
    teams = {}
    found = []
    for encounter in encounters_in(filters):
        call = encounter.call
        key = (call.unit_id, call.first_on_scene_at)
        if key not in teams:
            teams[key] = team_on_scene(db.session, *key)
        facts = Facts(minutes=minutes_on_scene(call), team=teams[key], medicaid_id=encounter.medicaid_id,
                      diagnosis_code=encounter.diagnosis_code, contact_mode=encounter.contact_mode)
        found.append(Assessed(encounter, facts, assess(profile, facts)))
    return found


def responders_text(facts: Facts) -> str:
    return "; ".join(f"{user.full_name} ({', '.join(filter(None, [user.credential, kind]))})"
                     for user, kind in facts.team.responders)


def billable_row(profile: dict, item: Assessed) -> tuple:
    line, encounter = item.result.line, item.encounter
    rendering = line.rendering
    return (str(encounter.id), encounter.call_id, item.day,
            encounter.place_of_service or profile.get("place_of_service_default", ""), encounter.medicaid_id,
            encounter.diagnosis_code or "", line.code, " ".join(line.modifiers), line.units, item.facts.minutes,
            rendering.npi, rendering.credential or "", rendering.full_name, responders_text(item.facts), line.rule)


def refused_row(item: Assessed) -> tuple:
    reasons = item.result.reasons
    return (str(item.encounter.id), item.encounter.call_id, item.day,
            "" if item.facts.minutes is None else item.facts.minutes, ";".join(reasons),
            " ".join(str(REASONS[reason]) for reason in reasons))  # lazy labels, as text in the request's locale


def report(profile_name: str, filters: Filters) -> dict:
    """The period under the profile: its billable items and refused ones (for the page and the export)."""
    profile = profiles.load(profile_name)
    items = assess_period(profile, filters)
    return {"profile": profile, "billable": [item for item in items if item.result.line],
            "refused": [item for item in items if not item.result.line]}


def billing_export(profile_name: str, which: str, filters: Filters, *, by=None, via="web") -> Export:
    """The billable lines or the refused encounters as CSV, audited now with the encounters' ids."""
    if which not in WHICH:
        raise ValueError(f"unknown billing list {which}")
    found = report(profile_name, filters)
    items, profile = found[which], found["profile"]
    rows = [billable_row(profile, item) if which == "billable" else refused_row(item) for item in items]
    audit.record(f"export.billing_{which}", user=by, details={
        "filters": filters.as_dict(), "profile": profile_name, "rows": len(rows), "via": via,
        "encounters": [str(item.encounter.id) for item in items]})
    db.session.commit()
    header = BILLABLE_HEADER if which == "billable" else REFUSED_HEADER
    filename = (f"fieldapp-billing-{profile['state']}-{which}-{filters.start_date.isoformat()}-to-"
                f"{filters.last_day.isoformat()}.csv")
    return Export(filename, FORMATS["csv"], len(rows), csv_bytes(header, [rows]))
