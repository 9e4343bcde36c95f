"""90 days of demo history for ``flask seed-demo``: shifts, calls, encounters, referrals and follow-ups.

Everything is written through the app's own services (units, calls, encounters, referrals, notes), as
the dispatcher and the two units' crews would, each step run as of its moment in the past
(``fieldapp.clock.clock_at``): each day the two crews open their shifts (``SHIFT_HOURS``), a call is
received, dispatched to a unit on duty, the crew taps its statuses, logs what happened, refers and
follows up days later; the shifts close when their calls are done. The random choices come from one
seeded generator, so every run writes the same history (relative to today). Each history call carries
a CAD incident id ``DEMO-nnnn``: when the first is there, the history is not written again.

A day's shifts, its calls and the later steps that fall due that day are saved as one batch, the way a phone's
outbox of records is (``fieldapp.uow.transaction``): each service runs and "commits" as it always
does, and what a commit does besides (the live events, the audit chain) is done once for the day.

The daily roll-ups are marked stale while the history is written and rebuilt once at the end
(``flask metrics rebuild``), which is much quicker than refreshing a day at every commit.
"""

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from fieldapp import clock, idempotency, uow
from fieldapp.calls import services as calls
from fieldapp.calls import status as status_changes
from fieldapp.calls.models import Call
from fieldapp.casefile import services as record
from fieldapp.demo import places
from fieldapp.directory.models import Service
from fieldapp.encounters.constants import FOLLOW_UP_AFTER, FOLLOW_UP_HOURS
from fieldapp.extensions import db
from fieldapp.metrics import tracking
from fieldapp.metrics.models import RollupState
from fieldapp.notes import services as notes
from fieldapp.notes.models import FollowUp
from fieldapp.referrals import services as referrals
from fieldapp.referrals.models import Referral
from fieldapp.units import services as units

DAYS = 90
# Local hours each crew is on duty (CR-1 with the licensed clinician, CR-2 with the peer), and when calls
# come in: the last call is done before the later shift ends (at most about 2 h 10 min), well before midnight.
SHIFT_HOURS = [(7, 19), (11, 23)]
CALLS_FROM, CALLS_UNTIL = 7, 21
SEED = 2026
FIRST_ID = "DEMO-0001"

CALL_TYPES = [("EDP", 22), ("MNTL", 22), ("WELFARE", 16), ("SUICTHRT", 9), ("OD", 5), ("MTLV", 4), ("DVNA", 4),
              ("SUICIDE", 2)]
FATES = [("served", 80), ("unable_to_locate", 5), ("refused", 4), ("cancelled_before", 4), ("cancelled_after", 3),
         ("other_agency", 2), ("not_eligible", 2)]
OUTCOMES = [("resolved", 45), ("referred", 32), ("hospitalized", 16), ("arrested", 7)]
CONCERNS = {"EDP": ["mental_health"], "MNTL": ["mental_health"], "WELFARE": ["welfare_check"],
            "SUICTHRT": ["suicidal_ideation", "mental_health"], "SUICIDE": ["suicidal_ideation"],
            "OD": ["substance_use", "medical"], "MTLV": ["mental_health", "medical"], "DVNA": ["domestic"]}
EXTRA_CONCERNS = ["homelessness", "substance_use", "youth", "medical"]
GENDERS = [("man", 50), ("woman", 43), ("nonbinary", 3), ("not_recorded", 4)]
RACES = [("white", 45), ("black", 25), ("hispanic_latino", 18), ("asian", 6), ("american_indian_alaska_native", 2),
         ("not_recorded", 4)]
STREETS = ["Main St", "Elm St", "Oak Ave", "Harbor View Rd", "Pine St", "River Rd", "Park Pl", "2nd Ave", "Mill Rd"]
GIVEN = ["Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Rosa", "Deshawn"]
FAMILY = ["Rivera", "Nguyen", "Smith", "Johnson", "Okafor", "Garcia", "Kim", "Brown", "Patel", "Walker", "Lopez"]


class _History:
    def __init__(self, users, units, now: datetime):
        self.rng = random.Random(SEED)
        self.users, self.units, self.now = users, units, now
        self.crews = [(units[0], users["officer1"], users["clinician1"]), (units[1], users["officer2"],
                                                                          users["clinician2"])]
        self.services = db.session.scalars(select(Service).where(Service.part2_program.is_(False),
                                                                 Service.status == "active")
                                           .order_by(Service.name)).all()
        self.people, self.number, self.held = [], 0, []
        self.on_duty: list[list[datetime]] = []  # this day's shift of each crew: [begins, ends]
        self.pending: list[tuple[datetime, callable]] = []  # later steps (referral steps, follow-ups done)

    def pick(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, moment: datetime, step, *args, **kwargs):
        """Run a service as of ``moment`` (a step later than now waits: it has not happened yet)."""
        if moment >= self.now:
            return None
        with clock.clock_at(moment):
            return step(*args, **kwargs)

    def run(self, progress=None):
        """Write every day's shifts and calls; ``progress(written, total)`` after each call when given."""
        start = clock.local_midnight(clock.today() - timedelta(days=DAYS - 1))  # the dashboard's default 90 days
        counts = [self.rng.choice((3, 4, 4, 5, 5, 6)) for _ in range(DAYS - 1)]  # to yesterday: today's are live
        total = sum(counts)
        for day, count in enumerate(counts):
            self.day(start + timedelta(days=day), count, progress, total)
        self.catch_up(self.now)

    def day(self, midnight: datetime, count: int, progress, total: int):
        """One day: the crews' shifts open, the calls in the order they came, the shifts close."""
        dispatcher = self.users["dispatcher"]
        self.on_duty = []
        received = sorted(midnight + timedelta(minutes=self.rng.randrange(CALLS_FROM * 60, CALLS_UNTIL * 60))
                          for _ in range(count))
        next_midnight = midnight + timedelta(days=1)
        with clock.clock_at(min(next_midnight, self.now)), uow.transaction(savepoints=False), idempotency.new_ids():
            crew_units = [db.session.merge(unit, load=False) for unit, _, _ in self.crews]  # into the batch's session
            # and the demo's users, held there while the batch runs: a service's get of a crew member finds it
            self.held = [db.session.merge(user, load=False) for user in self.users.values()]
            for unit, (_, officer, clinician), (begins, ends) in zip(crew_units, self.crews, SHIFT_HOURS, strict=True):
                self.at(midnight + timedelta(hours=begins), units.open_shift, unit, clinician_id=clinician.id,
                        officer_id=officer.id, by=dispatcher)
                self.on_duty.append([midnight + timedelta(hours=begins), midnight + timedelta(hours=ends)])
            for moment in received:
                self.call(moment)
                if progress:
                    progress(self.number, total)
            self.catch_up(next_midnight)
            for unit, (_, ends) in zip(crew_units, self.on_duty, strict=True):
                self.at(ends, units.close_shift, unit, by=dispatcher)

    def catch_up(self, until: datetime):
        """The later steps whose time has come, in time order."""
        due = sorted((item for item in self.pending if item[0] < until), key=lambda item: item[0])
        self.pending = [item for item in self.pending if item[0] >= until]
        for moment, step in due:
            self.at(moment, step)

    def call(self, received: datetime):
        self.number += 1
        call_type = self.pick(CALL_TYPES)
        dispatcher = self.users["dispatcher"]
        address = f"{self.rng.randrange(1, 999)} {self.rng.choice(STREETS)}"
        location = {"address": address, **places.coordinates(self.number)}
        call = self.at(received, lambda: calls.create_call(
            {"call_type": call_type, "priority": self.rng.choice((1, 2, 2, 3, 3, 4)), "location": location,
             "narrative": "Demo call.", "cautions": [], "external_id": f"DEMO-{self.number:04d}",
             "received_at": received}, by=dispatcher)[0])
        fate = self.pick(FATES)
        if fate == "cancelled_before":
            self.at(received + timedelta(minutes=self.rng.randrange(2, 20)), calls.cancel, call.id,
                    "Caller says the person has left.", by=dispatcher)
            return
        moment = received + timedelta(seconds=self.rng.randrange(30, 600))
        crew = self.rng.choice([index for index, (begins, ends) in enumerate(self.on_duty) if begins <= moment < ends])
        unit, officer, clinician = self.crews[crew]
        self.at(moment, calls.assign, call.id, unit.id, by=dispatcher)
        for status, minutes in (("acknowledged", (0, 2)), ("en_route", (0, 3)), ("on_scene", (3, 14))):
            moment += timedelta(seconds=self.rng.randrange(minutes[0] * 60 + 20, minutes[1] * 60 + 60))
            self.tap(call, officer, status, moment)
            if fate == "cancelled_after" and status == "en_route":
                self.at(moment + timedelta(minutes=3), calls.cancel, call.id, "Handled by patrol.", by=dispatcher)
                self.done_at(crew, moment + timedelta(minutes=3))
                return
        moment += timedelta(minutes=self.rng.randrange(15, 90))
        if fate == "served":
            for _ in range(self.rng.choice((1, 1, 1, 1, 2))):
                self.encounter(call, call_type, clinician, moment - timedelta(minutes=5))
        self.tap(call, officer, "cleared", moment, "encounter_logged" if fate == "served" else fate)
        self.done_at(crew, moment)

    def done_at(self, crew: int, moment: datetime):
        """The crew's shift closes once its last call is done (a few minutes later)."""
        self.on_duty[crew][1] = max(self.on_duty[crew][1], moment + timedelta(minutes=5))

    def tap(self, call, crew, status, moment, disposition=None):
        self.at(moment, status_changes.change_status, call.id, event_id=self.uid(), status=status,
                recorded_at=moment, disposition=disposition, by=crew)

    def person(self) -> dict:
        if self.people and self.rng.random() < 0.3:  # a third are people seen before
            return {"person_id": self.rng.choice(self.people)}
        person_id = self.uid()
        self.people.append(person_id)
        if self.rng.random() < 0.1:
            return {"person": {"id": person_id, "unidentified": True, "approx_age": self.rng.randrange(20, 70)}}
        return {"person": {"id": person_id, "given_name": self.rng.choice(GIVEN),
                           "family_name": self.rng.choice(FAMILY), "approx_age": self.rng.randrange(14, 85),
                           "gender": self.pick(GENDERS), "race_ethnicity": [self.pick(RACES)]}}

    def encounter(self, call, call_type, clinician, moment):
        outcome = self.pick(OUTCOMES)
        concerns = list(CONCERNS[call_type])
        if self.rng.random() < 0.3:
            concerns.append(self.rng.choice(EXTRA_CONCERNS))
        probable_cause = outcome == "arrested" or self.rng.random() < 0.08
        data = {"id": self.uid(), **self.person(), "outcome": outcome, "concerns": concerns,
                "probable_cause": probable_cause, "diverted": probable_cause and outcome != "arrested",
                "transport": {"hospitalized": self.rng.choice(("ems", "unit")), "arrested": "law_enforcement"}
                .get(outcome, "none"), "recorded_at": moment}
        if data["id"].int % 3:  # billing (issue 21): two in three give a Medicaid id (NY's format; no draw of rng)
            data["medicaid_id"] = f"DM{data['id'].int % 100000:05d}Q"
        if outcome == "hospitalized":
            data["hospitalization_type"] = self.rng.choice(("voluntary", "voluntary", "involuntary", "medical"))
        if outcome == "referred":  # the referral is made with the encounter (the outcome needs it)
            data["referral"] = self.referral_data(moment)
        encounter = self.at(moment, record.log_encounter, call.id, data, by=clinician)[0]
        if outcome == "referred":
            self.referral_steps(db.session.get(Referral, data["referral"]["id"]), clinician, moment)
        elif outcome == "resolved" and self.rng.random() < 0.2:
            self.referral(encounter, clinician, moment + timedelta(minutes=2))
        if outcome != "arrested" and self.rng.random() < 0.45:
            self.follow_up(encounter, clinician, moment + timedelta(minutes=10))

    def referral_data(self, moment) -> dict:
        declined = self.rng.random() < 0.08
        return {"id": self.uid(), "service_id": self.rng.choice(self.services).id, "recorded_at": moment,
                "consent": {"type": "declined" if declined else "verbal", "given_by": "the person"}}

    def referral(self, encounter, clinician, moment):
        data = self.referral_data(moment)
        referral = self.at(moment, referrals.make_referral, encounter.id, data, by=clinician)[0]
        self.referral_steps(referral, clinician, moment)

    def referral_steps(self, referral, clinician, moment):
        if referral.consent_type == "declined":
            return
        path = self.pick([(("accepted", "in_progress", "completed"), 55), (("accepted", "in_progress"), 15),
                          (("accepted",), 10), (("unable_to_contact",), 8), ((), 12)])
        step_at = moment
        for status in path:
            step_at += timedelta(hours=self.rng.randrange(4, 60))
            reason = "No answer after three tries." if status == "unable_to_contact" else None
            self.pending.append((step_at, lambda referral=referral, status=status, step_at=step_at, reason=reason:
                                 referrals.change_status(referral.id, {"id": self.uid(), "status": status,
                                                                       "reason": reason, "recorded_at": step_at},
                                                         by=clinician)))

    def follow_up(self, encounter, clinician, moment):
        due = moment + FOLLOW_UP_AFTER
        data = {"id": self.uid(), "body": f"Demo note: plan a check-in within {FOLLOW_UP_HOURS} hours.",
                "follow_up_due": due, "recorded_at": moment}
        note = self.at(moment, notes.add_note, data=data, encounter_id=encounter.id, by=clinician)[0]
        if self.rng.random() < 0.85:
            done = moment + timedelta(hours=self.rng.randrange(6, 100))  # most on time, some late
            task = db.session.scalar(select(FollowUp).where(FollowUp.note_id == note.id))
            self.pending.append((done, lambda task_id=task.id: notes.mark_done(
                task_id, "Reached by phone; engaged with services.", by=clinician)))


def written() -> bool:
    """Whether the history is there (its first call)."""
    return db.session.scalar(select(Call.id).where(Call.external_id == FIRST_ID)) is not None


def seed(users, demo_units, progress=None) -> int | None:
    """Write the history unless it is there; the number of calls written (None: already there).
    The units must be off duty (it opens and closes their past shifts). ``progress(written, total)``
    is called after each call."""
    if written():
        return None
    zone_state = db.session.get(RollupState, 1)
    if zone_state is None:
        tracking.rebuild_all(db.session, clock.zone_name())
        zone_state = db.session.get(RollupState, 1)
    zone_state.stale = True  # the day-by-day refresh is skipped; one rebuild at the end
    db.session.commit()
    history = _History(users, demo_units, clock.utcnow().replace(microsecond=0))
    # One writer, this one: what it committed stays loaded rather than read back after each of the ~3,000
    # commits (a quarter of the time). Only this command's session; the services run as they do anywhere.
    session = db.session()
    session.expire_on_commit = False
    try:
        history.run(progress)
    finally:
        session.expire_on_commit = True
    tracking.rebuild_all(db.session, clock.zone_name())
    db.session.commit()
    return history.number

