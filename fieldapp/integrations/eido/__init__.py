"""Calls from CAD as NENA EIDO documents (NENA-STA-021, JSON)."""
