"""Driver-level SQL inside a SQLAlchemy transaction: the statements of the till's checkout and what it shares.

Through SQLAlchemy Core a statement costs the till 60-100 us of Python (the compiled-cache lookup, an
execution context, result metadata, events) around the 5-10 us sqlite3 itself takes with its statement
cache. A sale runs about a dozen statements, so Core made most of a checkout's CPU: 4-5 ms against a 1 ms
fsync, and a commit p99 of 9x the raw durable insert (issue 10 point 10, target 3x). These helpers run SQL
text on the DBAPI connection of the caller's transaction: the same BEGIN IMMEDIATE, committed or rolled back
with it. Rows come back as named tuples: attribute access like SQLAlchemy's Row, and `_mapping`; the
driver's errors are raised as SQLAlchemy's (IntegrityError, OperationalError...), as through Core, so every
caller handles a refused constraint or a damaged file the same way whichever path met it.

SQL text here is written in code, never built from input; values always go as parameters.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

Params = Mapping[str, Any] | Sequence[Any]
# A row read here: a named tuple of the selected columns (attribute access and `_mapping`, as SQLAlchemy's Row).
Record = Any


@lru_cache(maxsize=512)
def _record_type(fields: tuple[str, ...]) -> type:
    # rename: a column without a plain name (an expression) becomes _0, _1...; such rows are read by position
    record = namedtuple("Record", fields, rename=True)  # type: ignore[misc]  # noqa: PYI024
    record._mapping = property(lambda self: dict(zip(self._fields, self, strict=True)))
    return record


def _records(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Any:
    return _record_type(tuple(column[0] for column in cursor.description))._make(row)


def _cursor(conn: Connection, records: bool = True) -> sqlite3.Cursor:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    if records:
        cursor.row_factory = _records
    return cursor


def _as_sqlalchemy(exc: sqlite3.Error, sql: str) -> DBAPIError:
    # hide_parameters, as the engine (storage/engine.py): a logged error must not carry a phone or a name
    return DBAPIError.instance(sql, None, exc, sqlite3.Error, hide_parameters=True)


def execute(conn: Connection, sql: str, params: Params = ()) -> sqlite3.Cursor:
    """One statement in the caller's transaction; the cursor to read its rows from."""
    cursor = _cursor(conn)
    try:
        cursor.execute(sql, params)
    except sqlite3.Error as exc:
        raise _as_sqlalchemy(exc, sql) from exc
    return cursor


def first(conn: Connection, sql: str, params: Params = ()) -> Any | None:
    """The first row, or None."""
    cursor = execute(conn, sql, params)
    try:
        return cursor.fetchone()  # sqlite3 steps to the next row here: it can meet a damaged page too
    except sqlite3.Error as exc:
        raise _as_sqlalchemy(exc, sql) from exc


def scalar(conn: Connection, sql: str, params: Params = ()) -> Any:
    """The first column of the first row, or None when there is no row."""
    try:
        row = _cursor(conn, records=False).execute(sql, params).fetchone()
    except sqlite3.Error as exc:
        raise _as_sqlalchemy(exc, sql) from exc
    return None if row is None else row[0]


@lru_cache(maxsize=128)
def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(":" + c for c in columns)})'


def insert(conn: Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """Insert rows that all carry the same keys (the columns written; the rest take their defaults)."""
    rows = list(rows)
    if rows:
        sql = insert_sql(table, tuple(rows[0]))
        try:
            _cursor(conn, records=False).executemany(sql, rows)
        except sqlite3.Error as exc:
            raise _as_sqlalchemy(exc, sql) from exc
