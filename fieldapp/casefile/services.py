"""Logging an encounter with the referral made with it: the two parts' rules in one unit of work."""

from fieldapp.encounters import services as encounters
from fieldapp.referrals import services as referrals


def log_encounter(call_id, data: dict, *, by):
    """``encounters.services.log_encounter`` with the referral sent with it saved by the referrals' rules
    (consent, 42 CFR Part 2, the service): both or neither. Returns (encounter, created)."""
    return encounters.log_encounter(call_id, data, by=by, add_referral=referrals.add_with_encounter)
