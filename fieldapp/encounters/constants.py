"""Outcome vocabularies and the APCO disposition code each outcome maps to."""

from datetime import timedelta

FOLLOW_UP_AFTER = timedelta(hours=72)
"""The usual post-crisis check-in: when a clinician's follow-up is due unless they choose a time
(the encounter form's "Follow up" box, the suggested due time of a note's follow-up task)."""
FOLLOW_UP_HOURS = FOLLOW_UP_AFTER // timedelta(hours=1)  # the same, as the pages say it ("72 hours")

OUTCOMES = {
    "resolved": "Resolved on scene",
    "referred": "Referred to a service",
    "hospitalized": "Hospitalized",
    "arrested": "Arrested",
}
HOSPITALIZATION_TYPES = {"voluntary": "Voluntary", "involuntary": "Involuntary hold", "medical": "Medical"}
CONCERNS = {
    "mental_health": "Mental health",
    "substance_use": "Substance use",
    "suicidal_ideation": "Suicidal ideation",
    "homelessness": "Homelessness",
    "domestic": "Domestic",
    "welfare_check": "Welfare check",
    "youth": "Youth",
    "medical": "Medical",
    # fields (issue 11): categories published programs report separately (Iowa City, B-HEARD).
    "family_conflict": "Family conflict",
    "grief_loss": "Grief or loss",
    "medication": "Medication",
    "housing_instability": "Housing instability (not homeless)",
}
FORCE_TYPES = {
    "physical_control": "Physical control / hands on",
    "restraints": "Restraints",
    "oc_spray": "OC spray",
    "cew": "Conducted energy weapon",
    "firearm_pointed": "Firearm pointed",
    "other": "Other",
}
TRANSPORTS = {"none": "None", "unit": "By the unit", "ems": "By EMS", "law_enforcement": "By law enforcement"}

# fields (issue 11): how the person was reached, where they were taken, police backup.
CONTACT_MODES = {
    "in_person_with_officer": "In person, with the officer",
    "in_person_clinician_only": "In person, clinician only",
    "phone": "By phone",
    "telehealth": "Telehealth (video)",
}
DESTINATIONS = {
    "crisis_stabilization": "Crisis stabilization unit",
    "sobering_center": "Sobering centre",
    "shelter": "Shelter",
    "emergency_department": "Emergency department",
    "psychiatric_facility": "Psychiatric facility",
    "jail": "Jail",
    "home": "Home",
    "other": "Other",
}
# Community destinations as B-HEARD reports them (community location vs hospital).
COMMUNITY_DESTINATIONS = ("crisis_stabilization", "sobering_center", "shelter", "home")
HOSPITAL_DESTINATIONS = ("emergency_department", "psychiatric_facility")
BACKUP_REASONS = {
    "violence_or_threat": "Violence or threat",
    "weapon": "Weapon",
    "medical": "Medical emergency",
    "crime": "Crime committed",
    "scene_safety": "Scene or crowd safety",
    "transport": "Transport or custody",
    "other": "Other",
}

# billing (issue 21): CMS place-of-service codes (the Place of Service Code Set, cms.gov) where a mobile
# crisis team meets people. docs/billing.md.
PLACES_OF_SERVICE = {
    "12": "Home", "15": "Mobile unit", "27": "Outreach site / street", "04": "Homeless shelter",
    "03": "School", "11": "Office", "23": "Emergency room (hospital)", "99": "Other place",
}
# ICD-10-CM: a letter, two characters (a digit, then a digit or letter), then up to four more after a
# dot (CDC/NCHS ICD-10-CM Official Guidelines, section I.A.3). A format check, not a code-set lookup.
ICD10CM = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"
MEDICAID_ID = r"^[A-Z0-9]{4,20}$"  # states' formats differ; a billing profile may be stricter

# APCO ANS 1.111.2 disposition codes.
APCO_CODES = {
    "03": "Arrest", "15": "Referred to partner agency", "16": "Transport/escort given",
    "18": "Settled by contact", "33": "Patient transported by law enforcement",
    "41": "Evaluated no transport", "45": "Patient transported by EMS",
}


def apco_code(outcome: str, transport: str) -> str:
    """The APCO disposition code that matches an encounter's outcome and transport."""
    if outcome == "arrested":
        return "03"
    if outcome == "hospitalized":
        return {"ems": "45", "law_enforcement": "33"}.get(transport, "16")
    if outcome == "referred":
        return "15"
    return "18"

# The concerns a call type usually means: the encounter form starts with them ticked.
CONCERNS_BY_CALL_TYPE = {
    "EDP": ("mental_health",), "MNTL": ("mental_health",), "MTLV": ("mental_health",),
    "SUICIDE": ("suicidal_ideation", "mental_health"), "SUICTHRT": ("suicidal_ideation", "mental_health"),
    "OD": ("substance_use", "medical"), "INTOX": ("substance_use",), "WELFARE": ("welfare_check",),
    "DVA": ("domestic",), "DVNA": ("domestic",), "HOMELESS": ("homelessness",), "JUVENILE": ("youth",),
}

# Approximate ages offered as one-tap buttons when the person's name is not known: (label, age stored).
AGE_BANDS = {"15": "Under 18", "21": "18–25", "33": "26–40", "50": "41–60", "70": "Over 60"}
