import sqlite3
import threading

import pytest
from sqlalchemy import text

from pos_member.domain.errors import StorageError
from pos_member.services.context import open_store


def test_pragmas_on_every_connection(store):
    with store.db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_write_transactions_take_the_write_lock_at_begin(store):
    """BEGIN IMMEDIATE: while a write transaction is open, even before it writes, nobody else can start one."""
    other = sqlite3.connect(store.db.path, timeout=0, isolation_level=None)
    with store.db.write() as conn:
        conn.execute(text("SELECT 1"))  # has only read so far
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_a_failed_write_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.db.write() as conn:
        conn.execute(text("INSERT INTO settings(key, value) VALUES ('x', 'y')"))
        raise RuntimeError("boom")
    with store.db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM settings WHERE key = 'x'")).scalar() == 0


def test_file_from_a_newer_app_is_refused(tmp_path, store):
    with store.db.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    store.close()
    with pytest.raises(StorageError, match="newer pos-member"):
        open_store(store.db.path)


def test_two_processes_worth_of_openers_migrate_once(tmp_path):
    path = tmp_path / "race.sqlite3"
    errors: list[Exception] = []

    def opener():
        try:
            open_store(path).close()
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM alembic_version").fetchone()[0] == 1
