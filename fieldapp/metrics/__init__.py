"""Program metrics, defined in docs/metrics.md and computed in SQL."""
