"""The referral lifecycle, called on the referrals service directly (no HTTP): made -> accepted |
declined | unable to contact -> in progress -> completed, or cancelled. Every allowed step is recorded
with who and from which status; every other step is refused and changes nothing; a failure needs a
reason; the same step sent again is a replay."""

import uuid

import pytest
from sqlalchemy import func, select

from fieldapp.errors import Conflict, Forbidden, Invalid
from fieldapp.referrals import constants as c
from fieldapp.referrals import services as referrals
from fieldapp.referrals.models import Referral, ReferralEvent

STATUSES = (c.MADE, c.ACCEPTED, c.DECLINED, c.UNABLE, c.IN_PROGRESS, c.COMPLETED, c.CANCELLED)
# The steps that reach each status from 'made', each allowed.
PATH_TO = {c.MADE: (), c.ACCEPTED: (c.ACCEPTED,), c.DECLINED: (c.DECLINED,), c.UNABLE: (c.UNABLE,),
           c.IN_PROGRESS: (c.ACCEPTED, c.IN_PROGRESS), c.COMPLETED: (c.ACCEPTED, c.IN_PROGRESS, c.COMPLETED),
           c.CANCELLED: (c.CANCELLED,)}
ALLOWED = [(old, new) for old, news in c.TRANSITIONS.items() for new in news]
REFUSED = [(old, new) for old in STATUSES for new in STATUSES if new not in c.TRANSITIONS.get(old, ())]


def step_data(status, reason=None, **extra):
    data = {"id": uuid.uuid4(), "status": status, **extra}
    if reason is not None:
        data["reason"] = reason
    return data


def with_reason(status):
    return step_data(status, reason="Lives outside the service area" if status in c.NEEDS_REASON else None)


def events(db, referral_id):
    """The referral's steps as (from, to, reason), in the order they chain (two steps recorded in one
    moment, as a declined consent's, have the same time)."""
    rows = list(db.session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == referral_id)))
    chain, status = [], None
    while rows:
        following = [event for event in rows if event.from_status == status]
        assert len(following) == 1, (status, [(e.from_status, e.status) for e in rows])
        rows.remove(following[0])
        chain.append((following[0].from_status, following[0].status, following[0].reason))
        status = following[0].status
    return chain


@pytest.fixture
def referral(db, crew_encounter, shift, services_directory):
    """A referral made with verbal consent by the clinician, through the service."""
    made, created = referrals.make_referral(crew_encounter.id, {
        "id": uuid.uuid4(), "service_id": services_directory["mental"].id,
        "consent": {"type": "verbal", "given_by": "the person"}}, by=shift.clinician)
    assert created and made.status == c.MADE
    return made


def walk(referral, status, by):
    for earlier in PATH_TO[status]:
        referrals.change_status(referral.id, with_reason(earlier), by=by)


def test_a_new_referral_is_made_with_one_event_and_a_due_date(db, referral):
    db.session.expire_all()
    stored = db.session.get(Referral, referral.id)
    assert stored.status == c.MADE and stored.closed_at is None and stored.due_at > stored.recorded_at
    assert events(db, referral.id) == [(None, c.MADE, None)]


@pytest.mark.parametrize(("old", "new"), ALLOWED, ids=[f"{old}->{new}" for old, new in ALLOWED])
def test_each_allowed_step_is_recorded(db, referral, shift, old, new):
    walk(referral, old, shift.clinician)
    before = events(db, referral.id)
    data = with_reason(new)
    event, created = referrals.change_status(referral.id, data, by=shift.clinician)
    assert created and event.id == data["id"]
    db.session.expire_all()
    stored = db.session.get(Referral, referral.id)
    assert stored.status == new
    assert (stored.closed_at is not None) == (new not in c.OPEN)
    assert events(db, referral.id) == [*before, (old, new, data.get("reason"))]
    assert db.session.get(ReferralEvent, data["id"]).user_id == shift.clinician.id


@pytest.mark.parametrize(("old", "new"), REFUSED, ids=[f"{old}->{new}" for old, new in REFUSED])
def test_every_other_step_is_refused_and_changes_nothing(db, referral, shift, old, new):
    walk(referral, old, shift.clinician)
    before = events(db, referral.id)
    with pytest.raises(Conflict) as refusal:
        referrals.change_status(referral.id, step_data(new, reason="A reason, in case"), by=shift.clinician)
    db.session.rollback()
    assert refusal.value.code == "invalid_transition" and "status" in refusal.value.fields
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == old
    assert events(db, referral.id) == before


@pytest.mark.parametrize("status", c.NEEDS_REASON)
@pytest.mark.parametrize("reason", [None, "", "   "], ids=["none", "empty", "blank"])
def test_a_failure_needs_a_reason(db, referral, shift, status, reason):
    with pytest.raises(Invalid) as refusal:
        referrals.change_status(referral.id, step_data(status, reason=reason), by=shift.clinician)
    db.session.rollback()
    assert "reason" in refusal.value.fields
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == c.MADE
    assert events(db, referral.id) == [(None, c.MADE, None)]


def test_a_step_that_is_no_failure_needs_no_reason(db, referral, shift):
    referrals.change_status(referral.id, step_data(c.ACCEPTED), by=shift.clinician)
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == c.ACCEPTED


def test_declined_consent_makes_a_referral_that_is_closed_at_once(db, crew_encounter, shift, services_directory):
    made, _ = referrals.make_referral(crew_encounter.id, {
        "id": uuid.uuid4(), "service_id": services_directory["mental"].id,
        "consent": {"type": "declined", "given_by": "the person"}}, by=shift.officer)
    db.session.expire_all()
    stored = db.session.get(Referral, made.id)
    assert stored.status == c.DECLINED and stored.closed_at is not None
    assert events(db, made.id) == [(None, c.MADE, None), (c.MADE, c.DECLINED, "Consent declined")]
    with pytest.raises(Conflict):
        referrals.change_status(made.id, step_data(c.ACCEPTED), by=shift.clinician)


def test_clinicians_and_the_maker_track_a_referral_and_nobody_else(db, referral, crew_encounter, shift,
                                                                    services_directory):
    with pytest.raises(Forbidden):
        referrals.change_status(referral.id, step_data(c.ACCEPTED), by=shift.officer)  # made by the clinician
    db.session.rollback()
    by_officer, _ = referrals.make_referral(crew_encounter.id, {
        "id": uuid.uuid4(), "service_id": services_directory["mental"].id,
        "consent": {"type": "verbal", "given_by": "the person"}}, by=shift.officer)
    referrals.change_status(by_officer.id, step_data(c.ACCEPTED), by=shift.officer)
    db.session.expire_all()
    assert db.session.get(Referral, referral.id).status == c.MADE
    assert db.session.get(Referral, by_officer.id).status == c.ACCEPTED


def test_the_same_step_again_is_a_replay_and_another_step_with_its_id_a_conflict(db, referral, shift):
    data = step_data(c.ACCEPTED)
    first, created = referrals.change_status(referral.id, data, by=shift.clinician)
    again, created_again = referrals.change_status(referral.id, dict(data), by=shift.clinician)
    assert (created, created_again) == (True, False) and again.id == first.id
    with pytest.raises(Conflict):
        referrals.change_status(referral.id, {**data, "status": c.DECLINED, "reason": "x"}, by=shift.clinician)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReferralEvent)) == 2  # made, accepted
