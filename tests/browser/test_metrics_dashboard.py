"""The dashboard on a phone, on the demo data with its 90 days of history: call types by name, sections
that fold (at most four screens tall at 360x740), scrolling tables a keyboard can reach, no axe finding
of any impact; the printable report too. Screenshots at 360x740 and 1280x800."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import axe_violations
from tests.browser.conftest import PHONE, signed_in

pytestmark = pytest.mark.browser

SIZES = {"360x740": PHONE, "1280x800": {"viewport": {"width": 1280, "height": 800}}}
FOUR_SCREENS = 4 * 740
SCROLLERS_JS = """() => [...document.querySelectorAll("main *")]
  .filter((el) => el.scrollWidth > el.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
  .map((el) => ({tabindex: el.getAttribute("tabindex"), role: el.getAttribute("role"),
                 label: el.getAttribute("aria-label") || ""}))"""


@pytest.fixture(scope="module")
def seeded_database(history_database):
    """This module's server starts from the demo data with its history (the other modules' has none),
    seeded from the start of the run (conftest.HistorySeeding)."""
    return history_database


@pytest.fixture
def manager_page(browser, live_server):
    contexts = []

    def open_page(size):
        context = browser.new_context(base_url=live_server.url, **SIZES[size])
        contexts.append(context)
        page = context.new_page()
        signed_in(page, live_server, "manager")
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_dashboard_names_call_types_folds_its_sections_and_fits_four_phone_screens(
        manager_page, browser_screenshot, size):
    page = manager_page(size)
    page.goto("/metrics")
    summaries = page.locator("main details > summary")
    assert summaries.count() >= 8  # every section folds, and starts folded
    assert page.locator("main details[open]").count() == 0
    heading_1947 = page.get_by_role("heading", name=re.compile("section 1947"))
    expect(page.locator("main details > summary", has=heading_1947)).to_have_count(1)  # it folds like the others
    height = page.evaluate("() => document.documentElement.scrollHeight")
    if size == "360x740":
        assert height <= FOUR_SCREENS, f"/metrics is {height} px tall at 360 px"
    browser_screenshot(page, f"metrics-dashboard-{size}")
    assert axe_violations(page) == []

    page.get_by_role("heading", name="Calls", exact=True).click()  # unfold it
    calls = page.get_by_role("region", name="By call type")
    expect(calls.get_by_role("rowheader", name="Mental health crisis", exact=True)).to_be_visible()
    assert page.locator("main abbr").count() == 0  # no name a touch screen cannot open
    browser_screenshot(page, f"metrics-dashboard-calls-{size}", full_page=False)
    page.locator("main details").evaluate_all("(ds) => ds.forEach((d) => { d.open = true; })")
    coverage = page.get_by_role("region", name="Responses and coverage")  # the history's past shifts count
    expect(coverage.get_by_role("row", name=re.compile("^Hours covered by a staffed unit"))).not_to_contain_text(
        re.compile(r"^\D*0\.0 h"))
    browser_screenshot(page, f"metrics-dashboard-open-{size}")
    scrollers = page.evaluate(SCROLLERS_JS)
    for scroller in scrollers:  # a keyboard reaches every table that scrolls, and it has a name
        assert scroller["tabindex"] == "0" and scroller["role"] == "region" and scroller["label"], scroller
    if size == "360x740":
        assert scrollers, "some table scrolls sideways at 360 px"
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_the_printable_report_has_a_main_an_icon_and_no_axe_finding(manager_page, browser_screenshot, size):
    page = manager_page(size)
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto("/metrics/report")
    expect(page.get_by_role("main")).to_contain_text("The program's record")
    expect(page.get_by_role("link", name="Download as PDF")).to_have_attribute("download", "")
    assert page.locator("link[rel=icon]").count() == 1
    browser_screenshot(page, f"metrics-report-{size}")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert re.fullmatch(r"fieldapp-report-\d{4}-\d{2}(-\d{2}_\d{4}-\d{2}-\d{2})?\.pdf",
                        download.value.suggested_filename), download.value.suggested_filename
    assert failed == []
