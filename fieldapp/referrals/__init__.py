"""Service referrals from an encounter, tracked to completion (closed loop)."""
