"""The main navigation on a 360 px phone, for every role: nothing overflows, nothing is cut off, every
link is reachable in the menu; on a wide screen the links stand in a row."""

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import serious_axe_violations

pytestmark = pytest.mark.browser

ROLES = {
    "officer1": ["My calls", "Directory"],
    "clinician1": ["My calls", "Follow-ups", "Referrals", "Directory"],
    "dispatcher": ["Board", "Units", "New call", "Directory"],
    "manager": ["Metrics", "Exports", "Directory"],
    "admin": ["Board", "Units", "Metrics", "Exports", "Directory", "Users", "Audit", "Integrations"],
}

# Runs in the page: every element of the header that is laid out, and whether it sticks out.
MEASURE_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const header = document.querySelector("header.topbar");
  const out = [...header.querySelectorAll("*")]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => { const r = el.getBoundingClientRect(); return r.left < -0.5 || r.right > vw + 0.5; })
    .map((el) => el.outerHTML.split(">")[0] + ">");
  const scrolls = [header, ...header.querySelectorAll("*")]
    .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible")
    .map((el) => el.outerHTML.split(">")[0] + ">");
  return {vw, docScroll: document.documentElement.scrollWidth, out, scrolls};
}"""


def nav_links_fit(page, names):
    nav = page.get_by_role("navigation", name="Main")
    for name in names + ["Your account"]:
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], (name, box)
        assert box["height"] >= 44, (name, box)
    measured = page.evaluate(MEASURE_JS)
    assert measured["docScroll"] <= measured["vw"], measured
    assert measured["out"] == [] and measured["scrolls"] == [], measured


@pytest.mark.parametrize("username", list(ROLES))
def test_navigation_fits_a_360px_phone_for_every_role(phone_page, browser_screenshot, username):
    page = phone_page(username)
    page.goto("/directory")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Directory")).to_be_hidden()  # closed: the menu is one button
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    measured = page.evaluate(MEASURE_JS)
    assert measured["docScroll"] <= measured["vw"] and measured["out"] == [], measured

    nav.get_by_text("Menu").click()
    nav_links_fit(page, ROLES[username])
    expect(nav.get_by_role("link", name="Directory")).to_have_attribute("aria-current", "page")
    browser_screenshot(page, f"nav-menu-open-{username}-360", full_page=False)
    assert serious_axe_violations(page) == []
    nav.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/account")


@pytest.mark.parametrize("username", ["clinician1", "admin"])
def test_navigation_is_a_row_of_links_on_a_wide_screen(phone_page, browser_screenshot, username):
    page = phone_page(username)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/directory")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_text("Menu")).to_be_hidden()
    nav_links_fit(page, ROLES[username])
    browser_screenshot(page, f"nav-{username}-1280", full_page=False)
