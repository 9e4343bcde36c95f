"""The billing export's rules, through the services: lines, units and every refusal reason."""

import pytest
from sqlalchemy import select

from fieldapp import clock
from fieldapp.audit.models import AuditEvent
from fieldapp.billing import services
from fieldapp.extensions import db
from fieldapp.metrics.filters import filters_from
from tests.fixtures.billing import BAD_NPI
from tests.fixtures.factories import ShiftFactory, UserFactory

NY_CIN = "AB12345C"


def period():
    return filters_from({}, clock.zone_name())


def assessed(profile="NY"):
    found = services.report(profile, period())
    return found["billable"], found["refused"]


def test_licensed_clinician_and_officer_75_minutes_is_one_h2011_line_of_5_units(app, scene_encounter):
    encounter = scene_encounter(minutes=75, medicaid_id=NY_CIN, diagnosis_code="F32.9")
    billable, refused = assessed()
    assert refused == []
    assert len(billable) == 1
    line = billable[0].result.line
    assert (line.code, line.modifiers, line.units) == ("H2011", ["HE"], 5)
    assert billable[0].encounter.id == encounter.id
    assert billable[0].facts.minutes == 75


@pytest.mark.parametrize("minutes, units", [(8, 1), (7, None), (22, 1), (23, 2), (90, 6), (150, 6)])
def test_ny_units_are_15_minute_periods_rounded_half_up_at_most_6(app, scene_encounter, minutes, units):
    scene_encounter(minutes=minutes, medicaid_id=NY_CIN)
    billable, refused = assessed()
    if units is None:
        assert [item.result.reasons for item in refused] == [["below_minimum"]]
    else:
        assert [item.result.line.units for item in billable] == [units]


def test_reasons_no_medicaid_id_and_bad_npi(app, scene_encounter, billing_crew):
    billing_crew.clinician.npi = BAD_NPI
    db.session.commit()
    scene_encounter(minutes=60)
    billable, refused = assessed()
    assert billable == []
    assert refused[0].result.reasons == ["npi_invalid", "no_medicaid_id"]


def test_reason_no_behavioral_health_professional_when_the_clinician_is_not_licensed(app, scene_encounter):
    shift = ShiftFactory(clinician=UserFactory(role="clinician", bh_role="peer"),
                         started_at=clock.utcnow().replace(year=clock.utcnow().year - 1))
    scene_encounter(minutes=60, shift=shift, medicaid_id=NY_CIN)
    _, refused = assessed()
    assert refused[0].result.reasons == ["no_bh_professional"]


def test_reason_law_enforcement_only_when_every_responder_is_an_officer(app, scene_encounter, billing_crew):
    encounter = scene_encounter(minutes=60, medicaid_id=NY_CIN)
    billing_crew.clinician.role = "officer"  # the clinician's seat held by someone who is now an officer
    db.session.commit()
    _, refused = assessed()
    assert refused[0].encounter.id == encounter.id
    assert refused[0].result.reasons == ["law_enforcement_only"]


def test_reasons_not_on_scene_and_medicaid_id_format(app, scene_encounter):
    scene_encounter(minutes=None, medicaid_id="12345678")
    _, refused = assessed()
    assert refused[0].result.reasons == ["not_on_scene", "medicaid_id_format"]


def test_california_bills_no_clinician_and_officer_team_but_telehealth_gets_gt(app, scene_encounter):
    scene_encounter(minutes=40, medicaid_id="90000000A")
    scene_encounter(minutes=40, medicaid_id="90000000A", contact_mode="telehealth")
    billable, refused = assessed("CA")
    assert [item.result.reasons for item in refused] == [["no_rule"]]
    assert [(i.result.line.code, i.result.line.modifiers, i.result.line.units) for i in billable] == \
        [("H2011", ["HE", "GT"], 1)]


def test_the_export_is_audited_with_its_encounters(app, scene_encounter, admin):
    encounter = scene_encounter(minutes=75, medicaid_id=NY_CIN)
    made = services.billing_export("NY", "billable", period(), by=admin, via="test")
    body = b"".join(made.chunks).decode()
    assert made.rows == 1
    header, row = body.splitlines()
    assert header.startswith("encounter_id,call_id,date_of_service,place_of_service,medicaid_id")
    assert f"{encounter.id}," in row and ",15,AB12345C,,H2011,HE,5,75,1234567893,LCSW,Dana Licensed," in row
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.billing_billable")).one()
    assert event.details["encounters"] == [str(encounter.id)] and event.details["profile"] == "NY"
