"""The daily roll-ups give the figures the records give (docs/metrics.md, "Performance").

hypothesis draws random calls, encounters, people, referrals and follow-ups, written in several
transactions the way the app writes them: records arriving late (an encounter on a call of weeks
ago), a call reassigned to another unit or retyped afterwards, a person's details corrected, an
encounter removed, a follow-up contact or a call's final type recorded later. After each
transaction every figure summed from the roll-ups must equal the one computed from the records,
for random periods, units and call types, on SQLite and PostgreSQL.
"""

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from fieldapp.calls.models import Call, CallEvent
from fieldapp.calls.services import note_milestone
from fieldapp.directory.models import Organization, Service
from fieldapp.encounters.constants import apco_code
from fieldapp.encounters.models import Encounter
from fieldapp.followup_contacts.models import FollowUpContact
from fieldapp.metrics import jobs as metrics_jobs
from fieldapp.metrics import services, spans, tracking
from fieldapp.metrics.filters import Filters, Periods
from fieldapp.metrics.models import ROLLUPS, CallDay, DirtySpan, RollupState
from fieldapp.notes.models import FollowUp, Note
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.units.models import Unit
from tests.fixtures.database import empty_tables
from tests.fixtures.metrics_data import NOW

ZONE = "America/New_York"
START = datetime(2026, 2, 20, 5, 0, tzinfo=UTC)  # calls over 40 days from here (a DST change in March)
TYPES = ("EDP", "MNTL", "OD")
FATES = ("cleared", "on_scene", "pending", "cancelled_before", "cancelled_after", "unable_to_locate", "no_disposition")


def _empty(db):
    db.session.rollback()
    with db.engine.begin() as connection:
        empty_tables(connection)


def _hash():
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


class World:
    """Writes records the way the services do (ORM objects, milestones through note_milestone)."""

    def __init__(self, session, draw, author):
        self.session, self.draw, self.author = session, draw, author
        self.units = [Unit(call_sign="R-A"), Unit(call_sign="R-B")]
        org = Organization(name="Harbor")
        self.services = [Service(organization=org, name="Crisis", category="mental_health"),
                         Service(organization=org, name="Opioid", category="substance_use", part2_program=True)]
        self.people = [Person(given_name=f"P{n}", family_name="X", gender=draw(st.sampled_from(["man", "woman"])),
                              dob=draw(st.sampled_from([None, date(1990, 3, 10), date(2010, 2, 28)])),
                              approx_age=draw(st.sampled_from([None, 30, 70])),
                              race_ethnicity=draw(st.sampled_from([["white"], ["black", "white"], []])),
                              preferred_language="en") for n in range(4)]
        self.calls, self.encounters, self.referrals, self.kept = [], [], [], set()
        session.add_all([*self.units, org, *self.services, *self.people])

    def minutes(self):
        # Whole minutes, ties and fractions of seconds; now and then a device clock error (negative).
        return self.draw(st.sampled_from([-2, 0, 1, 1, 3, 3.5, 7.25, 12, 12, 45, 61.001, 300]))

    def call(self):
        draw = self.draw
        received = START + timedelta(minutes=draw(st.integers(0, 40 * 24 * 60)))
        unit = draw(st.sampled_from([*self.units, None]))
        fate = draw(st.sampled_from(FATES))
        call = Call(received_at=received, created_at=received, call_type=draw(st.sampled_from(TYPES)),
                    priority=draw(st.integers(1, 4)),
                    status="pending", unit=unit,
                    source=draw(st.sampled_from([None, "911", "988"])), district=draw(st.sampled_from([None, "N"])),
                    final_call_type=draw(st.sampled_from([None, *TYPES])))
        # Few addresses, so calls repeat at them (a call written later may be earlier than others).
        call.address = draw(st.sampled_from(["1 Main St", "1 Main St", "2 Oak Ave", ""]))
        call.address_key = call.address.lower()
        call.eligible = draw(st.sampled_from([None, True, False]))
        call.ineligible_reason = "medical_emergency" if call.eligible is False else None
        self.session.add(call)
        moment = received
        steps = []
        if fate == "cancelled_before":
            steps = [("cancelled", "cancelled", None)]
        elif fate != "pending" and unit is not None:
            steps = [("assigned", "assigned", None)]
            if draw(st.booleans()):  # en route to clear (program_times): kept with the CAD times
                steps.append(("status", "en_route", None))
            if fate == "cancelled_after":
                steps.append(("cancelled", "cancelled", None))
            else:
                steps.append(("status", "on_scene", None))
                if fate != "on_scene":
                    disposition = {"cleared": "encounter_logged", "unable_to_locate": "unable_to_locate"}.get(fate)
                    steps.append(("status", "cleared", disposition))
        for kind, status, disposition in steps:
            moment = moment + timedelta(minutes=self.minutes())
            event = CallEvent(call=call, kind=kind, status=status, recorded_at=moment, received_at=moment,
                              disposition=disposition, unit=unit)
            self.session.add(event)
            note_milestone(call, event)
            call.status = status
            if status in ("cleared", "cancelled"):
                call.disposition = disposition
        self.calls.append(call)

    def encounter(self):
        draw = self.draw
        call = draw(st.sampled_from(self.calls))
        person = draw(st.sampled_from([*self.people, None]))
        outcome = draw(st.sampled_from(["resolved", "referred", "hospitalized", "arrested"]))
        encounter = Encounter(id=uuid.uuid4(), call=call, person=person, outcome=outcome, transport="none",
                              hospitalization_type="involuntary" if outcome == "hospitalized" else None,
                              probable_cause=draw(st.booleans()), diverted=draw(st.booleans()),
                              apco_code=apco_code(outcome, "none"), recorded_at=call.received_at,
                              received_at=NOW, request_hash=_hash(), concerns=[],
                              backup_requested=draw(st.booleans()), declined_services=draw(st.booleans()),
                              contact_mode=draw(st.sampled_from([None, "phone"])),
                              transport_destination=draw(st.sampled_from([None, "shelter", "jail"])))
        if encounter.backup_requested and draw(st.booleans()):  # backup's response time (program_times)
            encounter.backup_requested_at = call.received_at + timedelta(minutes=self.minutes())
            if draw(st.booleans()):  # else backup never arrived
                encounter.backup_arrived_at = encounter.backup_requested_at + timedelta(minutes=self.minutes())
        self.session.add(encounter)
        for _ in range(draw(st.integers(0, 2))):
            self.contact(encounter)
        self.encounters.append(encounter)
        if person is not None and draw(st.booleans()):
            self.session.flush()
            self.kept.add(encounter.id)  # it has a referral and a note now: never removed
            made = call.received_at + timedelta(hours=1)
            self.session.add(referral := Referral(id=uuid.uuid4(), encounter=encounter, person=person,
                                      service=draw(st.sampled_from(self.services)),
                                      status=draw(st.sampled_from(["made", "accepted", "completed"])),
                                      consent_type=draw(st.sampled_from(["verbal", "declined"])),
                                      consent_given_by="the person", consent_at=made, due_at=made, recorded_at=made,
                                      request_hash=_hash()))
            self.referrals.append(referral)
            for _ in range(draw(st.integers(0, 2))):
                self.referral_event(referral)
            note = Note(id=uuid.uuid4(), encounter_id=encounter.id, person_id=person.id, author_id=self.author.id,
                        body="x", recorded_at=made, signed_at=made, request_hash=_hash())
            due = call.received_at + timedelta(days=3)
            done = draw(st.sampled_from([None, due - timedelta(hours=1), due + timedelta(hours=1)]))
            self.session.add_all([note, FollowUp(note=note, person_id=person.id, encounter_id=encounter.id,
                                                 assignee_id=self.author.id, due_at=due, created_at=made,
                                                 done_at=done)])

    def contact(self, encounter):
        """A follow-up contact on the encounter, an hour to days after it (it is kept from then on)."""
        self.kept.add(encounter.id)
        self.session.add(FollowUpContact(
            id=uuid.uuid4(), encounter=encounter, person=encounter.person, mode="phone",
            reached=self.draw(st.booleans()), result="stable", request_hash=_hash(),
            contacted_at=encounter.recorded_at + timedelta(hours=self.draw(st.sampled_from([1, 47, 49, 73, 200])))))

    def referral_event(self, referral):
        """A partner's 'accepted' or 'completed' (referral to accepted / completed), hours after the referral."""
        self.session.add(ReferralEvent(
            referral=referral, status=self.draw(st.sampled_from(["accepted", "completed"])),
            recorded_at=referral.recorded_at + timedelta(hours=self.draw(st.sampled_from([-1, 2, 2, 30.5]))),
            received_at=NOW))

    def change(self):
        """A late change to something already recorded."""
        draw = self.draw
        what = draw(st.sampled_from(["reassign", "retype", "person", "remove", "late", "contact", "final",
                                     "priority", "en_route", "readdress", "referral", "backup"]))
        if what == "reassign" and self.calls:
            draw(st.sampled_from(self.calls)).unit = draw(st.sampled_from(self.units))
        elif what == "retype" and self.calls:
            draw(st.sampled_from(self.calls)).call_type = draw(st.sampled_from(TYPES))
        elif what == "person":
            person = draw(st.sampled_from(self.people))
            person.gender, person.race_ethnicity = "nonbinary", ["asian"]
        elif what == "remove" and self.encounters:
            encounter = draw(st.sampled_from(self.encounters))
            if encounter.id not in self.kept:
                self.session.flush()
                self.encounters.remove(encounter)
                self.session.delete(encounter)
        elif what == "late" and self.calls:
            self.encounter()
        elif what == "contact" and self.encounters:  # a follow-up contact recorded days later
            self.contact(draw(st.sampled_from(self.encounters)))
        elif what == "priority" and self.calls:
            draw(st.sampled_from(self.calls)).priority = draw(st.integers(1, 4))
        elif what == "en_route" and self.calls:  # a late offline 'en route' status, after the call was cleared
            call = draw(st.sampled_from(self.calls))
            moment = call.received_at + timedelta(minutes=self.minutes())
            event = CallEvent(call=call, kind="status", status="en_route", recorded_at=moment, received_at=NOW,
                              unit=call.unit)
            self.session.add(event)
            note_milestone(call, event)  # as calls.services.record_event does for every entry
        elif what == "readdress" and self.calls:  # the address corrected: repeats move with it
            call = draw(st.sampled_from(self.calls))
            call.address = draw(st.sampled_from(["1 Main St", "2 Oak Ave", "3 Elm St", ""]))
            call.address_key = call.address.lower()
        elif what == "referral" and self.referrals:  # the partner answers days later
            self.referral_event(draw(st.sampled_from(self.referrals)))
        elif what == "backup" and self.encounters:  # backup's arrival written afterwards
            encounter = draw(st.sampled_from(self.encounters))
            encounter.backup_requested = True
            encounter.backup_requested_at = encounter.call.received_at + timedelta(minutes=self.minutes())
            encounter.backup_arrived_at = encounter.backup_requested_at + timedelta(minutes=self.minutes())
        elif what == "final" and self.calls:  # the type found on scene, eligibility assessed afterwards
            call = draw(st.sampled_from(self.calls))
            call.final_call_type, call.eligible, call.ineligible_reason = draw(st.sampled_from(TYPES)), True, None


def _assert_same(session, draw):
    start = date(2026, 1, 20) + timedelta(days=draw(st.integers(0, 60)))
    days = draw(st.integers(1, 75))
    unit_id = draw(st.sampled_from([None, *session.scalars(select(Unit.id))]))
    call_type = draw(st.sampled_from([None, *TYPES]))
    current = Filters(start, start + timedelta(days=days), ZONE, unit_id, call_type)
    periods = Periods.of(current.previous(), current)
    assert tracking.ready(session, ZONE)
    from_records = services.compute_together(session, periods, now=NOW, source="records")
    # The months and weeks the writes marked are read as their days until the job makes them again.
    assert services.compute_together(session, periods, now=NOW, source="rollups") == from_records
    spans.refresh(session)
    assert not spans.dirty(session)
    assert services.compute_together(session, periods, now=NOW, source="rollups") == from_records


@settings(max_examples=25, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_rollups_equal_the_records_through_late_and_changed_records(db, make_user, data, monkeypatch):
    monkeypatch.setattr(metrics_jobs, "enqueue_after_commit", lambda session: None)  # the test runs the job
    _empty(db)
    author = make_user("clinician")
    world = World(db.session, data.draw, author)
    for _ in range(data.draw(st.integers(1, 4))):  # one transaction per batch, as requests arrive
        for _ in range(data.draw(st.integers(1, 6))):
            world.call()
        db.session.flush()
        for _ in range(data.draw(st.integers(0, 6))):
            world.encounter()
        db.session.flush()
        for _ in range(data.draw(st.integers(0, 3))):
            world.change()
        db.session.commit()
        _assert_same(db.session, data.draw)
    _empty(db)


def _rows(session) -> dict:
    """Every roll-up row of every table, as sums by all their columns but the id."""
    found = {}
    for model in ROLLUPS:
        table = model.__table__
        keys = [column for column in table.c if column.name not in ("id", "n")]
        found[table.name] = sorted((tuple(row) for row in session.execute(
            select(*keys, func.sum(table.c.n)).group_by(*keys))), key=repr)
    return found


def test_rebuild_makes_the_same_rollups_as_the_writes_once_the_job_has_made_their_months_and_weeks(app, db,
                                                                                                   make_user):
    from tests.fixtures import metrics_data

    metrics_data.build(db.session, make_user("clinician"))
    assert app.extensions["fieldapp_jobs"].wait_idle(10)  # the job enqueued by each commit (in-process here)
    db.session.rollback()
    assert not spans.dirty(db.session)
    assert db.session.scalar(select(func.count()).where(CallDay.month.is_(True), CallDay.n > 0))  # the job's
    kept = _rows(db.session)
    tracking.rebuild_all(db.session, ZONE)
    db.session.commit()
    rebuilt = _rows(db.session)
    assert kept["metrics_call_days"]
    assert kept == rebuilt


def test_a_span_marked_again_while_the_job_makes_it_stays_marked(db, make_user, monkeypatch):
    """A commit that re-rolls a day while the job sums its month moves the mark's generation on: the
    job's rows may miss that commit, so the mark stays for the next job, which counts it."""
    from tests.fixtures import metrics_data

    monkeypatch.setattr(metrics_jobs, "enqueue_after_commit", lambda session: None)
    metrics_data.build(db.session, make_user("clinician"))
    marked = spans.dirty(db.session)
    assert ("month", date(2026, 3, 1)) in marked
    make = spans.make

    def make_meanwhile(session, made):
        if made[0][:2] == ("month", date(2026, 3, 1)):
            with db.engine.begin() as other:  # another transaction marks it again (commits first)
                other.execute(update(DirtySpan).where(DirtySpan.span == "month", DirtySpan.day == date(2026, 3, 1))
                              .values(generation=DirtySpan.generation + 1))
        make(session, made)

    monkeypatch.setattr(spans, "make", make_meanwhile)
    spans.refresh(db.session)
    assert spans.dirty(db.session) == {("month", date(2026, 3, 1))}
    monkeypatch.setattr(spans, "make", make)
    spans.refresh(db.session)
    assert not spans.dirty(db.session)


def test_stale_rollups_are_not_used_until_rebuilt(db, make_user):
    from tests.fixtures import metrics_data

    metrics_data.build(db.session, make_user("clinician"))
    db.session.execute(RollupState.__table__.update().values(stale=True))
    db.session.commit()
    assert not tracking.ready(db.session, ZONE)
    tracking.rebuild_all(db.session, ZONE)
    db.session.commit()
    assert tracking.ready(db.session, ZONE)
    assert not tracking.ready(db.session, "Europe/Paris")  # days in another zone: rebuild first


def test_a_call_written_late_makes_a_later_call_at_its_address_a_repeat_in_the_rollups(db):
    """The repeat-address count of a day depends on calls of other days: a call received earlier but
    written later, or an address corrected, must re-roll the later calls' days (tracking)."""
    _empty(db)

    def add(day, address):
        received = START + timedelta(days=day)
        call = Call(received_at=received, created_at=received, call_type="EDP", priority=2, address=address,
                    address_key=address.lower(), status="pending")
        db.session.add(call)
        db.session.commit()
        return call

    def repeats(source):
        period = Filters(date(2026, 3, 8), date(2026, 3, 9), ZONE)  # START + 16 days only
        figures = services.compute_together(db.session, Periods.of(period), now=NOW, source=source)[0]
        db.session.rollback()
        return figures["program"]["repeat_addresses"]

    later = add(16, "9 Pier Rd")
    assert repeats("rollups") == repeats("records") == {"calls": 1, "repeat_calls": 0, "share": 0.0,
                                                          "window_days": 90}
    earlier = add(2, "9 Pier Rd")  # received two weeks before, written now (a CAD backfill)
    assert repeats("rollups") == repeats("records") == {"calls": 1, "repeat_calls": 1, "share": 1.0,
                                                          "window_days": 90}
    earlier.address, earlier.address_key = "10 Pier Rd", "10 pier rd"  # the address corrected
    db.session.commit()
    assert repeats("rollups")["repeat_calls"] == repeats("records")["repeat_calls"] == 0
    earlier.address, earlier.address_key = "9 Pier Rd", "9 pier rd"
    db.session.commit()
    db.session.delete(earlier)  # and removed
    db.session.commit()
    assert repeats("rollups")["repeat_calls"] == repeats("records")["repeat_calls"] == 0
    assert later.id is not None
    _empty(db)


def test_a_breach_alert_re_rolls_no_day(db, monkeypatch):
    """The response clock's alert (a background job) marks the call and nothing a roll-up reads: it
    must not mark the call's month and week while a job, or a test, sums them."""
    monkeypatch.setattr(metrics_jobs, "enqueue_after_commit", lambda session: None)
    _empty(db)
    call = Call(received_at=START, created_at=START, call_type="EDP", priority=2, address="1 Main St",
                address_key="1 main st", status="pending")
    db.session.add(call)
    db.session.commit()
    assert tracking.ready(db.session, ZONE)
    spans.refresh(db.session)
    assert not spans.dirty(db.session)
    call.breach_alerted_at = START + timedelta(hours=1)
    db.session.commit()
    assert not spans.dirty(db.session)
    call.priority = 1  # a column the roll-ups read still marks them
    db.session.commit()
    assert spans.dirty(db.session)
