"""SQL pieces that PostgreSQL and SQLite spell differently, written once each, for the metrics and the exports.

Every function here builds an expression; nothing runs a query. The PostgreSQL spelling is the
production one; the SQLite one is for the embedded demo and gives the same values. Most are made
by ``dialect_function``: a name, a type and the two spellings (each given the compiled arguments).

The export formatters (``iso_local``, ``uuid_text``, ``json_codes``, ``bool_text``, ``whole_seconds``,
``safe_text``) turn a column into the text the CSV holds, the same on both databases: times as
ISO 8601 in the agency's zone with the offset (``2026-03-01T14:05:00-05:00``), ids in their
canonical UUID form, booleans ``true``/``false``, JSON arrays of codes joined with ``;``, durations
in whole seconds, free text defused for spreadsheets (OWASP CSV injection).
"""

import sqlite3
from datetime import datetime

from sqlalchemy import Float, Integer, String, case, cast, event, func, literal, literal_column, null
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from fieldapp import clock

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def dialect_function(name: str, type_, *, postgresql, sqlite, doc: str):
    """A SQL expression class ``name(*args)`` compiled by ``postgresql(*args)`` or ``sqlite(*args)``,
    which receive each argument compiled to SQL text and return the SQL of the expression."""
    element = type(name, (FunctionElement,), {"type": type_, "inherit_cache": True, "name": name, "__doc__": doc})

    for dialect, spell in (("postgresql", postgresql), ("sqlite", sqlite)):
        def compile_(element, compiler, _spell=spell, **kw):
            return _spell(*(compiler.process(clause, **kw) for clause in element.clauses))
        compiles(element, dialect)(compile_)
    return element


seconds_between = dialect_function(
    "seconds_between", Float(), doc="``end - start`` in seconds (a float); NULL when either is NULL.",
    postgresql=lambda start, end: f"EXTRACT(EPOCH FROM ({end} - {start}))",
    # julianday() is a double of days: its rounding error is a few microseconds, so round to the ms.
    sqlite=lambda start, end: f"round((julianday({end}) - julianday({start})) * 86400.0, 3)")

float_seconds_between = dialect_function(
    "float_seconds_between", Float(),
    doc="""``end - start`` in seconds as a double, for queries that compute a duration per call.

    PostgreSQL's ``date_part`` gives a double directly, where EXTRACT's exact numeric costs about
    a third of such a query; ``percentile_cont`` works in doubles anyway. The two agree exactly
    for durations under a day (a longer interval may differ in the last bit of the double).""",
    postgresql=lambda start, end: f"date_part('epoch', {end} - {start})",
    sqlite=lambda start, end: f"round((julianday({end}) - julianday({start})) * 86400.0, 3)")

within_days_before = dialect_function(
    "within_days_before", Integer(),
    doc="True when ``earlier`` is at most ``days`` days before ``later`` (``later - days <= earlier``).",
    postgresql=lambda earlier, later, days: f"({earlier} >= {later} - make_interval(days => {days}))",
    sqlite=lambda earlier, later, days: f"(julianday({earlier}) >= julianday({later}) - {days})")

age_years = dialect_function(
    "age_years", Integer(), doc="Whole years from a date of birth to a (UTC) moment: the age on that day.",
    postgresql=lambda dob, at: (f"CAST(EXTRACT(YEAR FROM age(CAST(({at} AT TIME ZONE 'UTC') AS DATE), {dob})) "
                                "AS INTEGER)"),
    sqlite=lambda dob, at: (f"(CAST(strftime('%Y', {at}) AS INTEGER) - CAST(strftime('%Y', {dob}) AS INTEGER) - "
                            f"(strftime('%m-%d', {at}) < strftime('%m-%d', {dob})))"))

joined_text = dialect_function(
    "joined_text", String(),
    doc="An aggregate: the distinct non-NULL values of a text column, sorted, joined with ';'.",
    postgresql=lambda value: f"string_agg(DISTINCT {value}, ';' ORDER BY {value})",
    # SQLite's group_concat(DISTINCT x) only separates with ','; the values never hold a comma.
    sqlite=lambda value: f"replace(group_concat(DISTINCT {value}), ',', ';')")

whole_minutes = dialect_function(
    "whole_minutes", Integer(),
    doc="The whole minutes in a number of seconds (``floor(seconds / 60)``) of a duration that is not negative.",
    postgresql=lambda value: f"CAST(floor({value} / 60) AS INTEGER)",
    sqlite=lambda value: f"CAST({value} / 60 AS INTEGER)")  # CAST truncates towards zero: the floor of a number >= 0


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


def _width_bucket_sqlite(value, *edges):
    whens = " ".join(f"WHEN {value} < {edge} THEN {index}" for index, edge in enumerate(edges))
    return f"CASE WHEN {value} IS NULL THEN NULL {whens} ELSE {len(edges)} END"


_bucket_of = dialect_function(
    "bucket_of", Integer(), doc="See ``bucket_of``.",
    postgresql=lambda value, *edges: f"width_bucket({value}, ARRAY[{', '.join(edges)}])",
    sqlite=_width_bucket_sqlite)


def bucket_of(value, edges):
    """Which of the buckets a number falls in: 0 below ``edges[0]``, ``i`` in ``[edges[i-1], edges[i])``,
    ``len(edges)`` from the last edge on; NULL for NULL. The edges are whole numbers, in order.

    PostgreSQL's ``width_bucket`` reads the number once, where a CASE of comparisons computes it
    again for every edge (SQLite, for the small demo data, gets that CASE).
    """
    return _bucket_of(value, *(literal_column(str(int(edge))) for edge in edges))


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


# Export formatting -------------------------------------------------------------------------------

def _local_offset_pg(value, zone):
    offset = f"(({value} AT TIME ZONE {zone}) - ({value} AT TIME ZONE 'UTC'))"
    return (f"""(to_char({value} AT TIME ZONE {zone}, 'YYYY-MM-DD"T"HH24:MI:SS') || """
            f"CASE WHEN {offset} < interval '0' THEN '-' || to_char(-{offset}, 'HH24:MI') "
            f"ELSE '+' || to_char({offset}, 'HH24:MI') END)")


_iso_local = dialect_function(
    "iso_local", String(), doc="See ``iso_local``.", postgresql=_local_offset_pg,
    sqlite=lambda value, zone: f"fieldapp_iso_local({value}, {zone})")


def iso_local(value, zone: str):
    """A time as ISO 8601 in ``zone`` to the second, with that moment's UTC offset:
    ``2026-03-01T14:05:00-05:00`` (``-04:00`` in summer). SQLite calls ``fieldapp.clock.local_iso``
    (registered below)."""
    return _iso_local(value, literal(zone, String()))


def _sqlite_local_iso(stored, zone):
    """SQLite keeps a UTC time as text ('2026-03-01 19:05:00.000000'): the same text as PostgreSQL's."""
    return None if stored is None else clock.local_iso(datetime.fromisoformat(stored), zone)


@event.listens_for(Engine, "connect")
def _sqlite_functions(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("fieldapp_iso_local", 2, _sqlite_local_iso, deterministic=True)


uuid_text = dialect_function(
    "uuid_text", String(), doc="A UUID in its canonical (lower-case, dashed) text.",
    postgresql=lambda value: f"CAST({value} AS TEXT)",
    # SQLite keeps a UUID as 32 hex digits: put the dashes back.
    sqlite=lambda value: "(" + " || '-' || ".join(
        f"substr(lower({value}), {start}, {length})" for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12)))
    + ")")

json_codes = dialect_function(
    "json_codes", String(), doc="A JSON array of codes as 'a;b;c' (in the array's order); NULL for an empty array.",
    postgresql=lambda value: f"nullif(array_to_string(ARRAY(SELECT json_array_elements_text({value})), ';'), '')",
    sqlite=lambda value: f"(SELECT group_concat(value, ';') FROM json_each({value}))")  # noqa: S608 - compiled SQL


def bool_text(value):
    return case((value.is_(True), "true"), (value.is_(False), "false"))


def whole_seconds(value):
    return cast(func.round(value), Integer)


def safe_text(value):
    """Free text that cannot start a spreadsheet formula; NULL for empty text (in a CSV, both are an
    empty field: PostgreSQL's COPY would quote an empty string, Python's csv module does not)."""
    return case((value == "", null()), (func.substr(value, 1, 1).in_(FORMULA_STARTS), literal("'") + value),
                else_=value)
