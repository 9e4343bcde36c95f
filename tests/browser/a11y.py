"""Accessibility checks for the browser tests: axe-core (vendored, tests/browser/vendor) run in the page."""

from pathlib import Path

AXE = Path(__file__).with_name("vendor") / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's violations of the page as it is now, of any impact (minor to critical), one line per
    element."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;0")  # through DevTools, so the page's CSP does not apply
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{violation['id']} ({violation['impact']}): {node['target']} {violation['help']}"
            for violation in result["violations"] for node in violation["nodes"]]


# The earlier name, kept for tests written against it: it counts every impact too now.
serious_axe_violations = axe_violations
