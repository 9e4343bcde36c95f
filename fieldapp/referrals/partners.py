"""Referrals as a partner (a service organization's integration account) sees and moves them.

A partner sees the referrals made to its organization's services, and no others; never one whose
consent was declined; a referral to a 42 CFR Part 2 program only with the person's written consent
(and every rendering of it carries the redisclosure notice). Its status changes follow the same
lifecycle rule as a clinician's (``services.apply_step``), with the partner as the actor.
"""

import uuid
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from fieldapp.audit import services as audit
from fieldapp.directory.models import Service
from fieldapp.errors import NotFound
from fieldapp.extensions import db
from fieldapp.idempotency import fingerprint
from fieldapp.referrals.models import Referral
from fieldapp.referrals.services import apply_step


@dataclass(frozen=True)
class Partner:
    """Who acts: the organization a partner integration account belongs to, and its name."""

    organization_id: uuid.UUID
    name: str
    account_id: int | None = None  # its integration account (issue 12, `integrations`); not a users.id

    @property
    def username(self) -> str:  # how the audit trail names the actor
        return f"partner:{self.name}"


def visible_to_partner_query(organization_id):
    return (select(Referral).join(Service, Referral.service_id == Service.id)
            .where(Service.organization_id == organization_id, Referral.consent_type != "declined",
                   or_(Service.part2_program.is_(False), Referral.consent_type == "written")))


def get_referral(partner: Partner, referral_id, *, audit_read=True) -> Referral:
    """The referral if the partner may see it, else 404 (as if it did not exist)."""
    query = visible_to_partner_query(partner.organization_id)
    referral = db.session.scalar(query.where(Referral.id == referral_id)) \
        if isinstance(referral_id, uuid.UUID) else None
    if referral is None:
        raise NotFound(_("No such referral."))
    if audit_read:
        audit.record("referral.view", obj=referral, user=partner, details={"partner": partner.name})
        db.session.commit()
    return referral


def list_referrals(partner: Partner, *, status=None, limit=500) -> list[Referral]:
    query = visible_to_partner_query(partner.organization_id)
    if status:
        query = query.where(Referral.status.in_(status))
    found = db.session.scalars(query.order_by(Referral.created_at, Referral.id).limit(limit)).all()
    audit.record("referral.list", user=partner, details={"count": len(found), "partner": partner.name})
    db.session.commit()
    return found


def change_status(partner: Partner, referral_id, status: str, reason=None) -> tuple[Referral, bool]:
    """Move the referral one step as ``partner``: (referral, changed). Asking for the status it
    already has changes nothing, so a partner's retry is harmless."""
    referral = get_referral(partner, referral_id, audit_read=False)
    if referral.status == status:
        return referral, False
    data = {"id": uuid.uuid4(), "status": status, "reason": reason}
    body_hash = fingerprint({"referral_id": str(referral.id), "partner": partner.name, **data})
    apply_step(referral, data, body_hash, actor=partner, partner=partner.name)
    return referral, True


def last_reason(referral: Referral) -> str | None:
    """Why the referral has its current status (the reason of the step that set it)."""
    steps = [event for event in referral.history if event.status == referral.status]
    return steps[-1].reason if steps else None
