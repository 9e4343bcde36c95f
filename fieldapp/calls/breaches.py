"""A response target passed: the call is marked once and the alert goes out through ``calls.fanout``
(``call.breach``: the dispatchers' board on the live stream, the supervisors' phones by Web Push).

The worker's sweep (``fieldapp.jobs.sweeps``) finds the calls that have passed their target and
enqueues ``alert`` for each, so the alert fires with no page open; ``alert`` checks again under the
call's lock, so running it twice alerts once."""

from fieldapp.audit import services as audit
from fieldapp.calls import constants as c
from fieldapp.calls import fanout, response_clock, services
from fieldapp.clock import utcnow
from fieldapp.extensions import db
from fieldapp.jobs import queue as jobs

JOB = "fieldapp.calls.breaches.alert"


def alert(call_id: int) -> bool:
    """Mark the call's breach and announce it, if it is still open, nobody is on scene, it is past its
    target and it was not alerted before. True when it alerted now."""
    call = services.lock_call(call_id)
    clock = response_clock.clock_of(call)
    if (call.status not in c.OPEN or call.first_on_scene_at is not None or call.breach_alerted_at is not None
            or clock.level != response_clock.OVER):
        db.session.rollback()
        return False
    call.breach_alerted_at = utcnow()
    audit.record("call.breach", obj=call, user=None, details={
        "target_minutes": clock.target_minutes, "zone_id": call.zone_id, "priority": call.priority})
    fanout.announce("call.breach", call)  # unit_id None: dispatch sees it, not the crew
    db.session.commit()
    return True


def sweep() -> int:
    """Enqueue an alert for every call that has passed its target and was not alerted."""
    due = response_clock.breached()
    db.session.rollback()
    for call_id in due:
        jobs.enqueue(JOB, call_id, dedupe=f"breach:{call_id}")
    return len(due)
