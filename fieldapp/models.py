"""Every model, imported in one place so SQLAlchemy and Alembic see the whole schema."""

from fieldapp.accounts.models import LoginSession, User
from fieldapp.audit.models import AuditEvent
from fieldapp.calls.models import Call, CallEvent
from fieldapp.directory.models import Organization, Service
from fieldapp.units.models import Shift, Unit

__all__ = ["AuditEvent", "Call", "CallEvent", "LoginSession", "Organization", "Service", "Shift", "Unit", "User"]
