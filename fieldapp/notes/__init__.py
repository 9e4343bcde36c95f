"""Clinicians' follow-up notes (signed, never edited: corrected by addenda) and follow-up tasks."""
