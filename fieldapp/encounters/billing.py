"""billing (issue 21; docs/billing.md): a clinician adds or corrects an encounter's billing details after it
was logged (an officer may have logged it, or the Medicaid id came later). Audited, naming the fields
changed, never their values."""

from flask_babel import gettext as _

from fieldapp.audit import services as audit
from fieldapp.encounters.models import Encounter
from fieldapp.encounters.services import get_encounter
from fieldapp.errors import Forbidden
from fieldapp.extensions import db
from fieldapp.roles import CLINICIAN

BILLING_FIELDS = ("place_of_service", "medicaid_id", "diagnosis_code")


def set_billing_details(user, encounter_id, data: dict) -> Encounter:
    """Set the given fields (None clears one) on an encounter the clinician may see."""
    if user.role != CLINICIAN:
        raise Forbidden(_("Only a clinician records an encounter's billing details."))
    encounter = get_encounter(user, encounter_id, audit_read=False)
    changed = sorted(name for name in BILLING_FIELDS if name in data and getattr(encounter, name) != data[name])
    for name in changed:
        setattr(encounter, name, data[name])
    if changed:
        audit.record("encounter.billing", object_type="encounters", object_id=encounter.id, user=user,
                     details={"fields": changed})
        db.session.commit()
    return encounter
