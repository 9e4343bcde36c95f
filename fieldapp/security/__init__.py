"""Authentication, deny-by-default access control and response hardening."""
