import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.notes import services
from fieldapp.notes.schemas import (
    AddendumCreateSchema,
    FollowUpDoneSchema,
    FollowUpQuerySchema,
    FollowUpSchema,
    NoteCreateSchema,
    NoteSchema,
)
from fieldapp.roles import ADMIN, CLINICIAN
from fieldapp.web.access import allow

blp = Blueprint("api_notes", __name__, url_prefix="/api/v1",
                description="Clinical notes and follow-ups: clinicians only (admins may read for audit)")


@blp.route("/encounters/<uuid:encounter_id>/notes", methods=["POST"])
@blp.arguments(NoteCreateSchema)
@blp.response(201, NoteSchema)
@blp.alt_response(200, schema=NoteSchema, description="A replay: the note stored for this id")
@allow(CLINICIAN)
def create_on_encounter(data, encounter_id: uuid.UUID):
    """Sign a note on an encounter. A signed note is never edited: add an addendum."""
    note, created = services.add_note(data=data, by=current_user, encounter_id=encounter_id)
    return note, 201 if created else 200


@blp.route("/people/<uuid:person_id>/notes", methods=["POST"])
@blp.arguments(NoteCreateSchema)
@blp.response(201, NoteSchema)
@blp.alt_response(200, schema=NoteSchema, description="A replay: the note stored for this id")
@allow(CLINICIAN)
def create_on_person(data, person_id: uuid.UUID):
    note, created = services.add_note(data=data, by=current_user, person_id=person_id)
    return note, 201 if created else 200


@blp.route("/encounters/<uuid:encounter_id>/notes", methods=["GET"])
@blp.response(200, NoteSchema(many=True))
@allow(CLINICIAN, ADMIN)
def list_on_encounter(encounter_id: uuid.UUID):
    return services.notes_on(current_user, encounter_id=encounter_id)


@blp.route("/people/<uuid:person_id>/notes", methods=["GET"])
@blp.response(200, NoteSchema(many=True))
@allow(CLINICIAN, ADMIN)
def list_on_person(person_id: uuid.UUID):
    return services.notes_on(current_user, person_id=person_id)


@blp.route("/notes/<uuid:note_id>/addenda", methods=["POST"])
@blp.arguments(AddendumCreateSchema)
@blp.response(201, NoteSchema)
@blp.alt_response(200, schema=NoteSchema, description="A replay: the addendum stored for this id")
@allow(CLINICIAN)
def add_addendum(data, note_id: uuid.UUID):
    """Correct or add to a signed note; the original stays exactly as signed."""
    addendum, created = services.add_addendum(note_id, data, by=current_user)
    return addendum, 201 if created else 200


@blp.route("/followups", methods=["GET"])
@blp.arguments(FollowUpQuerySchema, location="query")
@blp.response(200, FollowUpSchema(many=True))
@allow(CLINICIAN)
def followups(query):
    """Open follow-ups, soonest due first: ``mine=1`` (default) or ``mine=0`` for the team's."""
    return services.followups(current_user, mine=query["mine"], include_done=query["include_done"])


@blp.route("/followups/<uuid:followup_id>/done", methods=["POST"])
@blp.arguments(FollowUpDoneSchema)
@blp.response(200, FollowUpSchema)
@allow(CLINICIAN)
def done(data, followup_id: uuid.UUID):
    return services.mark_done(followup_id, data["outcome"], by=current_user)
