"""Integration accounts: CAD systems and partner organizations, which sign in with an API key."""
