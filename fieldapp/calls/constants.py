"""Vocabularies for calls. Codes are stored; labels are shown."""

# APCO ANS 2.103 common incident types; the crisis-relevant ones first.

from flask_babel import lazy_gettext as _l

CALL_TYPES = {
    "EDP": _l("Emotionally disturbed person"),
    "MNTL": _l("Mental health crisis"),
    "MTLV": _l("Mental health crisis, violent"),
    "SUICIDE": _l("Suicide attempt"),
    "SUICTHRT": _l("Suicide threat"),
    "OD": _l("Overdose"),
    "WELFARE": _l("Welfare check"),
    "DVA": _l("Domestic, with assault"),
    "DVNA": _l("Domestic, no assault"),
    "INTOX": _l("Intoxicated person"),
    "DISTURB": _l("Disturbance"),
    "TRESPASS": _l("Trespass"),
    "HOMELESS": _l("Unhoused person concern"),
    "JUVENILE": _l("Juvenile problem"),
    "OTHER": _l("Other"),
}

PRIORITIES = {1: _l("1 - Emergency"), 2: _l("2 - Urgent"), 3: _l("3 - Prompt"), 4: _l("4 - Routine")}

CAUTIONS = {
    "weapons": _l("Weapons reported"),
    "firearm": _l("Firearm in home"),
    "violence_history": _l("History of violence"),
    "dog": _l("Dog on premises"),
    "hazard": _l("Scene hazard"),
    "medical": _l("Medical concern"),
    "other": _l("Other caution"),
}

# Call statuses (CAD lifecycle). ACTIVE ones keep a unit busy.
PENDING, ASSIGNED, ACKNOWLEDGED, EN_ROUTE, ON_SCENE, TRANSPORTING, CLEARED, CANCELLED = (
    "pending", "assigned", "acknowledged", "en_route", "on_scene", "transporting", "cleared", "cancelled")
STATUS_LABELS = {
    PENDING: _l("Pending"), ASSIGNED: _l("Assigned"), ACKNOWLEDGED: _l("Acknowledged"), EN_ROUTE: _l("En route"),
    ON_SCENE: _l("On scene"), TRANSPORTING: _l("Transporting"), CLEARED: _l("Cleared"), CANCELLED: _l("Cancelled"),
}
STATUSES = tuple(STATUS_LABELS)
ACTIVE = (ASSIGNED, ACKNOWLEDGED, EN_ROUTE, ON_SCENE, TRANSPORTING)
OPEN = (PENDING, *ACTIVE)
CLOSED = (CLEARED, CANCELLED)

# What a unit may do next, from each status (one tap each). Dispatch-side moves
# (assign, reassign, cancel) are separate operations.
UNIT_TRANSITIONS = {
    ASSIGNED: (ACKNOWLEDGED, EN_ROUTE),
    ACKNOWLEDGED: (EN_ROUTE,),
    EN_ROUTE: (ON_SCENE, CLEARED),
    ON_SCENE: (TRANSPORTING, CLEARED),
    TRANSPORTING: (CLEARED,),
}
UNIT_STATUSES = (ACKNOWLEDGED, EN_ROUTE, ON_SCENE, TRANSPORTING, CLEARED)
REASSIGNABLE = (ASSIGNED, ACKNOWLEDGED, EN_ROUTE)

DISPOSITIONS = {
    "encounter_logged": _l("Encounter logged"),
    "unable_to_locate": _l("Unable to locate"),
    "cancelled": _l("Cancelled en route / on scene"),
    "refused": _l("Refused contact"),
    "not_eligible": _l("Not eligible for co-response"),
    "other_agency": _l("Handed to other agency"),
}

# fields (issue 11): where a call came from, and whether it was eligible for the team.
# The sources the HKS Government Performance Lab's data dictionary and published programs report.
SOURCES = {
    "911": "911",
    "988": _l("988 crisis line"),
    "officer_request": _l("Officer request"),
    "on_view": _l("On view (the unit came upon it)"),
    "follow_up": _l("Follow-up"),
    "walk_in": _l("Walk-in"),
}
INELIGIBLE_REASONS = {
    "weapon_or_violence": _l("Weapon or violence reported"),
    "medical_emergency": _l("Medical emergency first"),
    "crime_in_progress": _l("Crime in progress"),
    "outside_area_or_hours": _l("Outside the service area or hours"),
    "no_behavioral_health_need": _l("No behavioral-health need"),
    "other": _l("Other"),
}


# What every page's templates may name (``fieldapp.wiring`` adds them to Jinja's globals).
TEMPLATE_GLOBALS = {"CALL_TYPES": CALL_TYPES, "CAUTIONS": CAUTIONS, "STATUS_LABELS": STATUS_LABELS,
                    "DISPOSITIONS": DISPOSITIONS, "PRIORITIES": PRIORITIES}
