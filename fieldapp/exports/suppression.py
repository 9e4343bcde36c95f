"""Small-cell suppression with complementary suppression (CMS cell size rule).

A published table is a set of *entries* (cells and their totals) tied by *constraints*
(``total = part + part + ...``). Primary suppression hides every entry from 1 to 10 (0 may be
shown). Complementary suppression then hides more entries until no hidden entry can be solved
from the shown ones: a hidden entry is exposed exactly when the constraints, with the shown values
put in, fix its value, i.e. when its unit vector lies in the row space of the constraint matrix
restricted to the hidden entries. That is checked exactly, with rational Gaussian elimination.

It follows that every constraint holding a hidden entry holds at least two (a lone unknown in a
sum is solved by subtraction), and also that chains of such pairs cannot be solved by combining
several totals. Entries shared by several tables (the same column totals) are one entry, so a
total hidden in one table cannot be read from another.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from fractions import Fraction

SMALL = range(1, 11)  # counts that may not be published


@dataclass
class Tables:
    entries: dict[Hashable, int] = field(default_factory=dict)
    constraints: list[tuple[Hashable, tuple[Hashable, ...]]] = field(default_factory=list)

    def add_constraint(self, total, parts):
        parts = tuple(parts)
        if parts:
            self.constraints.append((total, parts))


def cross_table(tables: Tables, name, rows, columns, counts, *, row_totals=True, column_totals=True,
                total_key=None):
    """Add a rows x columns table: ``counts[(row, column)]``, each row's total, each column's total.

    ``total_key(column)`` names a column total (and ``total_key(None)`` the grand total); tables
    giving the same names share those totals. With ``column_totals=False`` (categories that
    overlap, such as several race/ethnicity categories for one person) no column sums are claimed.
    """
    total_key = total_key or (lambda column: (name, "total", column))
    for row in rows:
        for column in columns:
            tables.entries[(name, row, column)] = counts.get((row, column), 0)
    if row_totals:
        for row in rows:
            tables.entries[(name, row, None)] = sum(counts.get((row, column), 0) for column in columns)
            tables.add_constraint((name, row, None), [(name, row, column) for column in columns])
    if column_totals:
        for column in columns:
            tables.entries[total_key(column)] = sum(counts.get((row, column), 0) for row in rows)
            tables.add_constraint(total_key(column), [(name, row, column) for row in rows])
        grand = total_key(None)
        tables.entries[grand] = sum(tables.entries[total_key(column)] for column in columns)
        tables.add_constraint(grand, [total_key(column) for column in columns])
        if row_totals:
            tables.add_constraint(grand, [(name, row, None) for row in rows])
    return tables


def suppress(tables: Tables) -> set:
    """The entries to hide: every 1-10 count, and enough others that none of them can be solved."""
    hidden = {key for key, value in tables.entries.items() if value in SMALL}
    order = {key: index for index, key in enumerate(tables.entries)}
    while True:
        exposed = sorted(solvable(tables, hidden), key=order.__getitem__)
        if not exposed:
            return hidden
        for key in exposed:
            if key in solvable(tables, hidden):  # an earlier complement may have covered it
                hidden.add(_complement(tables, hidden, key, order))


def solvable(tables: Tables, hidden: set) -> set:
    """The hidden entries whose values the shown entries and the constraints determine."""
    basis: dict[Hashable, dict] = {}  # pivot -> its row, fully reduced (reduced row echelon form)
    for total, parts in tables.constraints:
        row: dict = {}
        for key, sign in ((total, 1), *((part, -1) for part in parts)):
            if key in hidden:
                row[key] = row.get(key, 0) + sign
        row = {key: Fraction(value) for key, value in row.items() if value}
        for pivot in [key for key in row if key in basis]:
            _subtract(row, basis[pivot], row.get(pivot, 0))
        if not row:
            continue
        pivot = min(row, key=repr)
        scale = row[pivot]
        row = {key: value / scale for key, value in row.items()}
        for other in basis.values():
            if pivot in other:
                _subtract(other, row, other[pivot])
        basis[pivot] = row
    return {pivot for pivot, row in basis.items() if len(row) == 1}


def _subtract(row: dict, pivot_row: dict, factor):
    if not factor:
        return
    for key, value in pivot_row.items():
        new = row.get(key, 0) - factor * value
        if new:
            row[key] = new
        else:
            row.pop(key, None)


def _complement(tables: Tables, hidden: set, key, order) -> Hashable:
    """Another entry to hide so that ``key`` is no longer solvable: the smallest non-zero shown
    entry sharing a constraint with it (cells before totals), looking further out if it has none."""
    frontier, seen = {key}, set()
    while frontier:
        seen |= frontier
        near = set()
        for total, parts in tables.constraints:
            members = (total, *parts)
            if frontier.intersection(members):
                near.update(members)
        candidates = [member for member in near if member not in hidden]
        if candidates:
            return min(candidates, key=lambda member: (tables.entries[member] == 0,
                                                       _is_total(member, tables), tables.entries[member],
                                                       order[member]))
        frontier = near - seen
    raise AssertionError("every entry is hidden, so none can be solved")  # pragma: no cover


def _is_total(key, tables: Tables) -> bool:
    return any(key == total for total, _ in tables.constraints)
