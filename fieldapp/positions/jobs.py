"""Job functions of positions: thin wrappers around the services."""

from fieldapp.positions import retention


def sweep() -> int:
    """Remove positions past POSITION_RETENTION_DAYS (run with every sweep: one indexed delete)."""
    return retention.prune()
