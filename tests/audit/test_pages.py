"""The audit log page (issue 9): 50 rows a page with newer/older links keeping the filters, details as
key: value lines (never a raw dict), and bad filters answered with a message beside the field."""

from html import unescape

import pytest
from sqlalchemy import select

from fieldapp.audit import services as audit
from fieldapp.audit.models import AuditEvent
from fieldapp.auditlog.views import readable


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="root")


def fill(db, count, action="test.thing", **details):
    for n in range(count):
        audit.record(action, object_type="widgets", object_id=str(n), details={"n": n, **details})
    db.session.commit()


def test_the_log_is_paged_50_rows_at_a_time_with_the_filters_kept(pages, admin, db):
    fill(db, 120)
    browser = pages(admin)
    first = text(browser.get("/admin/audit?action=test."))
    assert "Rows 1–50 of 120, newest first (page 1 of 3)." in first
    assert first.count('<tr class="outcome-') == 50
    assert '<a class="button" href="/admin/audit?page=2&action=test." rel="next">Older →</a>' in first
    assert 'rel="prev"' not in first
    assert "<dd>119</dd>" in first and "<dd>70</dd>" in first and "<dd>69</dd>" not in first
    last = text(browser.get("/admin/audit?action=test.&page=3"))
    assert "Rows 101–120 of 120, newest first (page 3 of 3)." in last
    assert last.count('<tr class="outcome-') == 20 and "<dd>0</dd>" in last
    assert 'rel="next"' not in last and 'rel="prev"' in last
    beyond = text(browser.get("/admin/audit?action=test.&page=9"))
    assert "There is no page 9: the last is 3." in beyond
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.search")
                               .order_by(AuditEvent.id)).all()
    assert [row.details for row in reads] == [{"action": "test."}, {"action": "test.", "page": 3},
                                              {"action": "test.", "page": 9}]


def test_details_are_key_value_lines_never_raw_dicts(pages, admin, db):
    audit.record("service.update", object_type="services", object_id="abc", details={
        "status": {"from": "active", "to": "defunct"}, "fields": ["name", "status"], "part2": False,
        "note": None})
    db.session.commit()
    page = text(pages(admin).get("/admin/audit?action=service.update"))
    assert "<dt><code>status from</code>:</dt> <dd>active</dd>" in page
    assert "<dt><code>status to</code>:</dt> <dd>defunct</dd>" in page
    assert "<dt><code>fields</code>:</dt> <dd>name, status</dd>" in page
    assert "<dt><code>part2</code>:</dt> <dd>no</dd>" in page
    assert "<dt><code>note</code>:</dt> <dd>—</dd>" in page
    assert "{" not in page[page.index("<table"):page.index("</table>")]


def test_readable_flattens_nested_details():
    assert readable({"a": {"b": {"c": 1}}, "empty": {}, "list": []}) == [
        ("a b c", "1"), ("empty", "—"), ("list", "—")]


@pytest.mark.parametrize(("query", "field", "message"), [
    ("page=0", "page", "A page is a whole number from 1 to 100,000."),
    ("page=two", "page", "A page is a whole number from 1 to 100,000."),
    ("page=99999999999999999999", "page", "A page is a whole number"),
    ("since=2026-02-30", "since", "Enter a date like 2026-11-24."),
    ("until=someday", "until", "Enter a date like 2026-11-24."),
    ("username=" + "u" * 81, "username", "80"),
])
def test_bad_filters_get_a_message_not_a_server_error(pages, admin, db, query, field, message):
    response = pages(admin).get("/admin/audit?" + query)
    page = text(response)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert "<table" not in page


def test_filters_by_user_action_object_and_dates(pages, admin, make_user, db):
    other = make_user("clinician", username="cleo")
    audit.record("note.create", object_type="notes", object_id="n-1", user=other)
    audit.record("note.create", object_type="notes", object_id="n-2", user=admin)
    db.session.commit()
    browser = pages(admin)
    by_user = text(browser.get("/admin/audit?username=cleo&action=note."))
    assert "Rows 1–1 of 1" in by_user and "n-1" in by_user and "n-2" not in by_user
    by_object = text(browser.get("/admin/audit?object_type=notes&object_id=n-2&since=2020-01-01&until=2099-12-31"))
    assert "Rows 1–1 of 1" in by_object and "n-2" in by_object
    assert "0 rows." in text(browser.get("/admin/audit?action=note.&until=2020-01-01"))
