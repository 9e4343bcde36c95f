"""Export values formatted by the database, so a CSV row needs no work in Python.

Each construct turns a column into the text the CSV holds, the same on PostgreSQL and SQLite:
times as ISO 8601 UTC to the second (``2026-03-02T14:00:00Z``), ids in their canonical UUID form,
booleans as ``true``/``false``, JSON arrays of codes joined with ``;``, durations in whole seconds,
and free text defused for spreadsheets (OWASP CSV injection: a leading ``= + - @`` gets a quote).
"""

from sqlalchemy import Integer, String, case, cast, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class iso_utc(FunctionElement):  # noqa: N801 - reads as a SQL function
    type = String()
    inherit_cache = True
    name = "iso_utc"


@compiles(iso_utc, "postgresql")
def _iso_pg(element, compiler, **kw):
    (value,) = list(element.clauses)
    return f"""to_char({compiler.process(value, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


@compiles(iso_utc, "sqlite")
def _iso_sqlite(element, compiler, **kw):
    (value,) = list(element.clauses)
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {compiler.process(value, **kw)})"


class uuid_text(FunctionElement):  # noqa: N801
    type = String()
    inherit_cache = True
    name = "uuid_text"


@compiles(uuid_text, "postgresql")
def _uuid_pg(element, compiler, **kw):
    (value,) = list(element.clauses)
    return f"CAST({compiler.process(value, **kw)} AS TEXT)"


@compiles(uuid_text, "sqlite")
def _uuid_sqlite(element, compiler, **kw):
    # SQLite keeps a UUID as 32 hex digits: put the dashes back.
    (value,) = list(element.clauses)
    v = f"lower({compiler.process(value, **kw)})"
    return (f"(substr({v}, 1, 8) || '-' || substr({v}, 9, 4) || '-' || substr({v}, 13, 4) || '-' || "
            f"substr({v}, 17, 4) || '-' || substr({v}, 21, 12))")


class json_codes(FunctionElement):  # noqa: N801
    """A JSON array of codes as 'a;b;c' (in the array's order); '' for an empty array."""

    type = String()
    inherit_cache = True
    name = "json_codes"


@compiles(json_codes, "postgresql")
def _codes_pg(element, compiler, **kw):
    (value,) = list(element.clauses)
    return f"array_to_string(ARRAY(SELECT json_array_elements_text({compiler.process(value, **kw)})), ';')"


@compiles(json_codes, "sqlite")
def _codes_sqlite(element, compiler, **kw):
    (value,) = list(element.clauses)
    # A compiled column expression, not user input.
    return f"coalesce((SELECT group_concat(value, ';') FROM json_each({compiler.process(value, **kw)})), '')"  # noqa: S608


def bool_text(value):
    return case((value.is_(True), "true"), (value.is_(False), "false"))


def whole_seconds(value):
    return cast(func.round(value), Integer)


def safe_text(value):
    """Free text that cannot start a spreadsheet formula."""
    return case((func.substr(value, 1, 1).in_(FORMULA_STARTS), literal("'") + value), else_=value)
