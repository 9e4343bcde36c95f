"""What one encounter bills under a profile: a line (code, modifiers, units) or the reasons it cannot.

Pure functions of plain facts (``Facts``), so each rule is tested without a database. The reasons
are the ones a program's biller needs to fix a record or drop it (docs/billing.md)."""

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from fieldapp.accounts.licensure import npi_valid
from fieldapp.units.crews import Team

REASONS = {
    "not_on_scene": _l("The call's timeline has no on-scene and cleared times."),
    "no_crew": _l("No shift was open on the unit when it reached the scene: the responders are unknown."),
    "law_enforcement_only": _l("Only law enforcement was on scene: section 1947 does not pay for it."),
    "no_bh_professional": _l("No licensed behavioral-health professional was on scene."),
    "npi_invalid": _l("The licensed professional's NPI is missing or fails its check digit (Luhn with 80840)."),
    "no_medicaid_id": _l("The person's Medicaid id was not recorded."),
    "medicaid_id_format": _l("The Medicaid id does not have this state's format."),
    "no_diagnosis": _l("This profile needs a diagnosis code and none was recorded."),
    "below_minimum": _l("The time on scene is below the profile's minimum."),
    "no_rule": _l("No rule of the profile fits this team and time on scene."),
}


@dataclass
class Facts:
    """What billing needs of one encounter."""

    minutes: int | None  # on scene to cleared, whole minutes; None: not both in the timeline
    team: Team
    medicaid_id: str | None = None
    diagnosis_code: str | None = None
    contact_mode: str | None = None


@dataclass
class Line:
    code: str
    modifiers: list
    units: int
    rule: str
    rendering: object = None  # the licensed professional (a User)


@dataclass
class Assessment:
    line: Line | None = None
    reasons: list = field(default_factory=list)  # codes of REASONS


def units(minutes: int, spec: dict | None) -> int:
    """Units of ``per_minutes``: one per full period, one more for a remainder of half a period or
    more (CMS's rule for timed units: 8 minutes make a 15-minute unit), at most ``max``; none: 1."""
    if not spec:
        return 1
    period = spec["per_minutes"]
    count = minutes // period + (1 if (minutes % period) * 2 >= period else 0)
    return min(count, spec.get("max", count)) if count else 0


def _team_fits(team: Team, want: dict) -> bool:
    bh_staff = team.licensed + team.peers
    return (team.licensed >= want.get("licensed_min", 0) and team.peers >= want.get("peer_min", 0)
            and bh_staff >= want.get("bh_staff_min", 0)
            and team.licensed <= want.get("licensed_max", team.licensed)
            and team.peers <= want.get("peer_max", team.peers))


def _minutes_fit(minutes: int, want: dict) -> bool:
    return minutes > want.get("over", -1) and minutes <= want.get("up_to", minutes)


def matching_rule(profile: dict, facts: Facts) -> dict | None:
    """The first rule of the profile that fits the team, the minutes and the contact mode."""
    for rule in profile["rules"]:
        if (_team_fits(facts.team, rule.get("team", {})) and _minutes_fit(facts.minutes, rule.get("minutes", {}))
                and facts.contact_mode in rule.get("contact_modes", [facts.contact_mode])):
            return rule
    return None


def assess(profile: dict, facts: Facts) -> Assessment:
    """Every reason the encounter cannot be billed, or its line."""
    reasons = []
    if facts.minutes is None:  # nobody reached the scene: no responders to name either
        reasons.append("not_on_scene")
    elif not facts.team.responders:
        reasons.append("no_crew")
    elif facts.team.law_enforcement_only:
        reasons.append("law_enforcement_only")
    elif not facts.team.licensed:
        reasons.append("no_bh_professional")
    rendering = facts.team.rendering()
    if rendering is not None and not npi_valid(rendering.npi):
        reasons.append("npi_invalid")
    if not facts.medicaid_id:
        reasons.append("no_medicaid_id")
    elif profile.get("medicaid_id_pattern") and not re.match(profile["medicaid_id_pattern"], facts.medicaid_id):
        reasons.append("medicaid_id_format")
    if profile.get("require_diagnosis") and not facts.diagnosis_code:
        reasons.append("no_diagnosis")
    if facts.minutes is not None and facts.minutes < profile.get("minimum_minutes", 0):
        reasons.append("below_minimum")
    if reasons:
        return Assessment(reasons=reasons)
    rule = matching_rule(profile, facts)
    count = units(facts.minutes, rule.get("units")) if rule else 0
    if rule is None or count < 1:
        return Assessment(reasons=["no_rule" if rule is None else "below_minimum"])
    return Assessment(line=Line(rule["code"], list(rule.get("modifiers", [])), count, rule["name"], rendering))
