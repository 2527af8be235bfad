"""Many rows in one statement on PostgreSQL: the rows travel as one JSON parameter that PostgreSQL unpacks
into the table's row type itself (json_populate_recordset). One statement for a batch's rows, where
executemany sent them one by one (psycopg pipelines them, but a statement a row still cost most of a batch's
time); and one JSON text encoded in C, where the array parameter a column this replaced was dumped value by
value in Python (a fifth of HQ's time in a push of sales). SQLite takes the rows by executemany.

Each value is converted by its column type's input function, as an INSERT's VALUES would be: a text too long
for its varchar(n) is an error, never cut short."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Connection, String, bindparam, cast, func, select, text


def pg_rows(table: Any, columns: list[str], rows: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """`SELECT columns FROM json_populate_recordset(...)` over the rows, typed as `table`'s columns."""
    payload = json.dumps([{name: row[name] for name in columns} for row in rows], separators=(",", ":"),
                         ensure_ascii=False, default=str)
    return (f"SELECT {', '.join(columns)} FROM json_populate_recordset(NULL::{table.name}, CAST(:rows AS json))",
            {"rows": payload})


def insert_rows(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        select_sql, params = pg_rows(table, columns, rows)
        conn.execute(text(f"INSERT INTO {table.name} ({', '.join(columns)}) {select_sql}"), params)
    else:
        conn.execute(table.insert(), rows)


def among(conn: Connection, column: Any, items: list[str]) -> Any:
    """`column IN items` for a text column. On PostgreSQL the items travel as one JSON parameter: an IN list
    of a batch's 500 bind parameters cost more to render and convert than the query costs to run."""
    if conn.dialect.name == "postgresql":
        listed = bindparam(None, json.dumps(items, separators=(",", ":")), type_=String)
        return column.in_(select(func.json_array_elements_text(cast(listed, JSON))).scalar_subquery())
    return column.in_(items)
