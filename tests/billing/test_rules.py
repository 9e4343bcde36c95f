"""The profiles' rules without a database: team make-up and minutes choose the code, modifiers and units."""

from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator

from fieldapp.billing import profiles
from fieldapp.billing.rules import Facts, assess, units
from fieldapp.units.crews import Team
from tests.fixtures.billing import VALID_NPI


def person(kind):
    return SimpleNamespace(npi=VALID_NPI, credential="LCSW", full_name=kind)


def team(*kinds):
    return Team([(person(kind), kind) for kind in kinds])


@pytest.fixture
def ny(app):
    with app.app_context():
        return profiles.load("NY")


@pytest.mark.parametrize("kinds, minutes, expected", [
    (("licensed", "officer"), 75, ("H2011", ["HE"], 5)),
    (("licensed", "peer"), 60, ("H2011", ["HK"], 4)),
    (("licensed", "licensed"), 90, ("H2011", ["HE", "HK"], 6)),
    (("licensed", "licensed"), 120, ("S9485", ["HE", "HK", "U5"], 1)),
    (("licensed", "peer"), 120, ("S9484", ["EP"], 1)),
    (("licensed", "peer"), 200, ("S9485", ["HE"], 1)),
    (("licensed", "licensed"), 200, ("S9485", ["HE", "HK"], 1)),
])
def test_new_york_codes_by_team_and_minutes(ny, kinds, minutes, expected):
    line = assess(ny, Facts(minutes=minutes, team=team(*kinds), medicaid_id="AB12345C")).line
    assert (line.code, line.modifiers, line.units) == expected


def test_law_enforcement_only_and_no_professional_are_refused(ny):
    assert assess(ny, Facts(60, team("officer", "officer"), "AB12345C")).reasons == ["law_enforcement_only"]
    assert assess(ny, Facts(60, team("peer", "officer"), "AB12345C")).reasons == ["no_bh_professional"]
    assert assess(ny, Facts(60, Team(), "AB12345C")).reasons == ["no_crew"]


def test_units_round_half_up_and_cap():
    assert [units(m, {"per_minutes": 15, "max": 6}) for m in (0, 7, 8, 15, 22, 23, 200)] == [0, 0, 1, 1, 1, 2, 6]
    assert units(500, None) == 1


def test_shipped_profiles_fit_the_schema(app):
    with app.app_context():
        assert profiles.available()[:2] == ["CA", "NY"]
        for name in profiles.available():
            assert profiles.load(name)["sources"]


@pytest.mark.parametrize("text, where", [
    ("state: New York\nname: x\nsources: [{title: t}]\nrules: [{name: r, code: H2011}]", "state"),
    ("state: NY\nname: x\nsources: [{title: t}]\nrules: [{name: r, code: H2011, units: {per_minutes: 0}}]",
     "rules/0/units/per_minutes"),
    ("state: NY\nname: x\nsources: []\nrules: [{name: r, code: H2011}]", "sources"),
    ("state: NY\nname: x\nsources: [{title: t}]\nrules: [{name: r, code: H2011, team: {officers: 1}}]", "rules/0/team"),
    ("state: NY\nname: x\nsources: [{title: t}]\nrules: [{name: r, code: H2011}]\nmedicaid_id_pattern: '(['",
     "medicaid_id_pattern"),
    ("state: [NY", "(the file)"),
])
def test_a_profile_that_does_not_fit_is_refused_naming_where(text, where):
    with pytest.raises(profiles.ProfileError) as refused:
        profiles.parse(text, ".yaml")
    assert refused.value.status == 422
    assert any(problem.startswith(where) for problem in refused.value.fields["profile"]) or where == "(the file)"


def test_the_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(profiles._validator().schema)
