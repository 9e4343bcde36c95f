"""Vocabularies for calls. Codes are stored; labels are shown."""

# APCO ANS 2.103 common incident types; the crisis-relevant ones first.
CALL_TYPES = {
    "EDP": "Emotionally disturbed person",
    "MNTL": "Mental health crisis",
    "MTLV": "Mental health crisis, violent",
    "SUICIDE": "Suicide attempt",
    "SUICTHRT": "Suicide threat",
    "OD": "Overdose",
    "WELFARE": "Welfare check",
    "DVA": "Domestic, with assault",
    "DVNA": "Domestic, no assault",
    "INTOX": "Intoxicated person",
    "DISTURB": "Disturbance",
    "TRESPASS": "Trespass",
    "HOMELESS": "Unhoused person concern",
    "JUVENILE": "Juvenile problem",
    "OTHER": "Other",
}

PRIORITIES = {1: "1 - Emergency", 2: "2 - Urgent", 3: "3 - Prompt", 4: "4 - Routine"}

CAUTIONS = {
    "weapons": "Weapons reported",
    "firearm": "Firearm in home",
    "violence_history": "History of violence",
    "dog": "Dog on premises",
    "hazard": "Scene hazard",
    "medical": "Medical concern",
    "other": "Other caution",
}

# Call statuses (CAD lifecycle). ACTIVE ones keep a unit busy.
PENDING, ASSIGNED, ACKNOWLEDGED, EN_ROUTE, ON_SCENE, TRANSPORTING, CLEARED, CANCELLED = (
    "pending", "assigned", "acknowledged", "en_route", "on_scene", "transporting", "cleared", "cancelled")
STATUS_LABELS = {
    PENDING: "Pending", ASSIGNED: "Assigned", ACKNOWLEDGED: "Acknowledged", EN_ROUTE: "En route",
    ON_SCENE: "On scene", TRANSPORTING: "Transporting", CLEARED: "Cleared", CANCELLED: "Cancelled",
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
    "encounter_logged": "Encounter logged",
    "unable_to_locate": "Unable to locate",
    "cancelled": "Cancelled en route / on scene",
    "refused": "Refused contact",
    "not_eligible": "Not eligible for co-response",
    "other_agency": "Handed to other agency",
}

# fields (issue 11): where a call came from, and whether it was eligible for the team.
# The sources the HKS Government Performance Lab's data dictionary and published programs report.
SOURCES = {
    "911": "911",
    "988": "988 crisis line",
    "officer_request": "Officer request",
    "on_view": "On view (the unit came upon it)",
    "follow_up": "Follow-up",
    "walk_in": "Walk-in",
}
INELIGIBLE_REASONS = {
    "weapon_or_violence": "Weapon or violence reported",
    "medical_emergency": "Medical emergency first",
    "crime_in_progress": "Crime in progress",
    "outside_area_or_hours": "Outside the service area or hours",
    "no_behavioral_health_need": "No behavioral-health need",
    "other": "Other",
}


# What every page's templates may name (``fieldapp.wiring`` adds them to Jinja's globals).
TEMPLATE_GLOBALS = {"CALL_TYPES": CALL_TYPES, "CAUTIONS": CAUTIONS, "STATUS_LABELS": STATUS_LABELS,
                    "DISPOSITIONS": DISPOSITIONS, "PRIORITIES": PRIORITIES}
