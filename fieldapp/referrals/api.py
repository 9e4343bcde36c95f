import uuid

from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp import visibility
from fieldapp.referrals import services
from fieldapp.referrals.schemas import (
    ReferralCreateSchema,
    ReferralEventSchema,
    ReferralQuerySchema,
    ReferralSchema,
    ReferralStatusSchema,
)
from fieldapp.roles import ADMIN, CLINICIAN, OFFICER
from fieldapp.web.access import allow

blp = Blueprint("api_referrals", __name__, url_prefix="/api/v1", description="Service referrals (closed loop)")


def referral_response(referral, status=200):
    return visibility.respond(ReferralSchema, visibility.REFERRAL, current_user.role, referral, status=status)


@blp.route("/encounters/<uuid:encounter_id>/referrals", methods=["POST"])
@blp.arguments(ReferralCreateSchema)
@blp.response(201, ReferralSchema)
@blp.alt_response(200, schema=ReferralSchema, description="A replay: the referral stored for this id")
@allow(OFFICER, CLINICIAN)
def create(data, encounter_id: uuid.UUID):
    """Refer the encounter's person to a service, with their consent.

    A 42 CFR Part 2 program (``part2_program`` in the directory) needs written consent with every
    element of 42 CFR 2.31, and only a clinician makes that referral. Consent ``declined`` records
    the offer as declined.
    """
    referral, created = services.make_referral(encounter_id, data, by=current_user)
    return referral_response(referral, 201 if created else 200)


@blp.route("/referrals/<uuid:referral_id>", methods=["GET"])
@blp.response(200, ReferralSchema)
@allow(OFFICER, CLINICIAN, ADMIN)
def get(referral_id: uuid.UUID):
    return referral_response(services.get_referral(current_user, referral_id))


@blp.route("/referrals/<uuid:referral_id>/status", methods=["POST"])
@blp.arguments(ReferralStatusSchema)
@blp.response(201, ReferralEventSchema)
@blp.alt_response(200, schema=ReferralEventSchema, description="A replay: the step stored for this id")
@allow(OFFICER, CLINICIAN)
def change_status(data, referral_id: uuid.UUID):
    """made → accepted | declined | unable_to_contact → in_progress → completed, or cancelled.
    declined, unable_to_contact and cancelled need a ``reason``."""
    event, created = services.change_status(referral_id, data, by=current_user)
    return event, 201 if created else 200


@blp.route("/referrals", methods=["GET"])
@blp.arguments(ReferralQuerySchema, location="query")
@blp.response(200, ReferralSchema(many=True))
@allow(CLINICIAN, ADMIN)
def list_referrals(query):
    """The referral queue: ``status`` (repeatable), ``overdue=1``, ``due_within_days``, ``mine=1``, ``q``
    (words of the person's, service's or organization's name)."""
    found = services.list_referrals(current_user, status=query.get("status"), overdue=query.get("overdue", False),
                                    mine=query.get("mine", False), q=query.get("q"),
                                    due_within_days=query.get("due_within_days"))
    return visibility.respond(ReferralSchema, visibility.REFERRAL, current_user.role, found, many=True)
