"""The audit log for admins: its page, its API and the `flask audit` commands (the recorder is fieldapp.audit)."""
