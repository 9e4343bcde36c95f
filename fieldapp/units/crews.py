"""billing (issue 21): who was on scene, and what kind of team they made (Social Security Act section 1947).

The responders on scene of a call are the crew of the shift open on the call's unit when it reached
the scene (``Call.first_on_scene_at``, the timeline's first 'on_scene'). A clinician counts as a
licensed behavioral-health professional or a peer worker as an admin set it
(``fieldapp.accounts.licensure``); an officer counts as law enforcement. The billing export and the
section 1947 report both ask here, so the rule is written once.
"""

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from fieldapp.accounts.licensure import LICENSED, PEER
from fieldapp.roles import OFFICER
from fieldapp.units.models import Shift

OFFICER_KIND, CLINICIAN_KIND = "officer", "clinician"  # a clinician neither licensed nor peer


def not_ended_by(moment):
    """A condition on ``Shift``: still open at ``moment`` (not ended before it; column or value)."""
    return or_(Shift.ended_at.is_(None), Shift.ended_at >= moment)


def covering(unit_id, moment):
    """A condition on ``Shift``: open on ``unit_id`` at ``moment`` (columns or values)."""
    return (Shift.unit_id == unit_id) & (Shift.started_at <= moment) & not_ended_by(moment)


def latest_started(unit_id, moment):
    """The id of the latest shift on ``unit_id`` started at or before ``moment`` (columns or values), as a
    scalar subquery: one probe of ix_shifts_unit_id_started_at. A unit has one shift open at a time, so its
    shifts do not overlap: if any shift covers ``moment`` this one does (the caller checks
    ``not_ended_by``)."""
    return (select(Shift.id).where(Shift.unit_id == unit_id, Shift.started_at <= moment)
            .order_by(Shift.started_at.desc()).limit(1).scalar_subquery())


def shift_at(session, unit_id, moment) -> Shift | None:
    if unit_id is None or moment is None:
        return None
    return session.scalars(select(Shift).where(covering(unit_id, moment))
                           .order_by(Shift.started_at.desc()).limit(1)).first()


@dataclass
class Team:
    """The responders on scene, each as (user, kind): kind is 'licensed', 'peer', 'clinician' or 'officer'."""

    responders: list = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for _, each in self.responders if each == kind)

    @property
    def licensed(self) -> int:
        return self.count(LICENSED)

    @property
    def peers(self) -> int:
        return self.count(PEER)

    @property
    def law_enforcement_only(self) -> bool:
        return bool(self.responders) and all(kind == OFFICER_KIND for _, kind in self.responders)

    def rendering(self):
        """The licensed professional whose NPI goes on the claim (the first one), or None."""
        return next((user for user, kind in self.responders if kind == LICENSED), None)


def kind_of(user, *, as_officer: bool) -> str:
    """A crew member's kind: an officer's seat, or anyone whose role is officer now, is law enforcement."""
    if as_officer or user.role == OFFICER:
        return OFFICER_KIND
    return user.bh_role if user.bh_role in (LICENSED, PEER) else CLINICIAN_KIND


def team_on_scene(session, unit_id, on_scene_at) -> Team:
    """The team of the shift open on the unit when it reached the scene (empty: nobody known)."""
    shift = shift_at(session, unit_id, on_scene_at)
    if shift is None:
        return Team()
    return Team([(shift.clinician, kind_of(shift.clinician, as_officer=False)),
                 (shift.officer, OFFICER_KIND)])
