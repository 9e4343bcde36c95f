"""Web Push (RFC 8030/8291/8292): call alerts that reach a unit's phone with the app closed.

``services.call_changed`` is a channel of ``calls.fanout`` and ``services.end_subscriptions`` a receiver
of ``accounts.services.sessions_ended``; ``fieldapp.wiring`` connects both. The rest is in the package
(``sender``, ``keys``, ``api``, ``commands``, ``jobs``). docs/push.md explains it.
"""
