"""Second factor at sign-in: TOTP (RFC 6238) with one-time recovery codes."""
