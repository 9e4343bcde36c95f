"""Append-only audit trail: who did what, to what, when, from where, and how it ended."""
