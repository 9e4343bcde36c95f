"""Named periods a program reports on: this month, last quarter, year to date...

Each is a first and a last day (both counted), in the agency's zone, worked out from today. The
ones named "this" or "to date" end today; "last" ones are whole calendar months or quarters.
"""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

PRESETS = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "this_quarter": _l("This quarter"),
    "last_quarter": _l("Last quarter"),
    "year_to_date": _l("Year to date"),
    "last_12_months": _l("Last 12 months"),
}


def preset_days(name: str, today: date) -> tuple[date, date]:
    """(first day, last day) of the preset ``name``, both counted.

    ``last_12_months`` is the twelve whole months before this one (Dec 2025 - Nov 2026 in Dec 2026).
    """
    month = today.replace(day=1)
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    previous_month = (month - timedelta(days=1)).replace(day=1)
    if name == "this_month":
        return month, today
    if name == "last_month":
        return previous_month, month - timedelta(days=1)
    if name == "this_quarter":
        return quarter, today
    if name == "last_quarter":
        last = quarter - timedelta(days=1)
        return last.replace(month=(last.month - 1) // 3 * 3 + 1, day=1), last
    if name == "year_to_date":
        return today.replace(month=1, day=1), today
    if name == "last_12_months":
        return month.replace(year=month.year - 1), month - timedelta(days=1)
    raise ValueError(f"unknown preset {name!r}")
