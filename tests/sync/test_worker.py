"""The background sync worker on real parts: it syncs at start and on request, reports its status, backs
off while HQ is down and catches up once HQ is back."""

from __future__ import annotations

import queue
from datetime import datetime

from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.sync_worker import SyncWorker, next_nightly
from tests.sync.fixtures import ServerThread, assert_invariants


def wait_for(statuses: queue.Queue, predicate) -> dict:
    while True:
        status = statuses.get(timeout=60)  # a bound on a hang, not a speed assertion
        if predicate(status):
            return status


def test_worker_syncs_at_start_on_request_and_after_hq_comes_back(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "Qian", "13800007777")
    statuses: queue.Queue = queue.Queue()
    worker = SyncWorker(a.db.path, a.db.path.parent / "sync.lock", interval_s=3600, on_status=statuses.put)
    worker.backoff.base, worker.backoff.cap = 0.05, 0.2  # keep the test short; same code path
    worker.start()
    try:
        wait_for(statuses, lambda s: s["pending_records"] == 0 and s["last_error"] is None)
        port = hq.server.port
        hq.server.stop()  # HQ goes away
        commit_sale(a, SaleRequest(view.card_no, 5000))
        worker.sync_now()
        down = wait_for(statuses, lambda s: s["last_error"])
        assert down["pending_entries"] == 1 and down["next_try_in_s"] <= 0.2
        hq.server = ServerThread(hq.engine, port).start()  # back on the same address
        wait_for(statuses, lambda s: s["pending_entries"] == 0 and s["last_error"] is None)
    finally:
        worker.stop()
    assert_invariants(hq.engine, [a])


def test_next_nightly():
    now = datetime(2026, 11, 24, 10, 0)
    assert next_nightly(now, "02:30") == datetime(2026, 11, 25, 2, 30)
    assert next_nightly(now, "23:00") == datetime(2026, 11, 24, 23, 0)
