"""Outcome and referral log exports (CSV, XLSX), de-identified variants and the public summary."""
