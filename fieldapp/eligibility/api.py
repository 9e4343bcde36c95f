from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp import clock
from fieldapp.accounts.roles import ADMIN, DISPATCHER, PROGRAM_MANAGER
from fieldapp.eligibility import services
from fieldapp.eligibility.schemas import NotSentCountCreateSchema, NotSentCountSchema, NotSentQuerySchema
from fieldapp.security.access import allow

blp = Blueprint("api_not_sent", __name__, url_prefix="/api/v1/not-sent-counts",
                description="Eligible calls never sent to the team (daily counts)")


@blp.route("", methods=["PUT"])
@blp.arguments(NotSentCountCreateSchema)
@blp.response(200, NotSentCountSchema)
@blp.alt_response(201, schema=NotSentCountSchema, description="The first count of this day, reason and source")
@allow(DISPATCHER, PROGRAM_MANAGER, ADMIN)
def record(data):
    """Set how many eligible calls of a day were never sent to the team, by reason and source.

    They count in the denominator of the share of eligible calls served (docs/metrics.md). Sending the
    same day, reason and source again replaces the count.
    """
    row, created = services.record(data, by=current_user)
    return row, 201 if created else 200


@blp.route("", methods=["GET"])
@blp.arguments(NotSentQuerySchema, location="query")
@blp.response(200, NotSentCountSchema(many=True))
@allow(DISPATCHER, PROGRAM_MANAGER, ADMIN)
def listed(query):
    """The counts recorded for a range of days (default: the last 30), newest first."""
    return services.listed(query.get("from_"), query.get("to"), clock.today())
