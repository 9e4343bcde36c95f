"""Every main page works on a 360 px phone for the role that uses it, and the crew's one-tap flow works.

Each page is checked for: no sideways scrolling, a name on every form control, touch targets of at
least 44 CSS px (WCAG 2.5.5), button labels that fit inside their buttons, and a full-page
screenshot under test-artifacts/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MIN_TARGET_PX = 44

# Runs in the page. Closed <details> in main are opened first so the forms inside them are checked too
# (the navigation menu is checked open by tests/browser/test_navigation.py).
AUDIT_JS = """(minTarget) => {
  document.querySelectorAll("main details").forEach((d) => { d.open = true; });
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const text = (el) => (el ? el.textContent.trim() : "");
  const describe = (el) => el.outerHTML.split(">")[0] + ">";
  const labelledBy = (el) => (el.getAttribute("aria-labelledby") || "").split(/\\s+/)
    .map((id) => text(document.getElementById(id))).join(" ").trim();
  const fieldName = (el) =>
    (el.id && [...document.querySelectorAll("label")].some((l) => l.htmlFor === el.id && text(l))) ||
    text(el.closest("label")) || (el.getAttribute("aria-label") || "").trim() || labelledBy(el);
  const buttonName = (el) =>
    text(el) || (el.getAttribute("aria-label") || "").trim() || labelledBy(el) ||
    (el.matches("input") ? (el.value || "").trim() : "");
  // Tapping a checkbox's label toggles it, so the label is the target a finger aims at.
  const target = (el) => (el.matches("[type=checkbox], [type=radio]") && el.closest("label")) || el;

  const controls = [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button")].filter(visible);
  const unnamed = controls
    .filter((el) => !(el.matches("button, input[type=submit], input[type=button], input[type=reset]")
      ? buttonName(el) : fieldName(el)))
    .map(describe);
  const small = controls
    .map((el) => [el, target(el).getBoundingClientRect().height])
    .filter(([, height]) => height < minTarget)
    .map(([el, height]) => `${describe(el)} is ${height.toFixed(1)}px tall`);
  const clipped = controls
    .filter((el) => el.matches("button") && el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${describe(el)} "${text(el)}" needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    unnamed,
    small,
    clipped,
  };
}"""


def open_assigned_call(page):
    """officer1's active call, from the list the officer sees."""
    page.goto("/my/calls")
    page.get_by_role("link", name=re.compile(r"^Suicide threat")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suicide threat")


def open_pending_call(page):
    """The pending call, as the dispatcher reaches it from the board."""
    page.goto("/board")
    page.locator("#board tr.is-pending").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Assign")).to_be_visible()


def open_call_record(page):
    """The briefing and encounters of officer1's active call, from the call page."""
    open_assigned_call(page)
    page.get_by_role("link", name="Full briefing and encounters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Earlier contacts and encounters")


def open_encounter_form(page):
    open_assigned_call(page)
    page.get_by_role("link", name="Log an encounter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an encounter")


def log_encounter(page):
    """Log a hospitalized person through the form; ends on the new encounter's page."""
    open_encounter_form(page)
    page.get_by_label("Hospitalized", exact=True).check()
    page.get_by_label("Voluntary", exact=True).check()  # nothing more to ask: on to the person
    page.get_by_label("Give their name").check()
    page.get_by_label("Given name").fill("Sam")
    page.get_by_label("Family name").fill("Rivera")
    page.get_by_role("button", name="Next: details and save").click()
    page.get_by_text("Force, transport, narrative").click()
    page.get_by_label("By EMS").check()
    page.get_by_role("button", name="Save encounter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Rivera")


def open_referral_form(page):
    log_encounter(page)
    page.get_by_role("link", name="Refer to a service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to a service")


PAGES = [
    pytest.param(None, "/login", id="login"),
    pytest.param("officer1", "/my/calls", id="officer1-my-calls"),
    pytest.param("officer1", open_assigned_call, id="officer1-call"),
    pytest.param("dispatcher", "/board", id="dispatcher-board"),
    pytest.param("dispatcher", "/calls/new", id="dispatcher-new-call"),
    pytest.param("dispatcher", open_pending_call, id="dispatcher-call"),
    pytest.param("dispatcher", "/units", id="dispatcher-units"),
    pytest.param("admin", "/admin/users", id="admin-users"),
    pytest.param("admin", "/units", id="admin-units"),
    pytest.param("clinician1", "/account", id="clinician1-account"),
    pytest.param("clinician1", open_call_record, id="clinician1-call-record"),
    pytest.param("officer1", open_encounter_form, id="officer1-encounter-form"),
    pytest.param("clinician1", log_encounter, id="clinician1-encounter"),
    pytest.param("officer1", log_encounter, id="officer1-encounter"),
    pytest.param("clinician1", open_referral_form, id="clinician1-referral-form"),
    pytest.param("clinician1", "/referrals", id="clinician1-referrals"),
    pytest.param("clinician1", "/followups", id="clinician1-followups"),
    pytest.param("clinician1", "/people/search?q=rivera", id="clinician1-people-search"),
    pytest.param("clinician1", "/directory", id="clinician1-directory"),
    pytest.param("admin", "/admin/audit", id="admin-audit"),
    pytest.param("admin", "/directory/import", id="admin-directory-import"),
    pytest.param("dispatcher", "/not-sent", id="dispatcher-not-sent"),
]


@pytest.mark.parametrize(("username", "reach"), PAGES)
def test_page_fits_a_phone_with_named_controls_and_large_targets(
        request, phone_page, browser_screenshot, username, reach):
    page = phone_page(username)
    response = None
    if callable(reach):
        reach(page)
    else:
        response = page.goto(reach)
    browser_screenshot(page, request.node.callspec.id)
    assert response is None or response.ok, f"{reach} answered {response.status}"
    expect(page.locator("main")).to_be_visible()

    audit = page.evaluate(AUDIT_JS, MIN_TARGET_PX)

    assert audit["scrollWidth"] <= audit["innerWidth"], (
        f"page scrolls sideways: {audit['scrollWidth']}px wide in a {audit['innerWidth']}px viewport")
    assert audit["unnamed"] == [], "controls without an accessible name:\n" + "\n".join(audit["unnamed"])
    assert audit["small"] == [], (
        f"touch targets under {MIN_TARGET_PX}px:\n" + "\n".join(audit["small"]))
    assert audit["clipped"] == [], "button labels cut off:\n" + "\n".join(audit["clipped"])


def test_officer_acknowledges_assigned_call_with_one_tap(phone_page):
    page = phone_page("officer1")
    open_assigned_call(page)
    expect(page.get_by_role("list", name="Caution flags").first).to_contain_text("Firearm in home")
    timeline = page.get_by_role("region", name="Timeline").get_by_role("listitem")
    entries_before = timeline.count()

    page.get_by_role("button", name="Acknowledged", exact=True).click()

    expect(page.get_by_role("heading", level=1).locator(".status")).to_have_text("Acknowledged")
    expect(timeline).to_have_count(entries_before + 1)
    expect(timeline.last).to_contain_text("Acknowledged")
    expect(timeline.last).to_contain_text("officer1")
    expect(page.get_by_role("button", name="Acknowledged", exact=True)).to_have_count(0)


def test_dispatcher_board_lists_active_calls_and_units(phone_page):
    page = phone_page("dispatcher")
    page.goto("/board")

    calls = page.get_by_role("region", name=re.compile(r"^Active calls"))
    for call_type in ("Welfare check", "Suicide threat", "Emotionally disturbed person"):
        expect(calls.get_by_role("link", name=re.compile(f"^{call_type}"))).to_be_visible()
    expect(calls).not_to_contain_text("Mental health crisis")  # cleared, so off the board

    units = page.get_by_role("region", name="Units")
    for call_sign in ("CR-1", "CR-2"):
        expect(units.get_by_role("listitem").filter(has_text=call_sign)).to_be_visible()
