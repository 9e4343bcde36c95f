"""billing (issue 21): a clinician's professional credential, NPI and behavioral-health role, set by an admin.

Social Security Act section 1947 (CMS State Health Official letter 21-008, 2021-12-28) pays for a
mobile crisis team with at least one behavioral-health professional able to assess; states also pay
for peer workers on the team. ``bh_role`` says which one a clinician is (fieldapp.units.crews counts
them on scene; docs/billing.md).

An NPI is 10 digits whose last is a Luhn check digit computed over the digits prefixed with 80840
(CMS, "Requirements for National Provider Identifier (NPI) and NPI Enumeration", 2008), checked with
python-stdnum's Luhn (``npi_valid``): the same check refuses a bad NPI here and in the billing export.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from stdnum import luhn

from fieldapp.audit import services as audit
from fieldapp.errors import Invalid
from fieldapp.extensions import db
from fieldapp.roles import CLINICIAN

LICENSED, PEER = "licensed", "peer"
BH_ROLES = {LICENSED: _l("Licensed behavioral-health professional"), PEER: _l("Peer worker")}
CREDENTIAL = re.compile(r"^([A-Za-z][A-Za-z0-9.\-/ ]{0,19})?$")  # "" clears it
NPI = re.compile(r"^[0-9]{10}$")
NPI_PREFIX = "80840"  # the card issuer prefix of the health industry (ISO 7812) the check digit includes
FIELDS = ("credential", "npi", "bh_role")


def npi_valid(npi: str | None) -> bool:
    """10 digits with a right check digit (Luhn over ``80840`` + the NPI)."""
    return bool(npi) and bool(NPI.match(npi)) and luhn.is_valid(NPI_PREFIX + npi)


def npi_problem(npi: str) -> str | None:
    if not NPI.match(npi):
        return "An NPI is 10 digits."
    if not npi_valid(npi):
        return "This NPI's check digit is wrong: check the number on the NPPES registry."
    return None


def set_licensure(user, data: dict, *, by):
    """Set (or clear with None / "") the user's credential, NPI and behavioral-health role; audited.
    Only a clinician is a behavioral-health professional or peer worker on a unit's crew."""
    changes = {name: (data[name] or None) for name in FIELDS if name in data}
    if changes.get("bh_role") and user.role != CLINICIAN:
        raise Invalid(_("Only clinicians are behavioral-health professionals or peer workers on a crew."),
                      fields={"bh_role": [_("Only for clinicians: change the role first.")]})
    before = {name: getattr(user, name) for name in changes}
    for name, value in changes.items():
        setattr(user, name, value)
    audit.record("user.licensure", obj=user, user=by,
                 details={"from": before, "to": changes, "username": user.username})
    db.session.commit()
    return user
