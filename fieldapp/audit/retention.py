"""Retention: audit rows older than a date are removed, never younger than a year (CJIS Security
Policy 5.4.7), and the removal is itself audited so the remaining chain still verifies."""

from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldapp.audit import chain
from fieldapp.audit.models import AuditEvent
from fieldapp.clock import utcnow
from fieldapp.errors import Invalid


def oldest_prunable(today: date) -> date:
    """The latest ``--before`` day allowed: one year before ``today`` (29 February: the 28th)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def prune(session: Session, *, before: date, operator: str, also=None) -> AuditEvent:
    """Remove audit rows from before ``before`` (a UTC day) in one transaction with ``also``'s
    removals (name -> a function of the session that removes rows and returns how many: the caller's,
    e.g. stale live events, since the audit trail sits below every other part); returns the audit row
    that records it, whose details count each.

    Only a prefix of the chain is removed (rows older than ``before`` up to the first row that is
    not), so the first remaining row follows the last removed one: its id and hash are kept in the
    prune's own row (the anchor), which ``chain.verify`` accepts as the chain's new start.
    """
    limit = oldest_prunable(utcnow().date())
    if before > limit:
        raise Invalid(f"Audit records are kept at least a year: --before must be {limit.isoformat()} "
                      "or earlier.", fields={"before": [_("Younger than one year.")]})
    cutoff = datetime.combine(before, datetime.min.time(), UTC)
    chain.lock(session)  # nothing is appended while the prefix is measured and removed
    removed_also = {name: remove(session) for name, remove in (also or {}).items()}
    first_kept = session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.at >= cutoff))
    removable = select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.at < cutoff)
    if first_kept is not None:
        removable = removable.where(AuditEvent.id < first_kept)
    anchor = session.execute(removable.order_by(AuditEvent.id.desc()).limit(1)).first()
    details = {"before": before.isoformat(), "removed": 0, **removed_also}
    if anchor is not None:
        details.update(
            removed=session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.id <= anchor.id)),
            first_removed_id=session.scalar(select(func.min(AuditEvent.id))),
            anchor_id=anchor.id, anchor_hash=anchor.hash)
    row = AuditEvent(at=utcnow(), action=chain.PRUNE_ACTION, username=operator[:80], object_type="audit_events",
                     outcome="success", details=chain.jsonable(details))
    chain.append(session, [row])  # chained after the current last row, which may be about to go
    if anchor is not None:
        session.execute(delete(AuditEvent.__table__).where(AuditEvent.id <= anchor.id))
    return row
