"""Every model, imported in one place so SQLAlchemy and Alembic see the whole schema."""

from fieldapp.accounts.models import LoginSession, User
from fieldapp.audit.models import AuditEvent
from fieldapp.calls.models import Call, CallEvent
from fieldapp.directory.models import Organization, Service
from fieldapp.encounters.models import Encounter
from fieldapp.live.models import LiveEvent
from fieldapp.mfa.models import KnownDevice, LoginChallenge, RecoveryCode, TotpCredential
from fieldapp.notes.models import FollowUp, Note
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.units.models import Shift, Unit

__all__ = ["AuditEvent", "Call", "CallEvent", "Encounter", "FollowUp", "KnownDevice", "LiveEvent", "LoginChallenge",
           "LoginSession", "Note", "Organization", "Person", "RecoveryCode", "Referral", "ReferralEvent", "Service",
           "Shift", "TotpCredential", "Unit", "User"]
