"""The admin's zones page: targets set through the form (a wrong one refused beside its box, nothing
saved), a zones file uploaded or refused with its problems listed, and nobody but admins let in."""

import io
import json

from sqlalchemy import select

from fieldapp.zones.models import ResponseTarget, Zone
from tests.fixtures.zones import RURAL, collection, set_up_zones


def targets(db):
    return {(t.zone.name, t.priority): t.minutes for t in db.session.scalars(select(ResponseTarget))}


def test_an_admin_sets_targets_with_the_form_and_a_wrong_one_is_refused(pages, admin, db):
    ids = set_up_zones(admin)
    browser = pages(admin)
    page = browser.get("/admin/zones").get_data(as_text=True)
    assert f'id="target-{ids["Urban"]}-1"' in page and 'value="15"' in page
    form = {f"target-{ids['Urban']}-1": "12", f"target-{ids['Urban']}-2": "25", f"target-{ids['Rural']}-1": ""}
    response = browser.post("/admin/zones/targets", form)
    assert response.status_code == 302
    assert targets(db) == {("Urban", 1): 12, ("Urban", 2): 25}  # Rural P1 emptied: the default again
    refused = browser.post("/admin/zones/targets", {f"target-{ids['Urban']}-1": "0"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Check the targets marked below." in text and "A target is from 1 to 1440 minutes." in text
    assert f'aria-describedby="target-{ids["Urban"]}-1-error"' in text
    assert targets(db) == {("Urban", 1): 12, ("Urban", 2): 25}


def test_an_admin_uploads_zones_and_a_bad_file_is_listed_problem_by_problem(pages, admin, db):
    browser = pages(admin)
    good = {"file": (io.BytesIO(json.dumps(collection(RURAL)).encode()), "zones.geojson")}
    response = browser.post("/admin/zones/upload", good, content_type="multipart/form-data")
    assert response.status_code == 302
    assert [z.name for z in db.session.scalars(select(Zone))] == ["Rural"]
    bad = {"file": (io.BytesIO(b'{"type": "FeatureCollection", "features": [{"type": "Feature"}]}'), "z.json")}
    refused = browser.post("/admin/zones/upload", bad, content_type="multipart/form-data")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "<li>Feature 1 has no name (properties.name).</li>" in text
    assert "<li>Feature 1 is a missing geometry; zones are Polygon or MultiPolygon.</li>" in text
    none = browser.post("/admin/zones/upload", {}, content_type="multipart/form-data")
    assert none.status_code == 422 and "Choose a GeoJSON file of the zones." in none.get_data(as_text=True)
    assert [z.name for z in db.session.scalars(select(Zone))] == ["Rural"]


def test_only_admins_open_the_zones_page(pages, make_user, db):
    for role in ("dispatcher", "program_manager", "officer"):
        assert pages(make_user(role)).get("/admin/zones").status_code == 403
