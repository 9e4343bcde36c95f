"""Outcome and referral log exports (CSV, XLSX), de-identified variants and the public summary.

Program managers and admins only. Every export is audited with its filters and row count before
its first byte is sent; the body is streamed from a server-side cursor.
"""

from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp import clock
from fieldapp.exports import services
from fieldapp.metrics.filters import ExportFilterSchema, FilterSchema, filters_from
from fieldapp.roles import ADMIN, PROGRAM_MANAGER
from fieldapp.web.access import allow

blp = Blueprint("api_exports", __name__, url_prefix="/api/v1/exports", description="Exports")


def streamed(export: services.Export) -> Response:
    """The export's generator as the response body, sent as it is produced.

    Not wrapped in ``stream_with_context``: the generator was given all it needs (the engine, the
    statement, the keys) and holds no request context, so a download that is dropped unread
    cannot leave a context pushed behind it.
    """
    response = Response(export.chunks, mimetype=export.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Export-Rows"] = str(export.rows)
    return response


def _log(kind, fmt, query):
    filters = filters_from(query, clock.zone_name())
    return streamed(services.log_export(kind, fmt, filters, deidentified=query.get("deidentified", False),
                                        by=current_user))


LOG_DOC = ("Filtered like the dashboard (calls received in [from, to), unit, call type); "
           "`deidentified=1` gives the HIPAA Safe Harbor variant. Columns: docs/exports.md.")


@blp.route("/outcomes.csv", methods=["GET"])
@blp.arguments(ExportFilterSchema, location="query")
@blp.response(200, content_type="text/csv", description="One row per encounter. " + LOG_DOC)
@allow(PROGRAM_MANAGER, ADMIN)
def outcomes_csv(query):
    """The outcome log as CSV."""
    return _log("outcomes", "csv", query)


@blp.route("/outcomes.xlsx", methods=["GET"])
@blp.arguments(ExportFilterSchema, location="query")
@blp.response(200, content_type=services.FORMATS["xlsx"], description="One row per encounter. " + LOG_DOC)
@allow(PROGRAM_MANAGER, ADMIN)
def outcomes_xlsx(query):
    """The outcome log as an Excel workbook."""
    return _log("outcomes", "xlsx", query)


@blp.route("/referrals.csv", methods=["GET"])
@blp.arguments(ExportFilterSchema, location="query")
@blp.response(200, content_type="text/csv", description="One row per referral. " + LOG_DOC)
@allow(PROGRAM_MANAGER, ADMIN)
def referrals_csv(query):
    """The referral log as CSV, with each referral's status history."""
    return _log("referrals", "csv", query)


@blp.route("/referrals.xlsx", methods=["GET"])
@blp.arguments(ExportFilterSchema, location="query")
@blp.response(200, content_type=services.FORMATS["xlsx"], description="One row per referral. " + LOG_DOC)
@allow(PROGRAM_MANAGER, ADMIN)
def referrals_xlsx(query):
    """The referral log as an Excel workbook."""
    return _log("referrals", "xlsx", query)


@blp.route("/summary.csv", methods=["GET"])
@blp.arguments(FilterSchema, location="query")
@blp.response(200, content_type="text/csv", description="Encounters by month, call type and demographic group "
              "x outcome; counts 1-10 and enough others to protect them are suppressed.")
@allow(PROGRAM_MANAGER, ADMIN)
def summary_csv(query):
    """The public summary, safe to publish (small-cell suppression)."""
    filters = filters_from(query, clock.zone_name())
    return streamed(services.summary_export(filters, by=current_user))
