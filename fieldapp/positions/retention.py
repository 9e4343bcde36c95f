"""Positions are kept POSITION_RETENTION_DAYS (30 by default), then removed by the worker's sweep."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from fieldapp.clock import utcnow
from fieldapp.extensions import db
from fieldapp.positions.models import LatestPosition, UnitPosition


def cutoff() -> datetime:
    return utcnow() - timedelta(days=current_app.config["POSITION_RETENTION_DAYS"])


def prune(*, before: datetime | None = None) -> int:
    """Delete positions received before ``before`` (default: the retention period ago), the history
    and a unit's latest alike; returns how many history rows went."""
    before = before or cutoff()
    removed = db.session.execute(delete(UnitPosition).where(UnitPosition.received_at < before)).rowcount
    db.session.execute(delete(LatestPosition).where(LatestPosition.received_at < before))
    db.session.commit()
    return removed
