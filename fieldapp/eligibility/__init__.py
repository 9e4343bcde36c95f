"""Eligible calls never sent to the team: the daily counts that complete the denominator (issue 11)."""
