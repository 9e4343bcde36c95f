import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp import visibility
from fieldapp.people import services
from fieldapp.people.schemas import PersonQuerySchema, PersonSchema
from fieldapp.roles import ADMIN, CLINICIAN, OFFICER
from fieldapp.web.access import allow

blp = Blueprint("api_people", __name__, url_prefix="/api/v1/people", description="People contacted")


@blp.route("", methods=["GET"])
@blp.arguments(PersonQuerySchema, location="query")
@blp.response(200, PersonSchema(many=True))
@allow(CLINICIAN, OFFICER, ADMIN)
def search(query):
    """Find people by name or date of birth, to link an encounter to someone known. Audited."""
    found = services.search(current_user, query["q"])
    return visibility.respond(PersonSchema, visibility.PERSON, current_user.role, found, many=True)


@blp.route("/<uuid:person_id>", methods=["GET"])
@blp.response(200, PersonSchema)
@allow(CLINICIAN, OFFICER, ADMIN)
def get(person_id: uuid.UUID):
    """A person. Units see people from their own calls only. Audited."""
    person = services.get_person(current_user, person_id)
    return visibility.respond(PersonSchema, visibility.PERSON, current_user.role, person)
