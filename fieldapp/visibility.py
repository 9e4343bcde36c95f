"""Who sees which fields, declared once for every role (after CTFd's per-role schema views).

Schemas dump through ``view(SchemaClass, role)``, which restricts them to the role's fields, so a
page, an API response and a briefing cannot show a field the role may not see. A role missing from
a table sees nothing of that kind of record. Rows are filtered in the services (a unit sees its own
calls; referrals to 42 CFR Part 2 programs are for clinicians only).

Clinical notes, follow-up tasks and Part 2 information are for clinicians, and admins for audit;
officers, dispatchers and program managers never receive them.
"""

from flask import jsonify
from flask_babel import gettext as _

from fieldapp.errors import Forbidden
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER

ALL = None  # every field of the schema

# A service organization's integration account (FHIR Task updates, issue 12): not a person's role.
# It sees the referrals sent to its organization (fieldapp.referrals.partners) and of them only what
# the person's consent to the referral discloses to the provider: never notes or who made it.
PARTNER = "partner"

CLINICAL_ROLES = (CLINICIAN, ADMIN)

PERSON = {
    CLINICIAN: ALL,
    ADMIN: ALL,
    OFFICER: ("id", "display_name", "unidentified", "given_name", "family_name", "dob", "approx_age",
              "gender", "preferred_language", "interpreter_needed"),
    PARTNER: ("id", "display_name"),
}

ENCOUNTER = {
    CLINICIAN: ALL,
    ADMIN: ALL,
    # What an officer needs for safety and enforcement: no concerns list, no referral consent details.
    OFFICER: ("id", "call_id", "person", "outcome", "outcome_label", "hospitalization_type", "probable_cause",
              "diverted", "use_of_force", "force_type", "enforcement_action", "transport", "narrative",
              "no_referral_reason", "apco_code", "recorded_at", "received_at", "created_by", "referrals",
              # fields (issue 11): how the person was met, where taken, police backup; no clinical detail.
              "contact_mode", "transport_destination", "declined_services", "officer_engaged", "backup_requested",
              "backup_requested_at", "backup_arrived_at", "backup_reason",
              # billing (issue 21): where; never the Medicaid id or the diagnosis (clinicians only).
              "place_of_service"),
}

REFERRAL = {
    CLINICIAN: ALL,
    ADMIN: ALL,
    OFFICER: ("id", "encounter_id", "service", "status", "status_label", "due_at", "overdue", "created_at"),
    PARTNER: ("id", "service", "status", "status_label", "consent_type", "consent_at", "part2_consent",
              "redisclosure_notice", "due_at", "closed_at", "created_at"),
}

BRIEFING = {
    CLINICIAN: ALL,
    ADMIN: ALL,
    OFFICER: ("call_id", "prior_calls", "prior_encounters", "last_contact_at", "outcomes", "recent", "cautions",
              "use_of_force_count", "people", "preferred_language", "interpreter_needed"),
    DISPATCHER: ("call_id", "prior_calls", "prior_encounters", "last_contact_at", "outcomes", "recent", "cautions",
                 "use_of_force_count", "preferred_language", "interpreter_needed"),
}


def fields_for(table: dict, role: str):
    if role not in table:
        raise Forbidden(_("Your role does not allow this."))
    return table[role]


def view(schema_class, table: dict, role: str, **kwargs):
    """An instance of ``schema_class`` limited to what ``role`` may see."""
    only = fields_for(table, role)
    return schema_class(only=only, **kwargs) if only is not ALL else schema_class(**kwargs)


def sees_clinical(role: str) -> bool:
    return role in CLINICAL_ROLES


def respond(schema_class, table: dict, role: str, obj, *, status=200, many=False):
    """A JSON response of ``obj`` with only the fields ``role`` may see.

    API views declare the full schema with ``@blp.response`` for the OpenAPI document and return
    this, so what is sent is always the role's view.
    """
    return jsonify(view(schema_class, table, role, many=many).dump(obj)), status
