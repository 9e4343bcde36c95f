"""Status back to CAD: signed webhooks from a durable delivery table, sent by the job worker.

``services.call_changed`` is a channel of ``calls.fanout`` (``fieldapp.wiring`` connects it)."""
