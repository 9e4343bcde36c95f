"""The one place a change of a call goes out: the live stream, the crew's phones, the CAD, the 988 center.

``announce`` is called explicitly where a call changes (``calls.services``, ``calls.status``,
``calls.changes``, and ``encounters.services`` for an encounter's outcome), inside the unit of work of
the change. Each channel registered on ``call_changed`` takes what it carries, in this order
(``fieldapp.wiring`` connects them at start-up; they sit above calls, so calls never imports them):

1. the live stream (``fieldapp.live.services.publish``): every ``call.*`` change, as an event row
   written at commit under the ordering lock;
2. Web Push (``fieldapp.push.services.call_changed``): assigned, reassigned away, cancelled, to the
   crew of ``unit_id``;
3. the CAD's status webhook (``fieldapp.integrations.webhooks.services.call_changed``): assigned,
   each status step, cancelled, an encounter's outcome;
4. the 988 center's status webhook (``fieldapp.integrations.crisisline.status.call_changed``): the same
   changes of a call a crisis line handed off, with its FHIR Task.

What each writes is a row in the same transaction, then a job after commit: nothing goes out for a
change that does not commit.
"""

from fieldapp.hooks import Hook

call_changed = Hook("calls.call_changed", "A call changed: (kind, call, unit_id=..., encounter=...)")


def announce(kind: str, call, *, unit_id: int | None = None, encounter=None) -> None:
    """``kind`` is ``call.created``, ``call.assigned`` (``unit_id`` the new unit), ``call.reassigned``
    (``unit_id`` the unit it left), ``call.cancelled``, ``call.status``, ``call.updated``, ``call.breach``
    (its response target passed, ``fieldapp.calls.breaches``) or ``encounter.outcome`` (with ``encounter``)."""
    call_changed(kind, call, unit_id=unit_id, encounter=encounter)
