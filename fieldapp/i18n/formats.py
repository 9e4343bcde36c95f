"""One way to show dates, times and numbers (issue 23): Babel's CLDR formats in the user's locale and
the agency's zone, 24-hour where the agency says so (``TIME_FORMAT_24H``; unset: as the locale writes
times). Templates use these as filters (``|datetime``, ``|date``, ``|time``, ``|day_range``,
``|number``); exports' human columns and the PDF report call them too. The API keeps ISO 8601.

Typed dates (``parse_typed_date``) are read in the user's local order (04/02/1990 is April 2 in en-US,
2 April in es) or as ISO 8601; ``date_hint`` says which order to type."""

import re
from datetime import UTC, date, datetime

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import current_app, has_app_context
from flask_babel import get_locale, gettext

from fieldapp import clock


def locale() -> Locale:
    """The request's locale (fieldapp.i18n.select_locale); outside a request, the agency's default."""
    chosen = get_locale() if has_app_context() else None
    if chosen is not None:
        return chosen
    return Locale.parse(current_app.config["DEFAULT_LOCALE"] if has_app_context() else "en")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _hour_pattern(seconds: bool) -> str | None:
    """The agency's clock ("HH:mm" or "h:mm a"), or None for the locale's own."""
    hours24 = current_app.config.get("TIME_FORMAT_24H") if has_app_context() else None
    if hours24 is None:
        return None
    pattern = "HH:mm" if hours24 else "h:mm"
    pattern += ":ss" if seconds else ""
    return pattern if hours24 else pattern + " a"


def format_time(moment: datetime | None, seconds: bool = False) -> str:
    """17:25 / 5:25 PM, in the agency's zone."""
    if moment is None:
        return ""
    try:
        local = clock.to_local(_aware(moment))
    except (OverflowError, ValueError):
        return moment.strftime("%H:%M UTC")
    pattern = _hour_pattern(seconds) or ("medium" if seconds else "short")
    return babel_dates.format_time(local, pattern, tzinfo=local.tzinfo, locale=locale())


def format_date(value: date | datetime | None, length: str = "medium") -> str:
    """Dec 7, 2026 / 7 dic 2026; a moment's date in the agency's zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        try:
            value = clock.to_local(_aware(value)).date()
        except (OverflowError, ValueError):
            value = value.date()
    return babel_dates.format_date(value, length, locale=locale())


def format_datetime(moment: datetime | None, seconds: bool = False) -> str:
    """Dec 7, 2026, 5:25 PM / 7 dic 2026, 17:25: date and time as the locale joins them."""
    if moment is None:
        return ""
    try:
        clock.to_local(_aware(moment))
    except (OverflowError, ValueError):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    pattern = babel_dates.get_datetime_format("medium", locale=locale())
    return pattern.replace("{1}", format_date(moment)).replace("{0}", format_time(moment, seconds))


def format_day_range(start: date, end: date) -> str:
    """Sep 9 – Dec 7, 2026 / 9 sept – 7 dic 2026 (both days included)."""
    return babel_dates.format_interval(start, end, "yMMMd", locale=locale())


def format_day(value: date) -> str:
    """Dec 7 / 7 dic: a day of this year's charts, without the year."""
    return babel_dates.format_skeleton("MMMd", value, locale=locale())


def format_month(value: date) -> str:
    """Dec 2026 / dic 2026."""
    return babel_dates.format_skeleton("yMMM", value, locale=locale())


def format_number(value, decimals: int | None = None) -> str:
    """1,234.5 / 1234,5 (Spanish groups from five digits)."""
    if value is None:
        return ""
    if decimals is not None:
        return babel_numbers.format_decimal(value, format="#,##0." + "0" * decimals if decimals else "#,##0",
                                            locale=locale())
    return babel_numbers.format_decimal(value, locale=locale())


def format_percent(value, decimals: int = 0) -> str:
    """A share (0.25) as 25 % / 25 %."""
    if value is None:
        return ""
    return babel_numbers.format_percent(value, format="#,##0" + ("." + "0" * decimals if decimals else "") + "%",
                                        locale=locale())


def format_share(value, decimals: int = 1) -> str:
    """A share (0.255) as the locale writes a percentage, with at most ``decimals`` decimals and none
    when they are zero: 25.5% / 25,5 %, 25% / 25 %."""
    if value is None:
        return ""
    return babel_numbers.format_percent(round(value, decimals + 2), locale=locale(), decimal_quantization=False)


def format_signed(value, decimals: int = 0) -> str:
    """A change with its sign: +12 / −3 / ±0; +1.5 / +1,5 with ``decimals``."""
    if value is None:
        return ""
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + format_number(abs(value), decimals)


# -- typed dates ------------------------------------------------------------------------------------

_PARTS = re.compile(r"^\s*(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})\s*$")


def _order() -> str:
    """"mdy", "dmy" or "ymd" from the locale's short date pattern (M/d/yy in en-US, d/M/yy in es)."""
    pattern = locale().date_formats["short"].pattern.lower()
    positions = sorted((pattern.find(letter), letter) for letter in "dmy" if letter in pattern)
    return "".join(letter for _, letter in positions)


def date_hint() -> str:
    """What to type: "MM/DD/YYYY or YYYY-MM-DD" in en-US, "DD/MM/AAAA o AAAA-MM-DD" in es."""
    names = {"d": gettext("DD"), "m": gettext("MM"), "y": gettext("YYYY")}
    return gettext("%(local)s or %(iso)s", local="/".join(names[part] for part in _order()),
                   iso="-".join(names[part] for part in "ymd"))


def looks_like_date(text: str) -> bool:
    """Three groups of digits joined by / . or - (04/02/1990, 1990-04-02)."""
    return bool(_PARTS.match(text or ""))


def parse_typed_date(text: str) -> date | None:
    """A date typed in the user's local order or as ISO 8601; None when it is neither (the caller
    names the field in its error)."""
    text = (text or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _PARTS.match(text)
    if not match:
        return None
    first, second, third = match.groups()
    if len(first) == 4:  # 1990/04/02: year first, whatever the locale
        year, month, day = first, second, third
    else:
        parts = dict(zip(_order(), (first, second, third), strict=True))
        year, month, day = parts["y"], parts["m"], parts["d"]
    if len(year) != 4:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def register_filters(app) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_time, "time")
    app.add_template_filter(format_month, "month")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_share, "share")
    app.add_template_filter(format_signed, "signed")
    app.add_template_global(format_day_range, "day_range")
    app.add_template_global(date_hint)
