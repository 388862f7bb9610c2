"""Record numbers as people and buttons give them.

A number typed into an id option, or carried by a button, names a database row. Past the
database's integer range (PostgreSQL's ``integer`` stops at 2^31 - 1, SQLite's at 2^63 - 1)
it names nothing, and asking the database about it is an error rather than "no such row";
so numbers are checked here against the smaller range, once, before any query.
"""

from __future__ import annotations

#: the largest id every supported database can store (PostgreSQL ``integer``)
MAX_ID = 2**31 - 1
MIN_ID = -(2**31)


def storable(value: int) -> bool:
    """Whether ``value`` fits every supported database's integer column."""
    return MIN_ID <= value <= MAX_ID


def record_id(text: str | None) -> int | None:
    """The row number ``text`` carries (a button's value, one part of it), or None when it is
    not a plain non-negative number the database can hold: such a value names no row."""
    if text is None:
        return None
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if storable(value) else None
