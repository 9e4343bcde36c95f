"""Who is calling the partner endpoints: the one place the FHIR routes learn the partner.

TODO(issue 12, `integrations`): partner integration accounts (an API key tied to a service
organization) are being built beside this. When they land, this returns the authenticated account's
``Partner(organization_id, name, account_id)`` (None for a person's session), and the partner routes
in ``api.py`` add the partner role to their ``@allow``. Until then no request is a partner's, so the
partner routes answer 403 to everyone but tests, which stand a partner in for this function.
"""

from flask import g

from fieldapp.errors import Forbidden
from fieldapp.referrals.partners import Partner


def current_partner() -> Partner | None:
    return g.get("fieldapp_partner")


def require_partner() -> Partner:
    partner = current_partner()
    if partner is None:
        raise Forbidden("Only a partner organization's integration account updates referrals here; "
                        "staff use /api/v1/referrals/{id}/status.")
    return partner
