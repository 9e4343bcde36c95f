"""Every model, imported in one place so SQLAlchemy and Alembic see the whole schema."""

from fieldapp.accounts.models import LoginSession, User
from fieldapp.accounts.oidc_models import OidcIdentity, OidcLoginSession
from fieldapp.audit.models import AuditEvent
from fieldapp.calls.models import Call, CallEvent
from fieldapp.directory.models import Organization, Service
from fieldapp.directory.places import Location, Phone, Schedule, ServiceAtLocation
from fieldapp.eligibility.models import NotSentCount
from fieldapp.encounters.models import Encounter
from fieldapp.followup_contacts.models import FollowUpContact
from fieldapp.integrations.accounts.models import IntegrationAccount
from fieldapp.integrations.crisisline.models import CrisisHandoff
from fieldapp.integrations.eido.models import EidoIncident
from fieldapp.integrations.webhooks.models import WebhookDelivery
from fieldapp.live.models import LiveEvent
from fieldapp.metrics.models import (
    CallDay,
    CallDuration,
    ContactDay,
    DurationDay,
    EncounterDay,
    FollowUpDay,
    ProgramDay,
    ReferralDay,
    RollupState,
)
from fieldapp.mfa.models import KnownDevice, LoginChallenge, RecoveryCode, TotpCredential
from fieldapp.mfa.passkey_models import Passkey
from fieldapp.notes.models import FollowUp, Note
from fieldapp.offline.models import DeviceStorageKey
from fieldapp.people.models import Person
from fieldapp.positions.models import LatestPosition, UnitPosition
from fieldapp.push.models import PushMessage, PushSubscription
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.safetyplans.models import SafetyPlan
from fieldapp.units.models import Shift, Unit
from fieldapp.zones.models import GeocodeResult, ResponseTarget, Zone

__all__ = ["AuditEvent", "Call", "CallEvent", "CrisisHandoff", "EidoIncident", "Encounter", "FollowUp",
           "IntegrationAccount", "KnownDevice", "LiveEvent", "Location", "LoginChallenge", "LoginSession", "Note",
           "Organization", "Person",
           "Phone", "RecoveryCode", "Referral", "ReferralEvent", "Schedule", "Service", "ServiceAtLocation", "Shift",
           "TotpCredential", "Unit", "User", "WebhookDelivery",
           "CallDay", "CallDuration", "ContactDay", "DurationDay", "EncounterDay", "FollowUpDay", "ReferralDay",
           "RollupState", "NotSentCount", "FollowUpContact", "ProgramDay",
           "PushMessage", "PushSubscription", "DeviceStorageKey", "SafetyPlan", "OidcIdentity",
           "OidcLoginSession", "Passkey", "UnitPosition", "LatestPosition",
           "Zone", "ResponseTarget", "GeocodeResult"]
