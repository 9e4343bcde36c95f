"""Who is calling the partner endpoints: the one place the FHIR routes learn the partner.

A partner is a service organization's integration account (``fieldapp.integrations.accounts``, kind
``partner``) authenticated by ``security.integrations``; a person's session or token is no partner.
"""

from flask import g

from fieldapp.errors import Forbidden
from fieldapp.referrals.partners import Partner


def current_partner() -> Partner | None:
    acting = g.get("integration")
    if acting is None or acting.kind != "partner":
        return None
    return Partner(organization_id=acting.organization_id, name=acting.name, account_id=acting.integration_id)


def require_partner() -> Partner:
    partner = current_partner()
    if partner is None:
        raise Forbidden("Only a partner organization's integration account updates referrals here; "
                        "staff use /api/v1/referrals/{id}/status.")
    return partner
