"""The store's SQLite file: engine, connection rules and transactions.

Rules (see ARCHITECTURE.md, "SQLite rules"): WAL; synchronous=FULL so a printed receipt survives a power
cut; foreign keys on; busy_timeout 10 s. pysqlite's own transaction handling is switched off and we emit
BEGIN ourselves: BEGIN IMMEDIATE for every write (a deferred transaction that has read can fail at once with
"database is locked" whatever the timeout), plain BEGIN for reads.

WAL checkpoints run on a background thread when the till is idle, not in the committing connection:
SQLite's automatic checkpoint copies ~1000 pages back and fsyncs inside whichever commit crosses the
threshold, and even a background checkpoint running beside a commit competes for the disk: measured on a
1,000,000-member file, checkout p99 went from 1.8 ms (no checkpoint) to 3-5 ms. So the Checkpointer waits
for a quiet moment (no write for IDLE_S) unless the WAL passes a hard cap. PASSIVE never blocks writers.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from pos_member.domain.errors import StorageError
from pos_member.domain.reasons import Reason
from pos_member.storage import driver

BUSY_TIMEOUT_MS = 10_000
CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024  # ~1000 pages, SQLite's own default threshold
CHECKPOINT_HARD_CAP_BYTES = 256 * 1024 * 1024  # past this, checkpoint even while busy: reads slow down
CHECKPOINT_IDLE_S = 0.25
log = logging.getLogger(__name__)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any, durable: bool = True) -> None:
    dbapi_connection.isolation_level = None  # driver-level autocommit: we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL" if durable else "PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA wal_autocheckpoint=0")  # the Checkpointer thread does it, off the commit path
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: a big store's hot index pages stay in memory
    cursor.close()


def _on_begin(conn: Connection) -> None:
    # driver-level (storage/driver.py): every sale begins here, and Core's statement path costs more than BEGIN
    driver.execute(conn, "BEGIN IMMEDIATE" if conn.get_execution_options().get("pos_write") else "BEGIN")


def make_engine(path: Path, durable: bool = True) -> Engine:
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        pool_pre_ping=False,
        # the connection returned last is handed out next: its page cache is warm, while the other one's was
        # dropped by the write in between (WAL: a connection that sees another's commit rereads every page)
        pool_use_lifo=True,
        hide_parameters=True,  # an IntegrityError's text (logged with its traceback) would carry phones and names
    )
    if durable:
        event.listen(engine, "connect", _on_connect)
    else:
        event.listen(engine, "connect", lambda conn, record: _on_connect(conn, record, durable=False))
    event.listen(engine, "begin", _on_begin)
    return engine


class Checkpointer:
    """Copies the WAL back into the database file on its own thread and connection, in idle moments."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._wal = Path(f"{path}-wal")
        self._wake = threading.Event()
        self._stop = False
        self._last_write = 0.0
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        """Called after each write commit; cheap (a clock read and a stat)."""
        self._last_write = time.monotonic()
        if self._wal_size() < CHECKPOINT_WAL_BYTES:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
            self._thread.start()
        self._wake.set()

    def _wal_size(self) -> int:
        try:
            return self._wal.stat().st_size
        except OSError:
            return 0

    def _wait_for_quiet(self) -> None:
        while not self._stop and self._wal_size() < CHECKPOINT_HARD_CAP_BYTES:
            quiet_for = time.monotonic() - self._last_write
            if quiet_for >= CHECKPOINT_IDLE_S:
                return
            time.sleep(CHECKPOINT_IDLE_S - quiet_for)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                self._wait_for_quiet()
                if self._stop:
                    return
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error:
                    log.exception("WAL checkpoint failed; the next commit retries")
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def _disk_is_full(path: Path) -> bool:
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def disk_refusal(exc: BaseException, path: Path | str) -> StorageError | None:
    """The disk's refusals as one sentence each, or None for anything else: SQLite's SQLITE_FULL ("database
    or disk is full"), SQLITE_READONLY and SQLITE_CANTOPEN (a read-only file, folder or disk), SQLITE_CORRUPT
    ("database disk image is malformed"), or the same as an OSError from our own file handling. The
    transaction has rolled back by the time this is asked."""
    cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    if isinstance(cause, sqlite3.Error):
        name = getattr(cause, "sqlite_errorname", "") or ""
        if name.startswith("SQLITE_FULL"):
            return StorageError(Reason.STORE_DISK_FULL, "database", path=str(path))
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):  # damage found past the header and schema
            return StorageError(Reason.STORE_FILE_DAMAGED, "database", path=str(path))
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
            return StorageError(Reason.STORE_READ_ONLY, "database", path=str(path), error=str(cause))
        # a full disk also shows as an I/O error: growing the WAL index (-shm) gives SQLITE_IOERR_SHMSIZE
        if name.startswith("SQLITE_IOERR") and _disk_is_full(Path(path)):
            return StorageError(Reason.STORE_DISK_FULL, "database", path=str(path))
        return None
    if isinstance(cause, OSError):
        where = cause.filename or path
        if cause.errno in _FULL_ERRNOS:
            return StorageError(Reason.STORE_DISK_FULL, "database", path=str(where))
        if cause.errno in _READ_ONLY_ERRNOS:
            return StorageError(Reason.STORE_READ_ONLY, "database", path=str(where),
                                error=cause.strerror or type(cause).__name__)
    return None


class Database:
    """One store file. Use `write()` for anything that changes data and `read()` for the rest.

    `durable=False` (synchronous=OFF) is only for a scratch file that is renamed into place once complete,
    such as the demo store built on a first start: ~2,000 commits without an fsync each, and a power cut
    leaves only the scratch file, never a half-built store."""

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = Path(path)
        self.engine = make_engine(self.path, durable)
        self.checkpointer = Checkpointer(self.path)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A BEGIN IMMEDIATE transaction: committed on success, rolled back on any exception. A full disk or a
        read-only file is a refusal (one sentence), not an internal error: nothing of the transaction stays."""
        try:
            with self.engine.connect() as conn:
                conn.execution_options(pos_write=True)
                with conn.begin():
                    yield conn
        except (sqlite3.Error, SQLAlchemyError) as exc:
            refusal = disk_refusal(exc, self.path)
            if refusal is None:
                raise
            log.warning("write to %s refused by the disk: %s", self.path, exc)
            raise refusal from exc
        self.checkpointer.nudge()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except (sqlite3.Error, SQLAlchemyError) as exc:  # a damaged page met while reading: one sentence
            refusal = disk_refusal(exc, self.path)
            if refusal is None:
                raise
            log.warning("read of %s refused: %s", self.path, exc)
            raise refusal from exc

    def dispose(self) -> None:
        self.checkpointer.stop()
        self.engine.dispose()
