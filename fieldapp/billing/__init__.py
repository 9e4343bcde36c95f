"""Medicaid mobile crisis billing (issue 21): state billing profiles, billable lines and refusals (docs/billing.md)."""
