"""Many rows in one statement on PostgreSQL: each column as one array parameter, unnest()ed into rows. One
statement for a batch's rows, where executemany sent them one by one (psycopg pipelines them, but a
statement a row still cost most of a batch's time); SQLite takes them by executemany."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Connection, Integer, text


def _array_type(column: Any) -> str:
    if isinstance(column.type, BigInteger):
        return "bigint[]"
    return "integer[]" if isinstance(column.type, Integer) else "varchar[]"


def pg_unnest(table: Any, columns: list[str], rows: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """`SELECT * FROM unnest(...)` over the rows' columns, one array parameter a column."""
    arrays = ", ".join(f"CAST(:c{i} AS {_array_type(table.c[name])})" for i, name in enumerate(columns))
    return (f"SELECT * FROM unnest({arrays})",
            {f"c{i}": [row[name] for row in rows] for i, name in enumerate(columns)})


def insert_rows(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        select_sql, params = pg_unnest(table, columns, rows)
        conn.execute(text(f"INSERT INTO {table.name} ({', '.join(columns)}) {select_sql}"), params)
    else:
        conn.execute(table.insert(), rows)
