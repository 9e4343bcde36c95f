"""Follow-up contacts after a call: each attempt to reach a person, as an event (issue 11)."""
