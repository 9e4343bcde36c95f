"""Why an eligible call was not sent to the team (the GPL toolkit's "eligible but not served")."""

NOT_SENT_REASONS = {
    "no_unit_available": "No unit available",
    "outside_hours": "Outside the team's hours",
    "dispatcher_decision": "Sent to police or EMS instead",
    "caller_declined": "Caller declined the team",
    "other": "Other",
}
