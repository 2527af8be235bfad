"""`verify` must catch any hand edit: a balance, a ledger row, an audit row, a removed entry, a gap."""

import sqlite3

import pytest

from pos_member.services import members
from pos_member.services.audit import GENESIS_HASH, row_hash
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.stored_value import top_up
from pos_member.services.verify import verify_store


@pytest.fixture
def busy_store(store):
    view = members.register_member(store, "张三", "13800001234")
    top_up(store, view.card_no, 50000)
    commit_sale(store, SaleRequest(view.card_no, 12000, stored_value_fen=2000))
    commit_sale(store, SaleRequest(view.card_no, 8000))
    assert verify_store(store).ok
    return store


@pytest.mark.parametrize("sql, words", [
    ("UPDATE members SET points = points + 1", "cached points"),
    ("UPDATE ledger SET delta = delta + 5 WHERE kind = 'earn' AND id = (SELECT MAX(id) FROM ledger)",
     "ledger entries of audit row"),
    ("UPDATE audit SET detail = replace(detail, '12000', '1200') WHERE action = 'sale.commit'", "hash chain"),
    ("DELETE FROM audit WHERE id = 2", "hash chain"),
    ("UPDATE ledger SET kind = 'adjust' WHERE kind = 'bonus'", "ledger entries of audit row"),
    ("UPDATE sale_lines SET amount_fen = 1", "not whole"),
    # every field of an entry is in its audit row's digest
    ("UPDATE ledger SET expires_on = '2099-12-31' WHERE kind = 'earn'", "ledger entries of audit row"),
    ("UPDATE ledger SET business_time = '2020-01-01T00:00:00+08:00' WHERE kind = 'spend'",
     "ledger entries of audit row"),
    ("UPDATE ledger SET staff_id = NULL WHERE kind = 'topup'", "ledger entries of audit row"),
    ("UPDATE ledger SET note = 'goodwill' WHERE kind = 'earn'", "ledger entries of audit row"),
    ("DELETE FROM settings WHERE key = 'audit_key'", "audit key is missing"),
    ("DELETE FROM ledger WHERE id = (SELECT MAX(id) FROM ledger); "
     "UPDATE members SET points = (SELECT COALESCE(SUM(delta),0) FROM ledger WHERE account='points')", "local_seq"),
])
def test_hand_edits_are_caught(busy_store, sql, words):
    with sqlite3.connect(busy_store.db.path) as raw:
        raw.executescript(sql)
    report = verify_store(busy_store)
    assert not report.ok
    assert any(words in problem for problem in report.problems), report.problems


def test_a_log_re_chained_with_plain_sha256_is_caught(busy_store):
    """Recomputing every hash without the file's audit key (the old plain chain) no longer passes."""
    with sqlite3.connect(busy_store.db.path) as raw:
        raw.execute("UPDATE audit SET detail = replace(detail, '12000', '1200') WHERE action = 'sale.commit'")
        prev = GENESIS_HASH
        for row_id, at, staff_id, approved_by, action, subject, detail in raw.execute(
                "SELECT id, at, staff_id, approved_by, action, subject, detail FROM audit ORDER BY id").fetchall():
            digest = row_hash(prev, at, staff_id, approved_by, action, subject, detail)
            raw.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row_id))
            prev = digest
    report = verify_store(busy_store)
    assert any("hash chain" in problem for problem in report.problems), report.problems
