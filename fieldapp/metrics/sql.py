"""SQL pieces that PostgreSQL and SQLite spell differently, written once each.

Every function here builds an expression; nothing runs a query. The PostgreSQL spelling is the
production one; the SQLite one is for the embedded demo and gives the same numbers.
"""

from datetime import datetime

from sqlalchemy import Float, Integer, String, case, func, literal, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement):  # noqa: N801 - reads as a SQL function
    """``end - start`` in seconds (a float); NULL when either is NULL."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    # julianday() is a double of days: its rounding error is a few microseconds, so round to the ms.
    end, start = compiler.process(end, **kw), compiler.process(start, **kw)
    return f"round((julianday({end}) - julianday({start})) * 86400.0, 3)"


class float_seconds_between(seconds_between):  # noqa: N801
    """``end - start`` in seconds as a double, for queries that compute a duration per call.

    PostgreSQL's ``date_part`` gives a double directly, where EXTRACT's exact numeric costs about
    a third of such a query; ``percentile_cont`` works in doubles anyway. The two agree exactly
    for durations under a day (a longer interval may differ in the last bit of the double).
    """

    inherit_cache = True
    name = "float_seconds_between"


@compiles(float_seconds_between, "postgresql")
def _float_seconds_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"date_part('epoch', {compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


class within_days_before(FunctionElement):  # noqa: N801
    """True when ``earlier`` is at most ``days`` days before ``later`` (``later - days <= earlier``)."""

    type = Integer()
    inherit_cache = True
    name = "within_days_before"


@compiles(within_days_before, "postgresql")
def _within_pg(element, compiler, **kw):
    earlier, later, days = list(element.clauses)
    return (f"({compiler.process(earlier, **kw)} >= {compiler.process(later, **kw)} - "
            f"make_interval(days => {compiler.process(days, **kw)}))")


@compiles(within_days_before, "sqlite")
def _within_sqlite(element, compiler, **kw):
    earlier, later, days = list(element.clauses)
    return (f"(julianday({compiler.process(earlier, **kw)}) >= "
            f"julianday({compiler.process(later, **kw)}) - {compiler.process(days, **kw)})")


class age_years(FunctionElement):  # noqa: N801
    """Whole years from a date of birth to a (UTC) moment: the age on that day."""

    type = Integer()
    inherit_cache = True
    name = "age_years"


@compiles(age_years, "postgresql")
def _age_pg(element, compiler, **kw):
    dob, at = list(element.clauses)
    return (f"CAST(EXTRACT(YEAR FROM age(CAST(({compiler.process(at, **kw)} AT TIME ZONE 'UTC') AS DATE), "
            f"{compiler.process(dob, **kw)})) AS INTEGER)")


@compiles(age_years, "sqlite")
def _age_sqlite(element, compiler, **kw):
    dob, at = (compiler.process(clause, **kw) for clause in element.clauses)
    return (f"(CAST(strftime('%Y', {at}) AS INTEGER) - CAST(strftime('%Y', {dob}) AS INTEGER) - "
            f"(strftime('%m-%d', {at}) < strftime('%m-%d', {dob})))")


class joined_text(FunctionElement):  # noqa: N801
    """An aggregate: the distinct non-NULL values of a text column, sorted, joined with ';'."""

    type = String()
    inherit_cache = True
    name = "joined_text"


@compiles(joined_text, "postgresql")
def _joined_pg(element, compiler, **kw):
    (value,) = list(element.clauses)
    value = compiler.process(value, **kw)
    return f"string_agg(DISTINCT {value}, ';' ORDER BY {value})"


@compiles(joined_text, "sqlite")
def _joined_sqlite(element, compiler, **kw):
    # SQLite's group_concat(DISTINCT x) only separates with ','; the values never hold a comma.
    (value,) = list(element.clauses)
    return f"replace(group_concat(DISTINCT {compiler.process(value, **kw)}), ',', ';')"


def json_items(column, dialect_name: str):
    """A table of the text items of a JSON array column (one row per item, column ``value``).

    Joined ``ON true`` it unnests the array of each row: PostgreSQL's ``json_array_elements_text``
    (set-returning functions in FROM may refer to earlier tables) and SQLite's ``json_each``.
    """
    if dialect_name == "postgresql":
        return func.json_array_elements_text(column).table_valued("value")
    return func.json_each(column).table_valued("value")


def bucket_index(column, edges: list[datetime]):
    """0-based index of the bucket ``[edges[i], edges[i+1])`` that ``column`` falls in.

    Rows are expected to be inside ``[edges[0], edges[-1])`` already (the period's filter).
    """
    whens = [(column < edge, index) for index, edge in enumerate(edges[1:-1])]
    return case(*whens, else_=len(edges) - 2) if whens else literal(0)


class bucket_of(FunctionElement):  # noqa: N801
    """Which of the buckets a number falls in: 0 below ``edges[0]``, ``i`` in ``[edges[i-1], edges[i])``,
    ``len(edges)`` from the last edge on; NULL for NULL. The edges are whole numbers, in order.

    PostgreSQL's ``width_bucket`` reads the number once, where a CASE of comparisons computes it
    again for every edge (SQLite, for the small demo data, gets that CASE).
    """

    type = Integer()
    inherit_cache = True
    name = "bucket_of"

    def __init__(self, value, edges):
        super().__init__(value, *(literal_column(str(int(edge))) for edge in edges))


@compiles(bucket_of, "postgresql")
def _bucket_of_pg(element, compiler, **kw):
    value, *edges = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"width_bucket({value}, ARRAY[{', '.join(edges)}])"


@compiles(bucket_of, "sqlite")
def _bucket_of_sqlite(element, compiler, **kw):
    value, *edges = (compiler.process(clause, **kw) for clause in element.clauses)
    whens = " ".join(f"WHEN {value} < {edge} THEN {index}" for index, edge in enumerate(edges))
    return f"CASE WHEN {value} IS NULL THEN NULL {whens} ELSE {len(edges)} END"


def percentile(ordered: list[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: linear interpolation between the two closest ranks.

    Used on SQLite, where the durations come back sorted from one query; PostgreSQL computes it
    itself. The same definition on both, so the demo and production agree.
    """
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class whole_minutes(FunctionElement):  # noqa: N801
    """The whole minutes in a number of seconds (``floor(seconds / 60)``) of a duration that is not negative."""

    type = Integer()
    inherit_cache = True
    name = "whole_minutes"


@compiles(whole_minutes, "postgresql")
def _minutes_pg(element, compiler, **kw):
    (value,) = list(element.clauses)
    return f"CAST(floor({compiler.process(value, **kw)} / 60) AS INTEGER)"


@compiles(whole_minutes, "sqlite")
def _minutes_sqlite(element, compiler, **kw):
    (value,) = list(element.clauses)  # CAST truncates towards zero: the floor of a number >= 0
    return f"CAST({compiler.process(value, **kw)} / 60 AS INTEGER)"
