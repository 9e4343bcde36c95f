"""The shift dropdowns on /units explain who is missing (issue 9): officers and clinicians already on
another unit's shift are listed, disabled, with that unit; an empty role says how to add someone."""

from html import unescape

from fieldapp.units.services import open_shift_of
from tests.fixtures.factories import ShiftFactory, UnitFactory


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_people_on_another_shift_are_shown_disabled_with_their_unit(pages, make_user, dispatcher, db):
    busy = ShiftFactory(unit=UnitFactory(call_sign="CR-2"))
    free_unit = UnitFactory(call_sign="CR-5")
    free = make_user("clinician", full_name="Ada Free")
    page = text(pages(dispatcher).get("/units"))
    select = page[page.index(f'id="clin-{free_unit.id}"'):page.index(f'id="off-{free_unit.id}"')]
    assert f'<option value="{free.id}">Ada Free</option>' in select
    taken = busy.clinician
    assert f'<option value="{taken.id}" disabled>{taken.full_name} (on CR-2\'s shift)</option>' in select
    assert "1 of 2 clinicians free; those on another unit's shift are listed but cannot be chosen." in select
    officers = page[page.index(f'id="off-{free_unit.id}"'):]
    assert '<option value="">Nobody available</option>' in officers
    assert "Every officer is on another unit's shift: end one of those shifts first." in officers

    admin_page = text(pages(make_user("admin")).get("/units"))
    assert '<a href="/admin/users">add an officer</a>.' in admin_page


def test_a_role_with_nobody_tells_the_admin_to_add_a_user(pages, make_user, db):
    admin = make_user("admin")
    UnitFactory(call_sign="CR-9")
    make_user("officer", full_name="Otto Off")
    page = text(pages(admin).get("/units"))
    assert '<a href="/admin/users">add a user with the clinician role</a>' in page
    assert "1 of 1 officer free" in page
    dispatcher = make_user("dispatcher")
    assert "No clinicians: an admin adds users with the clinician role." in text(pages(dispatcher).get("/units"))


def test_a_busy_person_posted_anyway_is_refused_with_a_message(pages, make_user, dispatcher, db):
    busy = ShiftFactory(unit=UnitFactory(call_sign="CR-2"))
    unit = UnitFactory(call_sign="CR-6")
    officer = make_user("officer")
    response = pages(dispatcher).post(f"/units/{unit.id}/shift", {"clinician_id": str(busy.clinician.id),
                                                                   "officer_id": str(officer.id)},
                                      follow_redirects=True)
    assert response.status_code == 200
    assert f"{busy.clinician.full_name} is already on shift with CR-2." in text(response)
    assert open_shift_of(unit) is None
