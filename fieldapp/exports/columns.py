"""The columns of each export, in order, with their meaning (docs/exports.md is the long form).

The statements of ``fieldapp.exports.queries`` select these columns in this order (a test checks
it). Identified rows keep the record ids and exact times; de-identified rows (HIPAA Safe Harbor,
45 CFR 164.514(b)(2)) keep only pseudonymous keys, the year and intervals in seconds.
"""

from fieldapp import clock, languages
from fieldapp.exports.deidentify import Pseudonymizer

# fields (issue 11): the program's record, in both variants (none of it identifies a person: the district is
# above the person level, the backup delay an interval; the backup's clock times are in the identified log only).
RECORD = [
    ("call_source", "Where the call came from: 911, 988, officer_request, on_view, follow_up, walk_in."),
    ("call_eligible", "Eligible for the co-responder team (true/false; empty: not assessed)."),
    ("ineligible_reason", "Why the call was not eligible (calls.constants.INELIGIBLE_REASONS)."),
    ("final_call_type", "The call type found on scene or at clearing (call_type is the initial one)."),
    ("district", "District or beat of the call (the DISTRICTS setting)."),
    ("primary_concern", "The primary presenting concern (one of concerns)."),
    ("contact_mode", "in_person_with_officer | in_person_clinician_only | phone | telehealth."),
    ("transport_destination", "Where the person was taken (encounters.constants.DESTINATIONS)."),
    ("declined_services", "Contacted, declined services (true/false)."),
    ("officer_engaged", "The officer engaged with the person (true/false; empty: not recorded)."),
    ("backup_requested", "Police backup was requested (true/false)."),
    ("backup_reason", "Why backup was requested (encounters.constants.BACKUP_REASONS)."),
    ("backup_seconds", "Backup requested to arrived, whole seconds."),
    ("follow_up_contacts", "Follow-up contacts recorded on this encounter (attempts included)."),
]

OUTCOMES = {
    "identified": [
        ("encounter_id", "Encounter id (UUID made by the device)."),
        ("call_id", "Call id in fieldapp."),
        ("cad_incident_id", "The CAD system's incident id (calls.external_id), if the call came from CAD."),
        ("call_type", "APCO 2.103 incident type code (EDP, MNTL, ...)."),
        ("priority", "Call priority, 1 (emergency) to 4 (routine)."),
        ("call_received_at", "When the call was received (server time): ISO 8601 in the agency's zone with the "
                             "offset, to the second (2026-03-01T14:05:00-05:00)."),
        ("assigned_at", "First dispatch of a unit (agency time, with the offset)."),
        ("acknowledged_at", "First 'acknowledged' status (device time)."),
        ("en_route_at", "First 'en route' status (device time)."),
        ("on_scene_at", "First 'on scene' status (device time)."),
        ("transporting_at", "First 'transporting' status (device time)."),
        ("cleared_at", "'Cleared' status (device time)."),
        ("call_closed_at", "When the server closed the call (cleared or cancelled)."),
        ("call_status", "The call's status now."),
        ("call_disposition", "How the call was cleared (calls.constants.DISPOSITIONS)."),
        ("unit", "Call sign of the unit the call was (last) assigned to."),
        ("queue_seconds", "Received to first dispatch, whole seconds."),
        ("response_seconds", "Received to first on scene, whole seconds (negative: a device clock error)."),
        ("travel_seconds", "First dispatch to first on scene, whole seconds."),
        ("on_scene_seconds", "First on scene to cleared, whole seconds."),
        ("encounter_recorded_at", "When the encounter was recorded (device time)."),
        ("outcome", "resolved | referred | hospitalized | arrested."),
        ("hospitalization_type", "voluntary | involuntary | medical, when hospitalized."),
        ("apco_code", "APCO ANS 1.111.2 disposition code derived from the outcome and transport."),
        ("concerns", "Presenting concerns, ';'-separated."),
        ("probable_cause", "Probable cause for arrest was present (true/false)."),
        ("diverted", "Not arrested although probable cause was present (true/false)."),
        ("use_of_force", "Force was used (true/false)."),
        ("force_type", "Kind of force, when used."),
        ("enforcement_action", "The officer took enforcement action (true/false)."),
        ("transport", "none | unit | ems | law_enforcement."),
        ("referral_count", "Referrals made on this encounter (not counting 42 CFR Part 2 programs)."),
        ("referral_categories", "Service categories of those referrals, ';'-separated."),
        ("person_id", "Person id in fieldapp (UUID)."),
        ("person_unidentified", "The person was not identified (true/false)."),
        ("age", "Age in years on the day of the call (from the date of birth, else the estimated age)."),
        ("gender", "Self-reported gender (people.constants.GENDERS)."),
        ("race_ethnicity", "Self-reported race/ethnicity, OMB SPD 15 categories, ';'-separated."),
        ("preferred_language", "Preferred language, a BCP 47 tag (es, es-MX); free text recorded before BCP 47."),
        ("interpreter_needed", "The person needs an interpreter (true/false; empty: not known)."),
        *RECORD,
        ("backup_requested_at", "When police backup was requested (UTC)."),
        ("backup_arrived_at", "When police backup arrived (UTC)."),
    ],
    "deidentified": [
        ("person_key", "Pseudonymous person key: HMAC-SHA256 of the person id (stable across exports)."),
        ("call_key", "Pseudonymous call key: groups the encounters of one call."),
        ("year", "Year the call was received (agency time)."),
        ("call_type", "APCO 2.103 incident type code."),
        ("priority", "Call priority, 1 to 4."),
        ("call_status", "The call's status now."),
        ("call_disposition", "How the call was cleared."),
        ("unit", "Call sign of the unit."),
        ("queue_seconds", "Received to first dispatch, whole seconds."),
        ("response_seconds", "Received to first on scene, whole seconds."),
        ("travel_seconds", "First dispatch to first on scene, whole seconds."),
        ("on_scene_seconds", "First on scene to cleared, whole seconds."),
        ("outcome", "resolved | referred | hospitalized | arrested."),
        ("hospitalization_type", "voluntary | involuntary | medical."),
        ("apco_code", "APCO ANS 1.111.2 disposition code."),
        ("concerns", "Presenting concerns, ';'-separated."),
        ("probable_cause", "Probable cause for arrest was present."),
        ("diverted", "Diverted despite probable cause."),
        ("use_of_force", "Force was used."),
        ("force_type", "Kind of force."),
        ("enforcement_action", "Enforcement action taken."),
        ("transport", "none | unit | ems | law_enforcement."),
        ("referral_count", "Referrals made (not counting 42 CFR Part 2 programs)."),
        ("referral_categories", "Their service categories, ';'-separated."),
        ("person_unidentified", "The person was not identified."),
        ("age", "Age in years; 90 and over is '90+'."),
        ("gender", "Self-reported gender."),
        ("race_ethnicity", "Self-reported race/ethnicity, ';'-separated."),
        ("preferred_language", "Preferred language as a category: the ISO 639 language of its BCP 47 tag "
                               "(es for es-MX); 'other' for free text recorded before BCP 47."),
        ("interpreter_needed", "The person needs an interpreter (empty: not known)."),
        *RECORD,
    ],
}

REFERRALS = {
    "identified": [
        ("referral_id", "Referral id (UUID made by the device)."),
        ("encounter_id", "The encounter it was made on."),
        ("call_id", "Call id in fieldapp."),
        ("cad_incident_id", "The CAD system's incident id, if any."),
        ("person_id", "Person id in fieldapp."),
        ("call_type", "APCO 2.103 incident type code of the call."),
        ("call_received_at", "When the call was received (agency time, with the offset)."),
        ("unit", "Call sign of the unit."),
        ("service_id", "HSDS service id."),
        ("service_name", "Service name."),
        ("organization", "Organization providing the service."),
        ("service_category", "Service category (directory.models.CATEGORIES)."),
        ("consent_type", "verbal | written | declined."),
        ("status", "Status now: made, accepted, declined, unable_to_contact, in_progress, completed, cancelled."),
        ("made_at", "When the referral was made (device time)."),
        ("due_at", "When follow-through is due (agency time, with the offset)."),
        ("closed_at", "When it reached a closed status (agency time, with the offset)."),
        ("overdue", "Still open after its due time, at the moment of the export (true/false)."),
        ("steps", "Number of steps in its history, the first 'made' included."),
        ("status_history", "Its statuses in order, '>'-separated (made>accepted>in_progress>completed)."),
        ("accepted_at", "First 'accepted' step (agency time, with the offset)."),
        ("completed_at", "'Completed' step (agency time, with the offset)."),
        ("seconds_to_accept", "Made to accepted, whole seconds."),
        ("seconds_to_close", "Made to closed, whole seconds."),
        ("last_reason", "The latest reason given (declined, unable to contact, cancelled): free text."),
    ],
    "deidentified": [
        ("person_key", "Pseudonymous person key (the same as in the de-identified outcome log)."),
        ("year", "Year the referral was made (agency time)."),
        ("call_type", "APCO 2.103 incident type code of the call."),
        ("unit", "Call sign of the unit."),
        ("service_name", "Service name."),
        ("organization", "Organization providing the service."),
        ("service_category", "Service category."),
        ("consent_type", "verbal | written | declined."),
        ("status", "Status now."),
        ("overdue", "Still open after its due time, at the moment of the export."),
        ("steps", "Number of steps in its history."),
        ("status_history", "Its statuses in order, '>'-separated."),
        ("seconds_to_accept", "Made to accepted, whole seconds."),
        ("seconds_to_close", "Made to closed, whole seconds."),
    ],
}

COLUMNS = {"outcomes": OUTCOMES, "referrals": REFERRALS}


def header(kind: str, variant: str) -> list[str]:
    return [name for name, _ in COLUMNS[kind][variant]]


def language_category(value: str | None) -> str | None:
    """A published language: the language subtag of a BCP 47 tag, 'other' for free text (which may name
    anything, so it is never published as written)."""
    return languages.primary(value) or ("other" if value else None)


def row_maker(kind: str, variant: str, *, secret: str, zone: str):
    """What turns a query row into an export row: nothing for the identified logs (the database
    formats every value, ``fieldapp.exports.queries``); for the de-identified ones, the person id,
    the call id and the time become pseudonymous keys and the year."""
    if variant != "deidentified":
        return None
    keys, local = Pseudonymizer(secret), clock.zone(zone)
    if kind == "outcomes":
        spoken = header(kind, variant).index("preferred_language")

        def make(row):
            made = [keys.person(row[0]), keys.call(row[1]), row[2].astimezone(local).year, *row[3:]]
            made[spoken] = language_category(made[spoken])
            return tuple(made)
    else:
        def make(row):
            return (keys.person(row[0]), row[1].astimezone(local).year, *row[2:])
    return make
