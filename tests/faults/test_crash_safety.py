"""Power-cut safety: SIGKILL a process in the middle of recording sales, many times, and prove the file is
whole after every kill: integrity_check passes, every sale is whole or absent, and `verify` passes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from pos_member.services import members
from pos_member.services.context import open_store
from pos_member.services.stored_value import adjust_points, top_up
from pos_member.services.verify import verify_store
from tests.conftest import MANAGER_PIN

KILLS = 50


@pytest.mark.slow
def test_sigkill_during_checkouts_never_leaves_a_broken_file(store):
    cards = []
    for index in range(5):
        view = members.register_member(store, f"会员{index}", f"1390000000{index}")
        top_up(store, view.card_no, 100000)
        adjust_points(store, view.card_no, 5000, "crash test float", MANAGER_PIN)
        cards.append(view.card_no)
    path = store.db.path
    store.close()
    rng = random.Random(1124)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    sales_seen = []
    for kill in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.crash_worker", str(path), str(kill), ",".join(cards)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "ready", child.stderr.read() if child.stderr else line
        time.sleep(rng.uniform(0.0, 0.3))  # land the kill at a random point in the stream of transactions
        child.send_signal(signal.SIGKILL)
        child.wait()
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            sales_seen.append(raw.execute("SELECT COUNT(*) FROM sales").fetchone()[0])
        reopened = open_store(path)
        try:
            report = verify_store(reopened)  # balances = ledger, audit chain, no seq gap, every sale whole
            assert report.ok, f"after kill {kill}: {report.problems}"
        finally:
            reopened.close()
    assert sales_seen[-1] > sales_seen[0], "the children did record sales between kills"
