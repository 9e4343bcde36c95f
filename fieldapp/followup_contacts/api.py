import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.followup_contacts import services
from fieldapp.followup_contacts.schemas import FollowUpContactCreateSchema, FollowUpContactSchema
from fieldapp.roles import ADMIN, CLINICIAN
from fieldapp.web.access import allow

blp = Blueprint("api_follow_up_contacts", __name__, url_prefix="/api/v1",
                description="Follow-up contacts after a call (clinicians)")


@blp.route("/follow-up-contacts", methods=["POST"])
@blp.arguments(FollowUpContactCreateSchema)
@blp.response(201, FollowUpContactSchema)
@blp.alt_response(200, schema=FollowUpContactSchema, description="A replay: the contact stored for this id")
@allow(CLINICIAN)
def create(data):
    """Record a follow-up contact (or an attempt) with a person, on an encounter or on the person alone.

    Those on an encounter count in the metrics (docs/metrics.md, "Follow-up contacts").
    """
    contact, created = services.record(data, by=current_user)
    return contact, 201 if created else 200


@blp.route("/people/<uuid:person_id>/follow-up-contacts", methods=["GET"])
@blp.response(200, FollowUpContactSchema(many=True))
@allow(CLINICIAN, ADMIN)
def of_person(person_id: uuid.UUID):
    return services.of_person(current_user, person_id)


@blp.route("/encounters/<uuid:encounter_id>/follow-up-contacts", methods=["GET"])
@blp.response(200, FollowUpContactSchema(many=True))
@allow(CLINICIAN, ADMIN)
def of_encounter(encounter_id: uuid.UUID):
    return services.of_encounter(current_user, encounter_id)
