"""Driver-level SQL (storage/driver.py) inside the store's own transactions: same transaction, same errors."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.context import Store
from pos_member.services.members import register_member
from pos_member.services.verify import verify_store
from pos_member.storage import driver


def test_rows_read_by_attribute_and_mapping(store: Store) -> None:
    with store.db.read() as conn:
        row = driver.first(conn, "SELECT key, value FROM settings WHERE key = :key", {"key": "store_code"})
        assert (row.key, row.value) == ("store_code", "001")
        assert row._mapping == {"key": "store_code", "value": "001"}
        assert driver.scalar(conn, "SELECT max(version) FROM rules_versions") == 1
        assert driver.first(conn, "SELECT * FROM settings WHERE key = 'none such'") is None


def test_writes_belong_to_the_callers_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.db.write() as conn:
        driver.insert(conn, "counters", [{"name": "driver_test", "value": 7}])
        raise RuntimeError("roll back")
    with store.db.read() as conn:
        assert driver.scalar(conn, "SELECT value FROM counters WHERE name = 'driver_test'") is None
    with store.db.write() as conn:
        driver.insert(conn, "counters", [{"name": "driver_test", "value": 7}])
    with sqlite3.connect(store.db.path) as raw:
        assert raw.execute("SELECT value FROM counters WHERE name = 'driver_test'").fetchone() == (7,)


def test_driver_errors_are_sqlalchemys_and_carry_no_parameters(store: Store) -> None:
    with pytest.raises(IntegrityError) as refused, store.db.write() as conn:
        driver.insert(conn, "counters", [{"name": "dup", "value": 1}, {"name": "dup", "value": 13912345678}])
    assert "13912345678" not in str(refused.value)
    with pytest.raises(OperationalError), store.db.read() as conn:
        driver.first(conn, "SELECT * FROM no_such_table")


def test_a_sale_written_through_the_driver_verifies(store: Store) -> None:
    member = register_member(store, "Li Lei", "13912345678")
    result = commit_sale(store, SaleRequest(member.card_no, 12_345))
    with sqlite3.connect(store.db.path) as raw:
        assert raw.execute("SELECT total_fen, receipt_no FROM sales WHERE sale_id = ?",
                           (result.sale_id,)).fetchone() == (12_345, result.receipt_no)
        assert raw.execute("SELECT points, total_spend_fen FROM members WHERE member_no = ?",
                           (member.member_no,)).fetchone() == (result.points_balance, 12_345)
    assert verify_store(store).ok  # the audit row's hash chain and entries digest, written through the driver
