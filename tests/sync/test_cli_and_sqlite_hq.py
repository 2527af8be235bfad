"""The commands as an operator types them: `pos-hq` on its embedded SQLite (its own data dir), `pos-member
enrol`, `pos-member sync --once` and `sync status`, each a real process; plus HQ's settlement report and the
store-side pieces (triggers at head, the device lock, backoff)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos_member.services import members, sync_service
from pos_member.services.checkout import SaleRequest, commit_sale
from sync.client import Backoff
from sync.hq import admin, db
from tests.sync.fixtures import ServerProcess, Stores, sync

ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen")


def run(module: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", module, "--json", *args], capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_operator_commands_on_the_embedded_sqlite_hq(tmp_path: Path):
    hq_home = tmp_path / "hq"
    hq_url = f"sqlite+pysqlite:///{hq_home / 'hq.sqlite3'}"
    hq_home.mkdir()
    code_a = run("sync.hq.cli", "--home", str(hq_home), "store", "add", "001", "Riverside")["enrolment_code"]
    code_b = run("sync.hq.cli", "--home", str(hq_home), "store", "add", "002", "Hilltop")["enrolment_code"]
    server = ServerProcess(hq_url).start()
    try:
        homes = {name: str(tmp_path / name) for name in ("a", "b")}
        for (name, home), (store_code, code) in zip(homes.items(), [("001", code_a), ("002", code_b)], strict=True):
            run("pos_member.cli", "--home", home, "init", "--store-code", store_code, "--store-name", name,
                "--manager-pin", "2468")
            assert run("pos_member.cli", "--home", home, "enrol", server.url, code)["store_code"] == store_code
        member = run("pos_member.cli", "--home", homes["a"], "member", "add", "--name", "Zhang", "--phone",
                     "13800001234")
        run("pos_member.cli", "--home", homes["a"], "sale", "--member", member["card_no"], "--amount", "300")
        run("pos_member.cli", "--home", homes["a"], "card", "lost", member["card_no"], "--manager-pin", "2468")
        assert run("pos_member.cli", "--home", homes["a"], "sync", "status")["pending_entries"] == 1
        pushed = run("pos_member.cli", "--home", homes["a"], "sync", "--once")
        assert pushed["entries_ok"] == 1 and pushed["status"]["pending_entries"] == 0
        pulled = run("pos_member.cli", "--home", homes["b"], "sync", "--once")
        assert pulled["applied"]["entries_applied"] == 1
        shown = run("pos_member.cli", "--home", homes["b"], "member", "show", member["card_no"])
        assert shown["points"] == 300 and shown["card_status"] == "lost"
        refused = subprocess.run([sys.executable, "-m", "pos_member.cli", "--home", homes["b"], "sale", "--member",
                                  member["card_no"], "--amount", "10"], capture_output=True, text=True, env=ENV)
        assert refused.returncode == 1 and "lost" in refused.stderr
        devices = run("sync.hq.cli", "--home", str(hq_home), "device", "list")
        assert len(devices) == 2 and all("token_hash" not in d for d in devices)
        report = run("sync.hq.cli", "--home", str(hq_home), "report", "settlement", "--period", "2026-11")
        assert report["period"] == "2026-11"
    finally:
        server.stop()


def test_settlement_statement(tmp_path: Path, hq, stores: Stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "Li", "13800005555")
    commit_sale(a, SaleRequest(view.card_no, 200000))  # 2,000 points issued by store 001
    sync(a)
    sync(b)
    commit_sale(b, SaleRequest(view.card_no, 100000, redeem_points=1500))  # redeemed at store 002
    sync(b)
    month = a.clock().strftime("%Y-%m")
    statement = admin.settlement(hq.engine, month)
    # 1,500 of 001's points were spent at 002: 001 pays 002 for them at the default rate (100 points = 1 yuan)
    assert statement["points"] == [{"issuer": "001", "redeemer": "002", "points": 1500, "fen": 1500}]
    assert statement["payments"] == [{"from_store": "001", "to_store": "002", "amount_fen": 1500}]
    with pytest.raises(admin.AdminError):
        admin.settlement(hq.engine, "2026-13")


def test_outbox_triggers_exist_at_head(stores: Stores):
    store = stores.make("001")
    with store.db.read() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"sync_member_insert", "sync_member_update", "sync_card_insert", "sync_card_update"} <= names


def test_a_sale_does_not_queue_a_member_snapshot(stores: Stores):
    store = stores.make("001")
    view = members.register_member(store, "Wu", "13800006666")
    with store.db.write() as conn:
        conn.exec_driver_sql("DELETE FROM sync_outbox")
    sale = commit_sale(store, SaleRequest(view.card_no, 1000))  # balances move; the member's fields do not
    with store.db.read() as conn:  # only the sale itself, as a document (issue 11: HQ derives the tier spend)
        queued = [tuple(r) for r in conn.exec_driver_sql("SELECT kind, key FROM sync_outbox")]
    assert queued == [("sale_doc", sale.sale_id)]


def test_one_sync_per_device(tmp_path: Path):
    lock = tmp_path / "sync.lock"
    with sync_service.device_lock(lock):
        child = subprocess.run([sys.executable, "-c", (
            "import sys; from pathlib import Path; from pos_member.services.sync_service import device_lock, SyncBusy\n"
            f"try:\n    with device_lock(Path({str(lock)!r})): sys.exit(0)\nexcept SyncBusy: sys.exit(7)")],
            env=ENV)
        assert child.returncode == 7
    with sync_service.device_lock(lock):
        pass  # released


def test_backoff_is_capped_exponential_with_full_jitter():
    import random

    backoff = Backoff(base=1.0, cap=60.0, rng=random.Random(5))
    delays = [backoff.next_delay() for _ in range(12)]
    assert all(0 <= d <= min(60.0, 2 ** i) for i, d in enumerate(delays))
    backoff.reset()
    assert backoff.attempt == 0


def test_hq_sqlite_default_url_lives_in_its_own_data_dir(tmp_path: Path):
    url = db.database_url(None, str(tmp_path / "hqhome"))
    assert url.endswith("hqhome/hq.sqlite3") and url.startswith("sqlite")
