"""Program metrics, defined in docs/metrics.md and computed in SQL."""
from flask_smorest import Blueprint
from marshmallow import fields

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.metrics import services
from fieldapp.metrics.filters import FilterSchema, filters_from
from fieldapp.roles import ADMIN, PROGRAM_MANAGER
from fieldapp.schemas import BaseSchema
from fieldapp.web.access import allow

blp = Blueprint("api_metrics", __name__, url_prefix="/api/v1", description="Program metrics")


class MetricsReportSchema(BaseSchema):
    period = fields.Dict(dump_only=True, metadata={"description": "from (first day), to (first day not "
                                                   "counted), unit_id, call_type, days, timezone."})
    previous_period = fields.Dict(dump_only=True, metadata={"description": "The period of equal length before."})
    current = fields.Dict(dump_only=True, metadata={"description": "Every metric for the period: counts, shares "
                                                    "as fractions (0-1, null when the denominator is 0), "
                                                    "durations in seconds. See docs/metrics.md."})
    previous = fields.Dict(dump_only=True, metadata={"description": "The same metrics for the previous period."})


@blp.route("/metrics", methods=["GET"])
@blp.arguments(FilterSchema, location="query")
@blp.response(200, MetricsReportSchema)
@allow(PROGRAM_MANAGER, ADMIN)
def get_metrics(query):
    """Every program metric for a period, unit and call type, with the period before for comparison.

    The numbers are the dashboard's (/metrics). Calls count in a period by when they were received;
    encounters, referrals and follow-ups by their call.
    """
    filters = filters_from(query, clock.zone_name())
    return services.report(db.session, filters)
