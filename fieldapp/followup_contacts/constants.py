"""Vocabularies of follow-up contacts (Iowa City's quarterly report counts them; Durham HEART: within 48 h)."""

MODES = {"in_person": "In person", "phone": "Phone", "telehealth": "Telehealth (video)", "text": "Text message"}
RESULTS = {
    "stable": "Stable, no further need",
    "connected": "Connected to a service",
    "needs_support": "Needs more support",
    "declined": "Declined services",
    "crisis": "In crisis again",
    "not_reached": "Not reached",
    "other": "Other",
}
