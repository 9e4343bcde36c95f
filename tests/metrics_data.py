"""A small hand-made data set for the metrics and export tests, built directly with the ORM.

Every timestamp is explicit, so each metric's answer can be worked out by hand (the tests do).
The period under test is March 2026 in America/New_York: ``from=2026-03-01&to=2026-04-01``.

    call  type      unit  received (UTC)     timeline (device time)                       encounters
    C0    MNTL      A     2026-01-15 12:00   assigned, on scene, cleared                  E0 P3 resolved
    CP    WELFARE   A     2026-02-10 12:00   assigned +5 min, on scene +20, cleared +50    EP P5 resolved
    C1    EDP       A     2026-03-02 14:00   assigned +3m, on scene +15m, cleared +45m    E1 P1 resolved,
                                                                                          E2 P2 arrested (pc, force)
    C2    MNTL      A     2026-03-05 10:00   assigned +10m, on scene +30m, cleared +90m   E3 P1 hospitalized (invol.)
    C3    MNTL      B     2026-03-10 09:00   assigned +1m, on scene +6m, cleared +16m     E4 P3 referred (pc, diverted)
    C4    WELFARE   B     2026-03-12 12:00   assigned +2m, on scene -1m (!), cleared +29m  none: unable_to_locate
    C5    SUICTHRT  -     2026-03-15 08:00   cancelled while pending                      none
    C6    EDP       -     2026-03-20 08:00   pending, never assigned                      none
    C7    EDP       B     2026-03-25 16:00   assigned +5m, cancelled                      none
    C8    OD        A     2026-03-28 20:00   assigned +1m, on scene +21m (still there)    E5 P4 referred
    C9    EDP       A     2026-04-02 12:00   assigned, on scene, cleared                  E9 P2 resolved
"""

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta

from fieldapp.calls.models import Call, CallEvent
from fieldapp.calls.services import note_milestone
from fieldapp.directory.models import Organization, Service
from fieldapp.encounters.constants import apco_code
from fieldapp.encounters.models import Encounter
from fieldapp.notes.models import FollowUp, Note
from fieldapp.people.models import Person
from fieldapp.referrals.models import Referral, ReferralEvent
from fieldapp.units.models import Unit

PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}
NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
# Identifying text planted in the data: none of it may appear in a de-identified export.
IDENTIFIERS = ["Alicia", "Marchetti", "Brandon", "Oyelaran", "Carmen", "Villanueva", "Zebulon", "Quist",
               "742 Evergreen Terrace", "1313 Mockingbird Lane", "555-0199", "555-0142", "CAD-2026-000111",
               "CAD-2026-000222", "Rosebud Apartments", "CLINICAL-NOTE-SECRET", "REFERRAL-NOTE-SECRET",
               "NARRATIVE-SECRET", "CALL-NARRATIVE-SECRET"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class DataSet:
    def __init__(self, session):
        self.session = session
        self.unit_a = Unit(call_sign="CR-A")
        self.unit_b = Unit(call_sign="CR-B")
        org = Organization(name="Harbor Behavioral Health")
        self.mental = Service(organization=org, name="Mobile Crisis Follow-up", category="mental_health")
        self.housing = Service(organization=org, name="Harbor Shelter Line", category="housing")
        self.part2 = Service(organization=org, name="Harbor Opioid Treatment", category="substance_use",
                             part2_program=True)
        session.add_all([self.unit_a, self.unit_b, org, self.mental, self.housing, self.part2])

    def call(self, received, call_type, unit, steps, *, address="742 Evergreen Terrace", callback="555-0199",
             external_id=None):
        """``steps``: (kind, status, minutes after received, disposition) in order."""
        received = at(received)
        call = Call(received_at=received, created_at=received, call_type=call_type, priority=2, address=address,
                    address_key=address.lower(), narrative="CALL-NARRATIVE-SECRET caller upset", callback=callback,
                    external_id=external_id, status="pending", unit=unit)
        self.session.add(call)
        self.session.add(CallEvent(call=call, kind="created", status="pending", recorded_at=received,
                                   received_at=received))
        for kind, status, minutes, disposition in steps:
            moment = received + timedelta(minutes=minutes)
            event = CallEvent(call=call, kind=kind, status=status, recorded_at=moment,
                              received_at=received + timedelta(minutes=abs(minutes)), disposition=disposition,
                              unit=unit)
            self.session.add(event)
            note_milestone(call, event)  # the call's milestone times, as calls.services writes them
            call.status = status
            if status in ("cleared", "cancelled"):
                call.closed_at = moment
                call.disposition = disposition
        return call

    def person(self, given, family, *, dob=None, approx_age=None, gender="not_recorded", race=("not_recorded",),
               unidentified=False):
        person = Person(given_name=given, family_name=family, dob=dob, approx_age=approx_age, gender=gender,
                        race_ethnicity=list(race), unidentified=unidentified, preferred_language="English")
        self.session.add(person)
        return person

    def encounter(self, call, person, outcome, **fields):
        transport = fields.pop("transport", "none")
        encounter = Encounter(id=uuid.uuid4(), call=call, person=person, outcome=outcome, transport=transport,
                              apco_code=apco_code(outcome, transport), recorded_at=call.received_at,
                              received_at=call.received_at, narrative="NARRATIVE-SECRET details",
                              request_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
                              concerns=fields.pop("concerns", ["mental_health"]), **fields)
        self.session.add(encounter)
        return encounter

    def referral(self, encounter, service, statuses, *, consent="verbal", reason=None):
        made = encounter.recorded_at + timedelta(minutes=30)
        referral = Referral(id=uuid.uuid4(), encounter=encounter, person=encounter.person, service=service,
                            status=statuses[-1], consent_type=consent, consent_given_by="the person",
                            consent_at=made, note="REFERRAL-NOTE-SECRET", due_at=made + timedelta(days=7),
                            recorded_at=made, created_at=made,
                            request_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest())
        self.session.add(referral)
        previous = None
        for step, status in enumerate(statuses):
            moment = made + timedelta(days=step)
            self.session.add(ReferralEvent(referral=referral, from_status=previous, status=status,
                                           reason=reason if status in ("declined", "cancelled") else None,
                                           recorded_at=moment, received_at=moment))
            previous = status
        if statuses[-1] in ("completed", "declined", "cancelled"):
            referral.closed_at = made + timedelta(days=len(statuses) - 1)
        return referral

    def follow_up(self, encounter, author, due, done=None):
        note = Note(id=uuid.uuid4(), encounter_id=encounter.id, person_id=encounter.person.id, author_id=author.id,
                    body="CLINICAL-NOTE-SECRET patient disclosed", recorded_at=encounter.recorded_at,
                    signed_at=encounter.recorded_at, request_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest())
        self.session.add(note)
        self.session.flush()
        task = FollowUp(note=note, person_id=encounter.person.id, encounter_id=encounter.id, assignee_id=author.id,
                        due_at=at(due), created_at=encounter.recorded_at, done_at=at(done) if done else None,
                        done_by_id=author.id if done else None)
        self.session.add(task)
        return task


def build(session, clinician) -> DataSet:
    """The data set of the module docstring, committed. ``clinician`` authors the notes."""
    d = DataSet(session)
    a, b = d.unit_a, d.unit_b
    def milestones(assign, scene, clear, disposition="encounter_logged"):
        steps = [("assigned", "assigned", assign, None), ("status", "acknowledged", assign + 0.5, None),
                 ("status", "en_route", assign + 1, None)]
        if scene is not None:
            steps.append(("status", "on_scene", scene, None))
        if clear is not None:
            steps.append(("status", "cleared", clear, disposition))
        return steps

    d.p1 = d.person("Alicia", "Marchetti", dob=date(1980, 6, 15), gender="woman", race=["black"])
    d.p2 = d.person("Brandon", "Oyelaran", dob=date(2008, 3, 3), gender="man", race=["white"])
    d.p3 = d.person("Carmen", "Villanueva", approx_age=30, gender="nonbinary", race=["hispanic_latino", "white"])
    d.p4 = d.person(None, None, approx_age=95, unidentified=True)
    d.p5 = d.person("Zebulon", "Quist", dob=date(1931, 1, 1), gender="man", race=["asian"])

    d.c0 = d.call("2026-01-15 12:00", "MNTL", a, milestones(2, 12, 40))
    d.cp = d.call("2026-02-10 12:00", "WELFARE", a, milestones(5, 20, 50))
    d.c1 = d.call("2026-03-02 14:00", "EDP", a, milestones(3, 15, 45), external_id="CAD-2026-000111")
    d.c2 = d.call("2026-03-05 10:00", "MNTL", a, milestones(10, 30, 90), address="1313 Mockingbird Lane",
                  callback="555-0142", external_id="CAD-2026-000222")
    d.c3 = d.call("2026-03-10 09:00", "MNTL", b, milestones(1, 6, 16), address="Rosebud Apartments, unit 4")
    d.c4 = d.call("2026-03-12 12:00", "WELFARE", b, milestones(2, -1, 29, "unable_to_locate"))
    d.c5 = d.call("2026-03-15 08:00", "SUICTHRT", None, [("cancelled", "cancelled", 4, None)])
    d.c6 = d.call("2026-03-20 08:00", "EDP", None, [])
    d.c7 = d.call("2026-03-25 16:00", "EDP", b,
                  [("assigned", "assigned", 5, None), ("cancelled", "cancelled", 9, None)])
    d.c8 = d.call("2026-03-28 20:00", "OD", a, milestones(1, 21, None))
    d.c9 = d.call("2026-04-02 12:00", "EDP", a, milestones(2, 10, 30))

    d.e0 = d.encounter(d.c0, d.p3, "resolved")
    d.ep = d.encounter(d.cp, d.p5, "resolved")
    d.e1 = d.encounter(d.c1, d.p1, "resolved", concerns=["mental_health", "homelessness"])
    d.e2 = d.encounter(d.c1, d.p2, "arrested", probable_cause=True, use_of_force=True,
                       force_type="physical_control", enforcement_action=True, transport="law_enforcement")
    d.e3 = d.encounter(d.c2, d.p1, "hospitalized", hospitalization_type="involuntary", transport="ems",
                       concerns=["suicidal_ideation"])
    d.e4 = d.encounter(d.c3, d.p3, "referred", probable_cause=True, diverted=True)
    d.e5 = d.encounter(d.c8, d.p4, "referred", concerns=["substance_use"])
    d.e9 = d.encounter(d.c9, d.p2, "resolved")

    d.r1 = d.referral(d.e4, d.mental, ["made", "accepted", "in_progress", "completed"])
    d.r2 = d.referral(d.e4, d.housing, ["made"])
    d.r3 = d.referral(d.e5, d.mental, ["made", "declined"], consent="declined", reason="Consent declined")
    d.r4 = d.referral(d.e3, d.part2, ["made", "accepted"], consent="written")
    d.r9 = d.referral(d.e9, d.housing, ["made"])
    session.flush()

    d.f1 = d.follow_up(d.e1, clinician, "2026-03-05 12:00", "2026-03-04 12:00")
    d.f2 = d.follow_up(d.e3, clinician, "2026-03-08 12:00", "2026-03-09 12:00")
    d.f3 = d.follow_up(d.e4, clinician, "2026-03-12 12:00")
    d.f4 = d.follow_up(d.e5, clinician, "2026-04-20 12:00")
    d.f9 = d.follow_up(d.e9, clinician, "2026-04-05 12:00", "2026-04-04 12:00")
    session.commit()
    return d
