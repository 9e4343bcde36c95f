"""Web Push (RFC 8030/8291/8292): call alerts that reach a unit's phone with the app closed.

The calls and accounts services call the two functions here; everything else is in the package
(``services``, ``sender``, ``keys``, ``api``, ``commands``, ``jobs``). docs/push.md explains it.
"""


def call_changed(kind: str, call, unit_id) -> None:
    """Tell the crew on shift for ``unit_id`` that ``call`` was assigned, reassigned away or cancelled."""
    from fieldapp.push import services

    services.call_changed(kind, call, unit_id)


def end_subscriptions(*, user_id=None, session_id=None) -> None:
    """End the push subscriptions of a user or of one sign-in (sign-out, deactivation, role change)."""
    from fieldapp.push import services

    services.end_subscriptions(user_id=user_id, session_id=session_id)
