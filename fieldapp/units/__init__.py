"""Units (call signs) and the shifts that pair a clinician with an officer."""
