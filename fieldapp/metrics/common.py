"""Helpers every metrics query module shares."""

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import array

from fieldapp.database import dialect_of
from fieldapp.metrics.sql import percentile


def share(part, whole):
    return round(part / whole, 4) if whole else None


def seconds(value):
    return None if value is None else round(float(value), 1)


def grouped_counts(session, inner):
    """Rows of ``inner``'s columns with how many rows have them (column ``n``).

    Grouping on the columns of a subquery keeps expressions with bound values (CASE, comparisons)
    out of GROUP BY, where PostgreSQL would see each bound value as a different expression.
    """
    sub = inner.subquery()
    return session.execute(select(*sub.c, func.count().label("n")).group_by(*sub.c)).all()


def grouped_quantiles(session, facts, keys: list[str], names: list[str], sums: tuple[str, ...] = ()) -> dict:
    """Per group of the ``keys`` columns of the subquery ``facts``: its ``rows``, the total of each column of
    ``sums``, and for each column of ``names`` its ``n`` (values that are not NULL), median and 90th
    percentile: {group: {"rows", <sum>..., <name>: {n, median, p90}}}. PostgreSQL computes them in one
    statement (``percentile_cont``), so the rows never leave the database; SQLite, the embedded demo's,
    reads each column's values sorted and interpolates the same way (``metrics.sql.percentile``)."""
    group = [facts.c[key] for key in keys]
    totals = [func.count(), *(func.sum(facts.c[name]) for name in sums)]
    postgresql = dialect_of(session) == "postgresql"
    quantiles = [part for name in names for part in (func.count(facts.c[name]), func.percentile_cont(
        array([0.5, 0.9])).within_group(facts.c[name]))] if postgresql else []
    found, empty = {}, {"n": 0, "median": None, "p90": None}
    for row in session.execute(select(*group, *totals, *quantiles).group_by(*group)):
        key, values = tuple(row[:len(keys)]), row[len(keys):]
        totalled = {name: int(total or 0) for name, total in zip(sums, values[1:len(totals)], strict=True)}
        found[key] = {"rows": values[0], **totalled, **{name: dict(empty) for name in names}}
        counted, fractions = values[len(totals)::2], values[len(totals) + 1::2]  # PostgreSQL's percentiles
        for name, n, median_p90 in zip(names, counted, fractions, strict=postgresql):
            found[key][name] = {"n": n, "median": seconds(median_p90[0]) if median_p90 else None,
                                "p90": seconds(median_p90[1]) if median_p90 else None}
    if postgresql:
        return found
    for name in names:
        column, ordered = facts.c[name], {}
        for *key, value in session.execute(select(*group, column).where(column.is_not(None))
                                           .order_by(*group, column)):
            ordered.setdefault(tuple(key), []).append(value)
        for key, values in ordered.items():
            if key not in found:  # SQLite: a call committed between the two reads, in a group of its own
                continue
            found[key][name] = {"n": len(values), "median": seconds(percentile(values, 0.5)),
                                "p90": seconds(percentile(values, 0.9))}
    return found
