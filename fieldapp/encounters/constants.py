"""Outcome vocabularies and the APCO disposition code each outcome maps to."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

FOLLOW_UP_AFTER = timedelta(hours=72)
"""The usual post-crisis check-in: when a clinician's follow-up is due unless they choose a time
(the encounter form's "Follow up" box, the suggested due time of a note's follow-up task)."""
FOLLOW_UP_HOURS = FOLLOW_UP_AFTER // timedelta(hours=1)  # the same, as the pages say it ("72 hours")

OUTCOMES = {
    "resolved": _l("Resolved on scene"),
    "referred": _l("Referred to a service"),
    "hospitalized": _l("Hospitalized"),
    "arrested": _l("Arrested"),
}
HOSPITALIZATION_TYPES = {"voluntary": _l("Voluntary"), "involuntary": _l("Involuntary hold"), "medical": _l("Medical")}
CONCERNS = {
    "mental_health": _l("Mental health"),
    "substance_use": _l("Substance use"),
    "suicidal_ideation": _l("Suicidal ideation"),
    "homelessness": _l("Homelessness"),
    "domestic": _l("Domestic"),
    "welfare_check": _l("Welfare check"),
    "youth": _l("Youth"),
    "medical": _l("Medical"),
    # fields (issue 11): categories published programs report separately (Iowa City, B-HEARD).
    "family_conflict": _l("Family conflict"),
    "grief_loss": _l("Grief or loss"),
    "medication": _l("Medication"),
    "housing_instability": _l("Housing instability (not homeless)"),
}
FORCE_TYPES = {
    "physical_control": _l("Physical control / hands on"),
    "restraints": _l("Restraints"),
    "oc_spray": _l("OC spray"),
    "cew": _l("Conducted energy weapon"),
    "firearm_pointed": _l("Firearm pointed"),
    "other": _l("Other"),
}
TRANSPORTS = {"none": _l("None"), "unit": _l("By the unit"), "ems": _l("By EMS"),
              "law_enforcement": _l("By law enforcement")}

# fields (issue 11): how the person was reached, where they were taken, police backup.
CONTACT_MODES = {
    "in_person_with_officer": _l("In person, with the officer"),
    "in_person_clinician_only": _l("In person, clinician only"),
    "phone": _l("By phone"),
    "telehealth": _l("Telehealth (video)"),
}
DESTINATIONS = {
    "crisis_stabilization": _l("Crisis stabilization unit"),
    "sobering_center": _l("Sobering centre"),
    "shelter": _l("Shelter"),
    "emergency_department": _l("Emergency department"),
    "psychiatric_facility": _l("Psychiatric facility"),
    "jail": _l("Jail"),
    "home": _l("Home"),
    "other": _l("Other"),
}
# Community destinations as B-HEARD reports them (community location vs hospital).
COMMUNITY_DESTINATIONS = ("crisis_stabilization", "sobering_center", "shelter", "home")
HOSPITAL_DESTINATIONS = ("emergency_department", "psychiatric_facility")
BACKUP_REASONS = {
    "violence_or_threat": _l("Violence or threat"),
    "weapon": _l("Weapon"),
    "medical": _l("Medical emergency"),
    "crime": _l("Crime committed"),
    "scene_safety": _l("Scene or crowd safety"),
    "transport": _l("Transport or custody"),
    "other": _l("Other"),
}

# billing (issue 21): CMS place-of-service codes (the Place of Service Code Set, cms.gov) where a mobile
# crisis team meets people. docs/billing.md.
PLACES_OF_SERVICE = {
    "12": _l("Home"), "15": _l("Mobile unit"), "27": _l("Outreach site / street"), "04": _l("Homeless shelter"),
    "03": _l("School"), "11": _l("Office"), "23": _l("Emergency room (hospital)"), "99": _l("Other place"),
}
# ICD-10-CM: a letter, two characters (a digit, then a digit or letter), then up to four more after a
# dot (CDC/NCHS ICD-10-CM Official Guidelines, section I.A.3). A format check, not a code-set lookup.
ICD10CM = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"
MEDICAID_ID = r"^[A-Z0-9]{4,20}$"  # states' formats differ; a billing profile may be stricter

# APCO ANS 1.111.2 disposition codes.
APCO_CODES = {
    "03": _l("Arrest"), "15": _l("Referred to partner agency"), "16": _l("Transport/escort given"),
    "18": _l("Settled by contact"), "33": _l("Patient transported by law enforcement"),
    "41": _l("Evaluated no transport"), "45": _l("Patient transported by EMS"),
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
AGE_BANDS = {"15": _l("Under 18"), "21": "18–25", "33": "26–40", "50": "41–60", "70": _l("Over 60")}
