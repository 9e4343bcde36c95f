import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp import visibility
from fieldapp.calls import services as calls
from fieldapp.calls.briefing import briefing_of
from fieldapp.casefile import services as record
from fieldapp.casefile.schemas import EncounterCreateSchema
from fieldapp.encounters import billing, services
from fieldapp.encounters.schemas import BillingDetailsSchema, BriefingSchema, EncounterSchema
from fieldapp.referrals import services as referrals
from fieldapp.roles import ADMIN, CLINICIAN, DISPATCHER, OFFICER
from fieldapp.web.access import allow

blp = Blueprint("api_encounters", __name__, url_prefix="/api/v1", description="Encounters and briefings")


def encounter_response(encounter, status=200):
    encounter.referrals = referrals.for_encounter(current_user, encounter)
    return visibility.respond(EncounterSchema, visibility.ENCOUNTER, current_user.role, encounter, status=status)


@blp.route("/calls/<int:call_id>/encounters", methods=["POST"])
@blp.arguments(EncounterCreateSchema)
@blp.response(201, EncounterSchema)
@blp.alt_response(200, schema=EncounterSchema, description="A replay: the encounter stored for this id")
@allow(OFFICER, CLINICIAN)
def create(data, call_id):
    """Log what happened to one person on the call: give ``person`` (new) or ``person_id`` (known).

    The APCO disposition code is derived from the outcome and transport.
    """
    encounter, created = record.log_encounter(call_id, data, by=current_user)
    return encounter_response(encounter, 201 if created else 200)


@blp.route("/calls/<int:call_id>/encounters", methods=["GET"])
@blp.response(200, EncounterSchema(many=True))
@allow(OFFICER, CLINICIAN, ADMIN)
def for_call(call_id):
    call = calls.get_call(current_user, call_id, audit_read=False)
    found = services.for_call(current_user, call)
    for encounter in found:
        encounter.referrals = referrals.for_encounter(current_user, encounter)
    return visibility.respond(EncounterSchema, visibility.ENCOUNTER, current_user.role, found, many=True)


@blp.route("/encounters/<uuid:encounter_id>", methods=["GET"])
@blp.response(200, EncounterSchema)
@allow(OFFICER, CLINICIAN, ADMIN)
def get(encounter_id: uuid.UUID):
    return encounter_response(services.get_encounter(current_user, encounter_id))


@blp.route("/encounters/<uuid:encounter_id>/billing", methods=["PATCH"])
@blp.arguments(BillingDetailsSchema)
@blp.response(200, EncounterSchema)
@allow(CLINICIAN)
def set_billing(data, encounter_id: uuid.UUID):
    """Add or correct the encounter's place of service, the person's Medicaid id and the ICD-10-CM diagnosis
    (clinicians only; null clears one). docs/billing.md."""
    return encounter_response(billing.set_billing_details(current_user, encounter_id, data))


@blp.route("/calls/<int:call_id>/briefing", methods=["GET"])
@blp.response(200, BriefingSchema)
@allow(OFFICER, CLINICIAN, DISPATCHER, ADMIN)
def briefing(call_id):
    """Earlier contacts at this address or with the people on this call. What each role sees
    follows ``fieldapp/visibility.py``: officers and dispatchers get no referral or note data."""
    result = briefing_of(current_user, call_id)
    return visibility.respond(BriefingSchema, visibility.BRIEFING, current_user.role, result)
