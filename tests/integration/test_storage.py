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


def _outbox(path) -> tuple[str, list[tuple[str, str, int]]]:
    with sqlite3.connect(path) as raw:
        sql = raw.execute("SELECT sql FROM sqlite_master WHERE name = 'sync_outbox'").fetchone()[0]
        return sql, raw.execute("SELECT kind, key, version FROM sync_outbox ORDER BY kind, key").fetchall()


def test_migration_0010_clusters_the_outbox_and_keeps_what_was_queued(store):
    """A file at 0009 (rowid outbox) keeps every queued row across 0010 and back, and the triggers that
    queue documents still fire on the rebuilt table."""
    from alembic import command

    from pos_member.services.checkout import SaleRequest, commit_sale
    from pos_member.services.members import register_member
    from pos_member.storage.schema import alembic_config

    card = register_member(store, "张三", "13800001111").card_no
    commit_sale(store, SaleRequest(card, 1000))
    path = store.db.path
    _, queued = _outbox(path)
    assert {kind for kind, _, _ in queued} >= {"member", "card", "sale_doc"}
    with store.db.write() as conn:
        command.downgrade(alembic_config(conn), "0009")
    store.close()
    sql, at_0009 = _outbox(path)
    assert "WITHOUT ROWID" not in sql and at_0009 == queued
    reopened = open_store(path)  # upgrades to the head again
    try:
        sql, at_head = _outbox(path)
        assert sql.endswith("WITHOUT ROWID") and at_head == queued
        sale = commit_sale(reopened, SaleRequest(card, 2000))
        assert ("sale_doc", sale.sale_id, 1) in _outbox(path)[1]
    finally:
        reopened.close()
