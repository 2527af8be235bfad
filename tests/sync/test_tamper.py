"""Tamper evidence that reaches HQ: each push carries the till's audit head, HQ keeps it, and `verify` at the
till (with HQ, or from the head HQ last acknowledged) and `pos-hq verify STORE` catch what the local chain
alone cannot: a deleted or cut tail, a log re-chained with the file's own key, edits to entries HQ holds,
including entries pulled from other tills. Real parts: HQ on PostgreSQL over 127.0.0.1, real store files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import select

from pos_member.services import cards, members
from pos_member.services.audit import GENESIS_HASH, row_hash
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.stored_value import top_up
from pos_member.services.verify import verify_store
from pos_member.services.verify_hq import verify_with_hq
from sync.hq import db
from sync.hq import tables as hqt
from sync.hq.audit_heads import verify_store as hq_verify_store
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import sync, sync_all


@pytest.fixture
def chain(hq, stores):
    """Store 001 and store 002 each sell to their own member; 001 then loses a card; all synced both ways."""
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    alice = members.register_member(a, "王五", "13800005555")
    bob = members.register_member(b, "赵六", "13900006666")
    top_up(a, alice.card_no, 20000)
    commit_sale(a, SaleRequest(alice.card_no, 30000, stored_value_fen=5000))
    commit_sale(b, SaleRequest(bob.card_no, 40000))
    sync_all([a, b])
    cards.report_lost(a, alice.card_no, MANAGER_PIN)
    sync(a)
    for store in (a, b):
        assert verify_store(store).ok, verify_store(store).problems
        assert verify_with_hq(store)["problems"] == []
    assert hq_verify_store(hq.engine, "001")["ok"]
    return a, b, alice


def _raw(store, sql: str, *params) -> None:
    with sqlite3.connect(store.db.path) as raw:
        raw.execute(sql, params)


def _local_chain_whole(store) -> bool:
    return not any("hash chain" in p or "audit key" in p for p in verify_store(store).problems)


def _caught_everywhere(hq, store, words: str) -> None:
    """verify offline (the head HQ acknowledged), verify with HQ, then a sync: HQ flags it."""
    offline = verify_store(store).problems
    assert any(words in p for p in offline), offline
    online = verify_with_hq(store)
    assert online["hq"] == "checked" and any(words in p for p in online["problems"]), online
    status = sync(store)["status"]
    assert status["hq_audit_head"]["accepted"] is False  # `sync status` says HQ kept its own head
    report = hq_verify_store(hq.engine, "001")
    assert not report["ok"] and any(words in p for p in report["problems"]), report
    assert report["devices"][0]["audit_mismatches"]


def test_deleting_the_last_audit_row_revives_a_lost_card_only_on_paper(hq, chain):
    a, _b, alice = chain
    with sqlite3.connect(a.db.path) as raw:
        last_id, action = raw.execute("SELECT id, action FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        assert action == "card.lost"
        raw.execute("DELETE FROM audit WHERE id = ?", (last_id,))
        raw.execute("UPDATE cards SET status = 'active' WHERE card_no = ?", (alice.card_no,))
        raw.execute("DELETE FROM sync_outbox")
    assert _local_chain_whole(a)  # the chain up to the new last row is intact: only HQ's head shows it
    _caught_everywhere(hq, a, "rows were removed")
    with db.read(hq.engine) as conn:
        assert conn.execute(select(hqt.cards.c.status).where(hqt.cards.c.card_no == alice.card_no)).scalar() == "lost"


def test_cutting_off_the_tail_is_caught(hq, chain):
    a, _b, _alice = chain
    _raw(a, "DELETE FROM audit WHERE id > (SELECT MAX(id) - 3 FROM audit)")
    assert _local_chain_whole(a)
    _caught_everywhere(hq, a, "rows were removed")


def test_re_chaining_every_hash_with_the_files_own_key_is_caught(hq, chain):
    """Someone holding the file holds its audit key too: the chain verifies locally, HQ's head does not."""
    a, _b, _alice = chain
    with sqlite3.connect(a.db.path) as raw:
        key = bytes.fromhex(raw.execute("SELECT value FROM settings WHERE key = 'audit_key'").fetchone()[0])
        keyed_from = int(raw.execute("SELECT value FROM settings WHERE key = 'audit_keyed_from'").fetchone()[0])
        raw.execute("UPDATE audit SET detail = replace(detail, '30000', '3000') WHERE action = 'sale.commit'")
        prev = GENESIS_HASH
        for row in raw.execute("SELECT id, at, staff_id, approved_by, action, subject, detail FROM audit "
                               "ORDER BY id").fetchall():
            digest = row_hash(prev, *row[1:], key if row[0] >= keyed_from else None)
            raw.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0]))
            prev = digest
    assert _local_chain_whole(a)
    _caught_everywhere(hq, a, "re-chained")


@pytest.mark.parametrize("column, value", [
    ("expires_on", "2099-12-31"),
    ("business_time", "2026-01-01T09:00:00+08:00"),
    ("note", "goodwill"),
    ("sale_id", None),
])
def test_an_entry_pulled_from_another_till_edited_here_is_caught(hq, chain, column, value):
    a, _b, _alice = chain
    with sqlite3.connect(a.db.path) as raw:
        entry_id = raw.execute("SELECT entry_id FROM ledger WHERE device_id != ? AND kind = 'earn'",
                               (a.identity.device_id,)).fetchone()[0]
        raw.execute(f"UPDATE ledger SET {column} = ? WHERE entry_id = ?", (value, entry_id))
    assert verify_store(a).ok  # pulled entries carry no audit digest here: only HQ's copy tells
    online = verify_with_hq(a)
    assert any(entry_id in p and "another till" not in p and "till " in p for p in online["problems"]), online


@pytest.mark.parametrize("column, value", [
    ("expires_on", "2099-12-31"), ("business_time", "2026-01-01T09:00:00+08:00"), ("note", "goodwill"),
])
def test_an_own_entry_held_at_hq_edited_here_is_caught_by_hq_as_well(hq, chain, column, value):
    a, _b, _alice = chain
    with sqlite3.connect(a.db.path) as raw:
        entry_id = raw.execute("SELECT entry_id FROM ledger WHERE device_id = ? AND kind = 'earn'",
                               (a.identity.device_id,)).fetchone()[0]
        raw.execute(f"UPDATE ledger SET {column} = ? WHERE entry_id = ?", (value, entry_id))
    assert any("ledger entries of audit row" in p for p in verify_store(a).problems)
    online = verify_with_hq(a)
    assert any(entry_id in p and "this till" in p for p in online["problems"]), online


def test_staff_id_of_an_own_entry_is_in_its_audit_digest(hq, chain):
    a, _b, _alice = chain
    _raw(a, "UPDATE ledger SET staff_id = NULL WHERE device_id = ? AND kind = 'topup'", a.identity.device_id)
    assert any("ledger entries of audit row" in p for p in verify_store(a).problems)


def test_verify_without_hq_uses_the_head_hq_last_acknowledged(hq, chain):
    a, _b, _alice = chain
    hq.server.stop()
    _raw(a, "DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)")
    assert verify_with_hq(a, timeout=2)["hq"] == "unreachable"
    assert any("HQ last acknowledged" in p for p in verify_store(a).problems)


def test_an_untouched_till_keeps_syncing_its_head(hq, chain):
    a, b, _alice = chain
    carol = members.register_member(a, "钱七", "13700007777")
    commit_sale(a, SaleRequest(carol.card_no, 5000))
    sync_all([a, b])
    for store in (a, b):
        assert verify_with_hq(store)["problems"] == []
    report = hq_verify_store(hq.engine, "001")
    assert report["ok"], report
    with sqlite3.connect(a.db.path) as raw:
        last = raw.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert report["devices"][0]["audit_head"] == {"seq": last[0], "hash": last[1]}


def test_pos_hq_verify_exits_1_on_a_problem(hq, pg_url, chain):
    a, _b, _alice = chain
    _raw(a, "DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)")
    sync(a)
    done = subprocess.run([sys.executable, "-m", "sync.hq.cli", "--db", pg_url, "--json", "verify", "001"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert not json.loads(done.stdout)["ok"]
    assert "problem" in done.stderr


def test_pos_member_verify_asks_hq_and_exits_1(hq, chain, capsys):
    """The command line: `pos-member verify` on an enrolled till compares with HQ and names the problem."""
    from pos_member.cli import main

    a, _b, _alice = chain
    home = str(a.db.path.parent)
    assert main(["--home", home, "--json", "verify"]) == 0
    clean = json.loads(capsys.readouterr().out)
    assert clean["hq"] == "checked" and clean["entries_compared_with_hq"] > 0
    with sqlite3.connect(a.db.path) as raw:
        raw.execute("UPDATE ledger SET note = 'edited' WHERE device_id != ? AND kind = 'earn'",
                    (a.identity.device_id,))
    assert main(["--home", home, "--json", "verify"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert not out["ok"] and any("differs from HQ's copy" in p for p in out["problems"]), out
