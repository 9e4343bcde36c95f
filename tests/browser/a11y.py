"""Accessibility checks for the browser tests: axe-core (vendored, tests/browser/vendor) run in the page."""

from pathlib import Path

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SERIOUS = ("serious", "critical")


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations of the page as it is now, one line per element."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;0")  # through DevTools, so the page's CSP does not apply
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{violation['id']} ({violation['impact']}): {node['target']} {violation['help']}"
            for violation in result["violations"] if violation["impact"] in SERIOUS
            for node in violation["nodes"]]
