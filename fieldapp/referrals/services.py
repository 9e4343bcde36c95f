"""Referral rules: consent, 42 CFR Part 2, the closed-loop lifecycle, who sees which referral."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from fieldapp.audit import services as audit
from fieldapp.clock import utcnow
from fieldapp.database import like_pattern
from fieldapp.directory.models import Organization, Service
from fieldapp.encounters import services as encounters
from fieldapp.encounters.models import Encounter
from fieldapp.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from fieldapp.extensions import db
from fieldapp.idempotency import commit_or_replay, fingerprint, id_conflict, replay_of, saved_meanwhile
from fieldapp.people.models import Person
from fieldapp.records import get_visible
from fieldapp.referrals import constants as c
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.roles import CLINICIAN
from fieldapp.visibility import sees_clinical

MAX_TERMS = 6


def is_overdue(referral: Referral, now=None) -> bool:
    return referral.status in c.OPEN and referral.due_at < (now or utcnow())


def _check_consent(consent: dict, service: Service, by) -> None:
    if service.part2_program:
        if by.role != CLINICIAN:
            raise Forbidden(_("Referrals to substance-use treatment programs (42 CFR Part 2) are made by the "
                              "clinician."))
        if consent["type"] == "verbal":
            raise Invalid(_("A 42 CFR Part 2 program needs written consent."),
                          fields={"consent.type": [_("Written consent is required for this service.")]})
        if consent["type"] == "written":
            part2 = consent.get("part2") or {}
            missing = [name for name in c.PART2_ELEMENTS if part2.get(name) in (None, "")]
            if missing:
                raise Invalid(_("The written consent is missing elements 42 CFR 2.31 requires."),
                              fields={f"consent.part2.{name}": [f"Required: {c.PART2_ELEMENTS[name]}."]
                                      for name in missing})
            if part2.get("revocation_explained") is not True:
                raise Invalid(_("Tell the person they may revoke consent, and record that you did."),
                              fields={"consent.part2.revocation_explained": [_("Must be true.")]})
    elif consent.get("part2"):
        raise Invalid(_("Part 2 consent is only for substance-use treatment programs."),
                      fields={"consent.part2": [_("Not a 42 CFR Part 2 program.")]})


def make_referral(encounter_id, data: dict, *, by) -> tuple[Referral, bool]:
    """Refer the person of an encounter to a service. Idempotent on the device-made ``id``."""
    body_hash = fingerprint({"encounter_id": encounter_id, **data})
    rules = {"reveal": lambda found: get_referral(by, found.id, audit_read=False),
             "parent": lambda found: found.encounter_id == encounter_id}
    existing = replay_of(Referral, data["id"], body_hash, what="referral", **rules)
    if existing is not None:
        return existing, False
    encounter = encounters.get_encounter(by, encounter_id, audit_read=False)
    referral = add_referral(encounter, data, by=by, body_hash=body_hash)
    return commit_or_replay(referral, body_hash, what="referral", **rules)


def add_with_encounter(encounter, data: dict, *, by) -> Referral:
    """The referral sent with a new encounter, added to the same unit of work (committed with it).
    Refusals name their fields under ``referral.``."""
    if db.session.get(Referral, data["id"]) is not None:  # the encounter is new: so is any referral of it
        get_referral(by, data["id"], audit_read=False)
        raise id_conflict("referral", "referral.id")
    try:
        return add_referral(encounter, data, by=by,
                            body_hash=fingerprint({"encounter_id": encounter.id, **data}))
    except ServiceError as error:
        error.fields = {f"referral.{name}": value for name, value in (error.fields or {}).items()}
        raise


def add_referral(encounter, data: dict, *, by, body_hash: str) -> Referral:
    """Check a new referral of ``encounter``'s person and add it to the session, not committed."""
    service = db.session.get(Service, data["service_id"])
    if service is None:
        raise NotFound(_("No such service."), fields={"service_id": [_("Choose a service from the list.")]})
    if service.status != "active":
        raise Invalid(_("%(name)s is %(status)s; choose another service.", name=service.name, status=service.status),
                      fields={"service_id": [_("This service is %(status)s: choose another.", status=service.status)]})
    consent = data["consent"]
    _check_consent(consent, service, by)
    now = utcnow()
    recorded_at = data.get("recorded_at") or now
    declined = consent["type"] == "declined"
    days = current_app.config["REFERRAL_FOLLOW_THROUGH_DAYS"]
    referral = Referral(
        id=data["id"], encounter=encounter, person=encounter.person, service=service,
        status=c.DECLINED if declined else c.MADE, consent_type=consent["type"],
        consent_given_by=consent["given_by"], consent_at=consent.get("at") or recorded_at,
        part2_consent=_jsonable(consent.get("part2")) if service.part2_program else None,
        note=data.get("note") or "", due_at=data.get("due_at") or recorded_at + timedelta(days=days),
        closed_at=now if declined else None, recorded_at=recorded_at, created_by_id=by.id, request_hash=body_hash)
    db.session.add(referral)
    db.session.add(ReferralEvent(referral=referral, status=c.MADE, user_id=by.id, recorded_at=recorded_at))
    if declined:
        db.session.add(ReferralEvent(referral=referral, from_status=c.MADE, status=c.DECLINED,
                                     reason="Consent declined", user_id=by.id, recorded_at=recorded_at))
    audit.record("referral.create", object_type="referrals", object_id=referral.id, user=by,
                 details={"encounter_id": str(encounter.id), "service_id": str(service.id),
                          "part2": service.part2_program})
    return referral


def _jsonable(part2):
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in part2.items()} \
        if part2 else None


def may_track(user, referral: Referral) -> bool:
    """Clinicians track every referral; anyone else only the ones they made."""
    return user.role == CLINICIAN or referral.created_by_id == user.id


def change_status(referral_id, data: dict, *, by) -> tuple[ReferralEvent, bool]:
    """Move a referral one step; failures (declined, unable to contact, cancelled) need a reason."""
    body_hash = fingerprint({"referral_id": str(referral_id), **data})
    rules = {"reveal": lambda found: get_referral(by, found.referral_id, audit_read=False),
             "parent": lambda found: found.referral_id == referral_id}
    existing = replay_of(ReferralEvent, data["id"], body_hash, what="referral step", **rules)
    if existing is not None:
        return existing, False
    referral = get_referral(by, referral_id, audit_read=False)
    if not may_track(by, referral):
        raise Forbidden(_("Clinicians, and whoever made the referral, track it."))
    return apply_step(referral, data, body_hash, actor=by, user_id=by.id)


def apply_step(referral: Referral, data: dict, body_hash: str, *, actor, user_id=None,
               partner=None) -> tuple[ReferralEvent, bool]:
    """The lifecycle rule, for every way a step arrives (a user here, a partner organization through
    FHIR): the transition must be allowed, a failure needs a reason; recorded, audited, committed."""
    referral = db.session.scalar(select(Referral).where(Referral.id == referral.id).with_for_update(of=Referral)
                                 .execution_options(populate_existing=True))  # one step at a time, re-read
    # A step's id saved meanwhile under another referral is a conflict; the caller's sight of this
    # referral was checked before (a user in change_status, a partner by its Task).
    rules = {"parent": lambda found: found.referral_id == referral.id}
    replay = saved_meanwhile(ReferralEvent, data["id"], body_hash, what="referral step", **rules)
    if replay is not None:
        return replay, False
    status, reason = data["status"], (data.get("reason") or "").strip()
    allowed = c.TRANSITIONS.get(referral.status, ())
    if status not in allowed:
        options = ", ".join(str(c.STATUS_LABELS[s]).lower() for s in allowed) or _("nothing (it is closed)")
        raise Conflict(_("A referral that is %(status)s cannot become %(target)s; it can become: %(options)s.",
                         status=str(c.STATUS_LABELS[referral.status]).lower(),
                         target=str(c.STATUS_LABELS[status]).lower(), options=options),
                       fields={"status": [_("Not allowed from %(code)s.", code=referral.status)]},
                       code="invalid_transition")
    if status in c.NEEDS_REASON and not reason:
        raise Invalid(_("Say why the referral is %(lower)s.", lower=c.STATUS_LABELS[status].lower()),
                      fields={"reason": [_("A reason is required for this step.")]})
    event = ReferralEvent(id=data["id"], referral=referral, from_status=referral.status, status=status,
                          reason=reason or None, user_id=user_id, partner=partner,
                          recorded_at=data.get("recorded_at") or utcnow(), request_hash=body_hash)
    referral.status = status
    if status not in c.OPEN:
        referral.closed_at = utcnow()
    db.session.add(event)
    details = {"from": event.from_status, "to": status}
    if partner:
        details["partner"] = partner
    audit.record("referral.status", obj=referral, user=actor, details=details)
    return commit_or_replay(event, body_hash, what="referral step", **rules)


def visible_referrals_query(user):
    if sees_clinical(user.role):
        return select(Referral)
    visible = encounters.visible_encounters_query(user).with_only_columns(Encounter.id)
    return (select(Referral).join(Service, Referral.service_id == Service.id)
            .where(Referral.encounter_id.in_(visible), Service.part2_program.is_(False)))


def get_referral(user, referral_id, *, audit_read=True) -> Referral:
    return get_visible(visible_referrals_query(user), Referral, referral_id, user=user, what="referral",
                       audit_read=audit_read)


def for_encounter(user, encounter) -> list[Referral]:
    query = visible_referrals_query(user).where(Referral.encounter_id == encounter.id).order_by(Referral.created_at)
    return db.session.scalars(query).all()


def _matching(query, q: str):
    """Referrals whose person's name or service's or organization's name holds every word of ``q``."""
    for term in q.split()[:MAX_TERMS]:
        pattern = like_pattern(term.lower())
        people = select(Person.id).where(or_(func.lower(Person.given_name).like(pattern, escape="\\"),
                                             func.lower(Person.family_name).like(pattern, escape="\\")))
        services = select(Service.id).join(Organization, Service.organization_id == Organization.id).where(
            or_(func.lower(Service.name).like(pattern, escape="\\"),
                func.lower(Organization.name).like(pattern, escape="\\")))
        query = query.where(or_(Referral.person_id.in_(people), Referral.service_id.in_(services)))
    return query


def list_referrals(user, *, status=None, overdue=False, mine=False, organization_id=None, q=None,
                   due_within_days=None, limit=500) -> list[Referral]:
    """The referral queue (clinicians): filter by status, overdue or due within some days, made by me,
    to one organization, or by words of the person's or the service's name."""
    query = visible_referrals_query(user)
    if q:
        query = _matching(query, q)
    if due_within_days:
        query = query.where(Referral.status.in_(c.OPEN), Referral.due_at < utcnow() + timedelta(days=due_within_days))
    if organization_id is not None:
        services = select(Service.id).where(Service.organization_id == organization_id)
        query = query.where(Referral.service_id.in_(services))
    if status:
        query = query.where(Referral.status.in_(status))
    if overdue:
        query = query.where(Referral.status.in_(c.OPEN), Referral.due_at < utcnow())
    if mine:
        query = query.where(Referral.created_by_id == user.id)
    found = db.session.scalars(query.order_by(Referral.due_at).limit(limit)).all()
    details = {"count": len(found), "overdue": overdue}
    if q:
        details["q"] = q[:100]
    audit.record("referral.list", user=user, details=details)
    db.session.commit()
    return found
