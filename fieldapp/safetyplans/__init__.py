"""Safety plans (Stanley-Brown): made by a clinician with the person on an encounter, signed as a note,
opening a follow-up, and printed for the person to keep."""
