"""Helpers every metrics query module shares."""

from sqlalchemy import func, select


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
