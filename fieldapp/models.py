"""Every model, imported in one place so SQLAlchemy and Alembic see the whole schema."""

from fieldapp.accounts.models import LoginSession, User
from fieldapp.audit.models import AuditEvent
from fieldapp.calls.models import Call, CallEvent
from fieldapp.directory.models import Organization, Service
from fieldapp.encounters.models import Encounter
from fieldapp.live.models import LiveEvent
from fieldapp.metrics.models import (
    CallDay,
    CallDuration,
    ContactDay,
    DurationDay,
    EncounterDay,
    FollowUpDay,
    ReferralDay,
    RollupState,
)
from fieldapp.notes.models import FollowUp, Note
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.units.models import Shift, Unit

__all__ = ["AuditEvent", "Call", "CallEvent", "Encounter", "FollowUp", "LiveEvent", "LoginSession", "Note",
           "Organization", "Person", "Referral", "ReferralEvent", "Service", "Shift", "Unit", "User",
           "CallDay", "CallDuration", "ContactDay", "DurationDay", "EncounterDay", "FollowUpDay", "ReferralDay",
           "RollupState"]
