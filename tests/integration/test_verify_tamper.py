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


def test_a_store_from_before_the_keyed_chain_still_verifies_after_migration_0008(busy_store, tmp_path):
    """A file written before migration 0008: plain SHA-256 rows and the old seven-field digests. Migration 0008
    keys the chain from the next row; the old rows still verify, and so do new ones."""
    import json

    from pos_member.services.audit import ENTRY_DIGEST_FIELDS_V1, entries_digest
    from pos_member.services.context import open_store

    path = busy_store.db.path
    with sqlite3.connect(path) as raw:
        raw.row_factory = sqlite3.Row
        prev = GENESIS_HASH
        for row in raw.execute("SELECT * FROM audit ORDER BY id").fetchall():
            detail = json.loads(row["detail"])
            if "entries_digest2" in detail:  # what the old code wrote: the seven-field digest
                ids = detail.pop("entries_digest2") and detail["entries"]
                entries = raw.execute(f"SELECT * FROM ledger WHERE entry_id IN ({','.join('?' * len(ids))})",
                                      ids).fetchall()
                detail["entries_digest"] = entries_digest([dict(e) for e in entries], ENTRY_DIGEST_FIELDS_V1)
            text = json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = row_hash(prev, row["at"], row["staff_id"], row["approved_by"], row["action"], row["subject"],
                              text)
            raw.execute("UPDATE audit SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?",
                        (text, prev, digest, row["id"]))
            prev = digest
        raw.execute("DELETE FROM settings WHERE key IN ('audit_key', 'audit_keyed_from')")
        raw.execute("UPDATE alembic_version SET version_num = '0007'")  # just before the keyed chain
        old_rows = raw.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    busy_store.close()
    reopened = open_store(path, clock=busy_store.clock)
    try:
        with sqlite3.connect(path) as raw:
            assert int(raw.execute("SELECT value FROM settings WHERE key = 'audit_keyed_from'").fetchone()[0]) \
                == old_rows + 1
        assert verify_store(reopened).ok, verify_store(reopened).problems
        view = members.register_member(reopened, "李四", "13900004321")
        commit_sale(reopened, SaleRequest(view.card_no, 5000))
        assert verify_store(reopened).ok, verify_store(reopened).problems
        with sqlite3.connect(path) as raw:  # an old row edited is still caught
            raw.execute("UPDATE ledger SET sale_id = NULL WHERE id = (SELECT MIN(id) FROM ledger WHERE kind = 'earn')")
        assert any("ledger entries of audit row" in p for p in verify_store(reopened).problems)
    finally:
        reopened.close()
