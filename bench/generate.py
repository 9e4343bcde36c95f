"""A synthetic but realistic co-responder data set, loaded into PostgreSQL with COPY.

Shapes follow published program figures (DOMAIN.md, "How programs are judged"): about 80% of
calls served, one to three people per served call, a third of people seen again, outcomes mostly
resolved or referred, response times of minutes with a long tail, referrals that mostly complete,
72-hour follow-ups mostly on time; and the program's record (issue 11): call sources, eligibility,
final call types, districts, contact modes, destinations, police backup on 0.6% of encounters,
follow-up contacts, the units' shifts and daily not-sent counts, so that every program figure is
timed and checked against the records on real-looking data. Deterministic for a given seed.

Rows stream straight into one COPY per table (several connections at once), so memory stays
small whatever the size. Foreign-key triggers are off during the load
(``session_replication_role = replica``): the generator makes every reference itself.
"""

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import psycopg

START = datetime(2024, 1, 1, 5, 0, tzinfo=UTC)  # midnight in America/New_York
DAYS = 731  # 2024 and 2025
UNITS = 8
CLINICIANS = 12

CALL_TYPES = [("EDP", 20), ("MNTL", 20), ("WELFARE", 15), ("SUICTHRT", 8), ("SUICIDE", 2), ("OD", 5), ("MTLV", 3),
              ("INTOX", 8), ("DISTURB", 6), ("DVNA", 4), ("DVA", 2), ("HOMELESS", 4), ("JUVENILE", 2), ("OTHER", 1)]
FATES = [("served", 80), ("never_assigned", 4), ("cancelled_before", 3), ("cancelled_after", 3),
         ("unable_to_locate", 4), ("refused", 2), ("not_eligible", 2), ("other_agency", 2)]
OUTCOMES = [("resolved", 45), ("referred", 30), ("hospitalized", 18), ("arrested", 7)]
CONCERNS = ["mental_health", "substance_use", "suicidal_ideation", "homelessness", "domestic", "welfare_check",
            "youth", "medical"]
GENDERS = [("man", 52), ("woman", 42), ("nonbinary", 2), ("another", 1), ("not_recorded", 3)]
RACES = [("white", 45), ("black", 25), ("hispanic_latino", 18), ("asian", 5), ("american_indian_alaska_native", 2),
         ("native_hawaiian_pacific_islander", 1), ("middle_eastern_north_african", 1), ("not_recorded", 3)]
CATEGORIES = ["crisis", "mental_health", "substance_use", "housing", "food", "medical", "case_management",
              "peer_support", "youth", "domestic_violence", "legal", "benefits"]
# fields (issue 11): the program's record, in proportions like the published programs' (CAHOOTS: police
# backup on 0.6% of calls; most calls by 911; some found ineligible on arrival).
SOURCES = [("911", 70), ("988", 10), ("officer_request", 10), ("on_view", 5), ("follow_up", 4), ("walk_in", 1)]
INELIGIBLE = ["weapon_or_violence", "medical_emergency", "crime_in_progress", "outside_area_or_hours",
              "no_behavioral_health_need", "other"]
DISTRICTS = ["North", "South", "East", "West", "Central"]
MODES = [("in_person_with_officer", 55), ("in_person_clinician_only", 35), ("phone", 8), ("telehealth", 2)]
COMMUNITY = [("home", 50), ("crisis_stabilization", 20), ("shelter", 15), ("sobering_center", 10), ("other", 5)]
BACKUP_REASONS = ["violence_or_threat", "weapon", "medical", "crime", "scene_safety", "transport", "other"]
FOLLOW_UP_RESULTS = ["stable", "connected", "needs_support", "declined", "crisis", "other"]
STREETS = ["Main St", "Elm St", "Oak Ave", "Harbor View Rd", "Pine St", "River Rd", "Park Pl", "2nd Ave"]

COLUMNS = {
    "people": ("id", "unidentified", "given_name", "family_name", "dob", "approx_age", "gender", "race_ethnicity",
               "preferred_language", "created_at"),
    "calls": ("id", "received_at", "created_at", "call_type", "priority", "address", "address_key", "narrative",
              "cautions", "callback", "external_id", "status", "unit_id", "disposition", "cancel_reason",
              "closed_at", "first_assigned_at", "first_en_route_at", "first_on_scene_at", "cleared_at", "source",
              "eligible", "ineligible_reason", "final_call_type", "district"),
    "call_events": ("id", "call_id", "kind", "status", "from_status", "unit_id", "recorded_at", "received_at",
                    "disposition", "reason"),
    "encounters": ("id", "call_id", "person_id", "outcome", "hospitalization_type", "concerns", "probable_cause",
                   "diverted", "use_of_force", "force_type", "enforcement_action", "transport", "narrative",
                   "apco_code", "recorded_at", "received_at", "request_hash", "primary_concern", "contact_mode",
                   "transport_destination", "declined_services", "officer_engaged", "backup_requested",
                   "backup_requested_at", "backup_arrived_at", "backup_reason"),
    "referrals": ("id", "encounter_id", "person_id", "service_id", "status", "consent_type", "consent_given_by",
                  "consent_at", "note", "due_at", "closed_at", "recorded_at", "created_at", "request_hash"),
    "referral_events": ("id", "referral_id", "from_status", "status", "reason", "recorded_at", "received_at"),
    "notes": ("id", "encounter_id", "person_id", "author_id", "body", "recorded_at", "signed_at", "request_hash"),
    "follow_ups": ("id", "note_id", "person_id", "encounter_id", "assignee_id", "due_at", "created_at", "done_at",
                   "done_by_id", "outcome"),
    "follow_up_contacts": ("id", "encounter_id", "person_id", "contacted_at", "mode", "reached", "result",
                           "received_at", "created_by_id", "request_hash"),
}


def _weighted(pairs):
    values, weights = zip(*pairs, strict=True)
    cumulative, total = [], 0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return values, cumulative


class Generator:
    def __init__(self, encounters: int, seed: int):
        self.rng = random.Random(seed)
        self.target = encounters
        self.call_types = _weighted(CALL_TYPES)
        self.fates = _weighted(FATES)
        self.outcomes = _weighted(OUTCOMES)
        self.genders = _weighted(GENDERS)
        self.races = _weighted(RACES)
        self.sources = _weighted(SOURCES)
        self.modes = _weighted(MODES)
        self.community = _weighted(COMMUNITY)
        self.recent_people: list = []
        self.counts = dict.fromkeys(COLUMNS, 0)

    def pick(self, table):
        values, cumulative = table
        return self.rng.choices(values, cum_weights=cumulative)[0]

    def uid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def minutes(self, median, spread=0.6):
        return timedelta(minutes=self.rng.lognormvariate(0, spread) * median)

    def person(self, writers, at):
        if self.recent_people and self.rng.random() < 0.33:
            return self.rng.choice(self.recent_people)
        person_id = self.uid()
        unidentified = self.rng.random() < 0.05
        age = min(98, max(12, int(self.rng.gauss(38, 15))))
        known_dob = not unidentified and self.rng.random() < 0.85
        dob = date(at.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28)) if known_dob else None
        races = [self.pick(self.races)]
        if self.rng.random() < 0.08:
            races.append(self.pick(self.races))
        writers["people"].write_row((
            person_id, unidentified, None if unidentified else f"Given{self.counts['people']}",
            None if unidentified else f"Family{self.counts['people']}", dob, None if dob else age,
            self.pick(self.genders), json.dumps(sorted(set(races))), "en" if self.rng.random() < 0.85
            else "es", at))
        self.counts["people"] += 1
        self.recent_people.append(person_id)
        if len(self.recent_people) > 20000:
            del self.recent_people[:10000]
        return person_id

    def run(self, writers, services, clinicians):
        span = timedelta(days=DAYS).total_seconds()
        expected_calls = int(self.target / 1.25 / 0.8) + 1
        gap = span / expected_calls
        at = START
        call_id = 0
        while self.counts["encounters"] < self.target:
            at += timedelta(seconds=self.rng.expovariate(1 / gap))
            call_id += 1
            self.call(writers, call_id, at, services, clinicians)
        return call_id

    def event(self, writers, call_id, kind, status, from_status, unit, moment, disposition=None, reason=None):
        writers["call_events"].write_row((self.uid(), call_id, kind, status, from_status, unit, moment,
                                          moment + timedelta(seconds=self.rng.randint(0, 5)), disposition, reason))
        self.counts["call_events"] += 1

    def call(self, writers, call_id, received, services, clinicians):
        rng = self.rng
        fate = self.pick(self.fates)
        unit = rng.randint(1, UNITS) if fate not in ("never_assigned", "cancelled_before") else None
        status, disposition, closed, reason = "cleared", None, None, None
        # the call's milestone times, as calls.services.note_milestone keeps them
        assigned = en_route = on_scene = cleared = None
        self.event(writers, call_id, "created", "pending", None, None, received)
        if fate == "never_assigned":
            status = "pending"
        elif fate == "cancelled_before":
            status, reason, closed = "cancelled", "Caller called back: no longer needed", received + self.minutes(6)
            self.event(writers, call_id, "cancelled", "cancelled", "pending", None, closed, reason=reason)
        else:
            assigned = received + self.minutes(1.5, 0.9)
            self.event(writers, call_id, "assigned", "assigned", "pending", unit, assigned)
            self.event(writers, call_id, "status", "acknowledged", "assigned", unit, assigned + timedelta(seconds=20))
            en_route = assigned + timedelta(seconds=60)
            self.event(writers, call_id, "status", "en_route", "acknowledged", unit, en_route)
            if fate == "cancelled_after":
                status, reason, closed = "cancelled", "Resolved by patrol before arrival", en_route + self.minutes(4)
                self.event(writers, call_id, "cancelled", "cancelled", "en_route", unit, closed, reason=reason)
            else:
                on_scene = en_route + self.minutes(9)
                self.event(writers, call_id, "status", "on_scene", "en_route", unit, on_scene)
                closed = on_scene + self.minutes(40 if fate == "served" else 10)
                disposition = "encounter_logged" if fate == "served" else fate
                if fate == "served" and rng.random() < 0.01:
                    status, disposition, closed = "on_scene", None, None  # still on scene at the end of the data
                else:
                    self.event(writers, call_id, "status", "cleared", "on_scene", unit, closed, disposition)
                    cleared = closed
                if fate == "served":
                    for _ in range(rng.choices((1, 2, 3), (80, 15, 5))[0]):
                        self.encounter(writers, call_id, on_scene + self.minutes(15), services, clinicians)
        number = rng.randint(1, 9999)
        address = f"{number} {rng.choice(STREETS)}"
        call_type = self.pick(self.call_types)
        # Eligibility is judged for most calls (not all are assessed); a call found not eligible is one.
        eligible = False if fate == "not_eligible" else (True if rng.random() < 0.9 else None)
        final_type = None if cleared is None else (call_type if rng.random() < 0.8 else self.pick(self.call_types))
        writers["calls"].write_row((
            call_id, received, received, call_type, rng.choices((1, 2, 3, 4), (15, 40, 35, 10))[0],
            address, address.lower(), "Caller reports a person in distress.", "[]",
            f"555-01{rng.randint(0, 99):02d}", f"CAD-{call_id}" if rng.random() < 0.6 else None, status, unit,
            disposition, reason, closed, assigned, en_route, on_scene, cleared, self.pick(self.sources), eligible,
            rng.choice(INELIGIBLE) if eligible is False else None, final_type,
            rng.choice(DISTRICTS) if rng.random() < 0.95 else None))
        self.counts["calls"] += 1

    def encounter(self, writers, call_id, at, services, clinicians):
        rng = self.rng
        person_id = self.person(writers, at)
        outcome = self.pick(self.outcomes)
        hospitalization = transport = None
        transport = "none"
        if outcome == "hospitalized":
            hospitalization = rng.choices(("voluntary", "involuntary", "medical"), (50, 35, 15))[0]
            transport = rng.choices(("ems", "unit", "law_enforcement"), (60, 25, 15))[0]
        elif outcome == "arrested":
            transport = "law_enforcement"
        probable_cause = outcome == "arrested" or rng.random() < 0.06
        diverted = probable_cause and outcome != "arrested"
        force = rng.random() < (0.25 if outcome == "arrested" else 0.01)
        apco = {"arrested": "03", "referred": "15", "resolved": "18"}.get(outcome) or \
            {"ems": "45", "law_enforcement": "33"}.get(transport, "16")
        encounter_id = self.uid()
        concerns = sorted(set(rng.sample(CONCERNS, rng.randint(1, 3))))
        destination = "jail" if outcome == "arrested" else \
            rng.choice(("emergency_department", "psychiatric_facility")) if outcome == "hospitalized" else \
            self.pick(self.community) if rng.random() < 0.3 else None
        backup = rng.random() < 0.006
        backup_at = at + self.minutes(5) if backup else None
        writers["encounters"].write_row((
            encounter_id, call_id, person_id, outcome, hospitalization, json.dumps(concerns), probable_cause, diverted,
            force, "physical_control" if force else None, outcome == "arrested", transport, "", apco, at, at,
            "0" * 64, rng.choice(concerns), self.pick(self.modes), destination,
            outcome == "resolved" and rng.random() < 0.1, rng.random() < 0.6 if rng.random() < 0.8 else None,
            backup, backup_at, backup_at + self.minutes(8) if backup and rng.random() < 0.9 else None,
            rng.choice(BACKUP_REASONS) if backup else None))
        self.counts["encounters"] += 1
        referrals = rng.choices((0, 1, 2), (10, 65, 25))[0] if outcome == "referred" else \
            (1 if rng.random() < 0.15 else 0)
        for _ in range(referrals):
            self.referral(writers, encounter_id, person_id, at, services)
        if rng.random() < 0.12:
            self.follow_up(writers, encounter_id, person_id, at, clinicians)
        for _ in range(rng.choices((0, 1, 2), (40, 45, 15))[0]):  # follow-up contacts (Iowa City: 1.1 a dispatch)
            self.contact(writers, encounter_id, at, clinicians)

    def contact(self, writers, encounter_id, at, clinicians):
        rng = self.rng
        contacted = at + timedelta(hours=rng.lognormvariate(0, 0.8) * 36)
        reached = rng.random() < 0.7
        writers["follow_up_contacts"].write_row((
            self.uid(), encounter_id, None, contacted, rng.choice(("in_person", "phone", "phone", "text")), reached,
            rng.choice(FOLLOW_UP_RESULTS) if reached else "not_reached", contacted, rng.choice(clinicians), "0" * 64))
        self.counts["follow_up_contacts"] += 1

    def referral(self, writers, encounter_id, person_id, at, services):
        rng = self.rng
        referral_id = self.uid()
        made = at + self.minutes(20)
        steps = ["made"]
        consent = "declined" if rng.random() < 0.05 else rng.choice(("verbal", "written"))
        if consent == "declined":
            steps.append("declined")
        else:
            roll = rng.random()
            if roll < 0.62:
                steps += ["accepted", "in_progress"] + (["completed"] if rng.random() < 0.8 else [])
            elif roll < 0.72:
                steps.append("declined")
            elif roll < 0.84:
                steps.append("unable_to_contact")
            elif roll < 0.9:
                steps.append("cancelled")
        moment, previous = made, None
        for step in steps:
            reason = "Person could not be reached" if step in ("declined", "unable_to_contact", "cancelled") else None
            writers["referral_events"].write_row((self.uid(), referral_id, previous, step, reason, moment, moment))
            self.counts["referral_events"] += 1
            previous = step
            moment += timedelta(hours=rng.randint(4, 72))
        closed = moment if steps[-1] in ("completed", "declined", "cancelled") else None
        writers["referrals"].write_row((
            referral_id, encounter_id, person_id, rng.choice(services), steps[-1], consent, "the person", made, "",
            made + timedelta(days=7), closed, made, made, "0" * 64))
        self.counts["referrals"] += 1

    def follow_up(self, writers, encounter_id, person_id, at, clinicians):
        rng = self.rng
        note_id = self.uid()
        author = rng.choice(clinicians)
        writers["notes"].write_row((note_id, encounter_id, person_id, author, "Follow-up planned.", at, at, "0" * 64))
        due = at + timedelta(hours=72)
        roll = rng.random()
        done = due - timedelta(hours=rng.randint(1, 48)) if roll < 0.75 else \
            due + timedelta(hours=rng.randint(1, 96)) if roll < 0.85 else None
        writers["follow_ups"].write_row((self.uid(), note_id, person_id, encounter_id, author, due, at, done,
                                         author if done else None, "Reached by phone" if done else None))
        self.counts["notes"] += 1
        self.counts["follow_ups"] += 1


def load(url: str, encounters: int, *, seed: int = 7) -> dict:
    """Fill the (migrated, empty) database at ``url``. Returns the row count of each table."""
    generator = Generator(encounters, seed)
    with psycopg.connect(url) as setup:
        services, clinicians = _small_tables(setup, generator)
    connections, copies, writers = [], [], {}
    try:
        for table, columns in COLUMNS.items():
            connection = psycopg.connect(url)
            connection.execute("SET session_replication_role = replica")
            connections.append(connection)
            copy = connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
            writers[table] = copy.__enter__()
            copies.append(copy)
        calls = generator.run(writers, services, clinicians)
        for copy in copies:
            copy.__exit__(None, None, None)
        for connection in connections:
            connection.commit()
    finally:
        for connection in connections:
            connection.close()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SELECT setval('calls_id_seq', %s)", (calls,))
        connection.execute("ANALYZE")
    return generator.counts


def _small_tables(connection, generator):
    """Units, clinicians (two in three licensed, the rest peers: the section 1947 figures look each crew up),
    an organization with services in every category (three 42 CFR Part 2)."""
    now = START
    for number in range(1, UNITS + 1):
        connection.execute("INSERT INTO units (id, call_sign, active, created_at) VALUES (%s, %s, true, %s)",
                           (number, f"CR-{number}", now))
    clinicians = []
    for number in range(CLINICIANS):
        row = connection.execute(
            "INSERT INTO users (username, full_name, role, bh_role, password_hash, active, failed_logins, created_at, "
            "password_changed_at) VALUES (%s, %s, 'clinician', %s, 'x', true, 0, %s, %s) RETURNING id",
            (f"bench-clinician-{number}", f"Clinician {number}", "peer" if number % 3 == 2 else "licensed",
             now, now)).fetchone()
        clinicians.append(row[0])
    services = []
    for org_number in range(5):
        org = generator.uid()
        connection.execute("INSERT INTO organizations (id, name, description, created_at) VALUES (%s, %s, '', %s)",
                           (org, f"Bench Organization {org_number}", now))
        for index, category in enumerate(CATEGORIES):
            if (index + org_number) % 2:
                continue
            service = generator.uid()
            part2 = category == "substance_use" and org_number < 3
            connection.execute(
                "INSERT INTO services (id, organization_id, name, description, category, status, "
                "eligibility_description, part2_program, created_at, updated_at) "
                "VALUES (%s, %s, %s, '', %s, 'active', '', %s, %s, %s)",
                (service, org, f"{category.replace('_', ' ').title()} {org_number}", category, part2, now, now))
            services.append(service)
    _shifts_and_not_sent(connection, generator, clinicians)
    connection.execute("SELECT setval('units_id_seq', %s)", (UNITS,))
    connection.commit()
    return services, clinicians


def _shifts_and_not_sent(connection, generator, clinicians):
    """fields (issue 11): each unit's shifts (a day shift of 10 hours; half the units an evening one too),
    and each day's count of eligible calls not sent to the team, for unit time and the share served."""
    rng, now = generator.rng, START
    officers = [connection.execute(
        "INSERT INTO users (username, full_name, role, password_hash, active, failed_logins, created_at, "
        "password_changed_at) VALUES (%s, %s, 'officer', 'x', true, 0, %s, %s) RETURNING id",
        (f"bench-officer-{unit}", f"Officer {unit}", now, now)).fetchone()[0] for unit in range(1, UNITS + 1)]
    with connection.cursor().copy("COPY shifts (unit_id, clinician_id, officer_id, started_at, ended_at) "
                                  "FROM STDIN") as copy:
        for day in range(DAYS):
            for unit in range(1, UNITS + 1):
                for start_hour in (8, 15) if unit % 2 else (8,):
                    started = START + timedelta(days=day, hours=start_hour)
                    copy.write_row((unit, clinicians[unit % len(clinicians)], officers[unit - 1], started,
                                    started + timedelta(hours=10)))
    most = max(1, round(generator.target / 1.25 / 0.8 / DAYS * 0.1))  # up to a tenth of a day's calls
    with connection.cursor().copy("COPY not_sent_counts (day, count, reason, source, recorded_at) FROM STDIN") as copy:
        for day in range(DAYS):
            moment = START + timedelta(days=day + 1)
            copy.write_row(((START + timedelta(days=day)).date(), rng.randint(0, most), "no_unit_available", "911",
                            moment))
