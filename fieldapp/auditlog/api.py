from flask_login import current_user
from flask_smorest import Blueprint

from fieldapp.audit import services
from fieldapp.auditlog.schemas import AuditEventSchema, AuditQuerySchema
from fieldapp.extensions import db
from fieldapp.roles import ADMIN
from fieldapp.web.access import allow

blp = Blueprint("api_audit", __name__, url_prefix="/api/v1/audit", description="The audit log (admins)")


@blp.route("", methods=["GET"])
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditEventSchema(many=True))
@allow(ADMIN)
def search(query):
    """Search the audit log, newest first (at most 200 rows). Reading the log is itself audited."""
    found = services.search(**query)
    services.record("audit.search", user=current_user, details={k: str(v) for k, v in query.items()})
    db.session.commit()
    return found
