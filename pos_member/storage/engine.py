"""The store's SQLite file: engine, connection rules and transactions.

Rules (see ARCHITECTURE.md, "SQLite rules"): WAL; synchronous=FULL so a printed receipt survives a power
cut; foreign keys on; busy_timeout 10 s. pysqlite's own transaction handling is switched off and we emit
BEGIN ourselves: BEGIN IMMEDIATE for every write (a deferred transaction that has read can fail at once with
"database is locked" whatever the timeout), plain BEGIN for reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # driver-level autocommit: we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("pos_write") else "BEGIN")


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        pool_pre_ping=False,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """One store file. Use `write()` for anything that changes data and `read()` for the rest."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.engine = make_engine(self.path)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A BEGIN IMMEDIATE transaction: committed on success, rolled back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(pos_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
