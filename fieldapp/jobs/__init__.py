"""The one job queue (RQ on Redis, or a thread in the web process for the embedded demo)."""
