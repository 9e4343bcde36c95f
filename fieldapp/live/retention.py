"""Live events are only for streams catching up after a reconnect: old ones are removed."""

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldapp.live.models import LiveEvent


def prune(session: Session, *, before: datetime) -> int:
    """Delete live events older than ``before``, always keeping the newest (SQLite would otherwise
    hand out its id again, and a stream asking for events after it would miss the next ones).
    Needs the owner's connection: the app's role may not delete them (``fieldapp.dbroles``)."""
    newest = session.scalar(select(func.max(LiveEvent.id)))
    if newest is None:
        return 0
    result = session.execute(delete(LiveEvent.__table__).where(LiveEvent.at < before, LiveEvent.id < newest))
    return result.rowcount
