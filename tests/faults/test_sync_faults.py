"""Sync under faults, on real parts: HQ on PostgreSQL behind a fault-injecting proxy on 127.0.0.1, real store
files. After each case the invariants hold (tests.sync.fixtures.assert_invariants): every local entry at HQ
exactly once, HQ balances = sum of distinct entries, queues drained, no lost card missed, `verify` passes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from pos_member.services import cards, members, sync_service
from pos_member.services.audit import append_audit
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.context import Store
from pos_member.services.ledger import Posting, post
from pos_member.services.stored_value import adjust_points
from sync.hq import admin, db
from sync.hq import tables as hqt
from tests.conftest import MANAGER_PIN
from tests.faults.proxy import FaultProxy, Rule
from tests.sync.fixtures import (
    ServerProcess,
    assert_invariants,
    drain_all,
    own_entry_ids,
    sync,
    sync_until_drained,
)


@pytest.fixture
def proxy(hq):
    made = FaultProxy(hq.server.port)
    yield made
    made.close()


def busy_store(store: Store, sales: int = 3) -> str:
    view = members.register_member(store, f"会员{store.identity.store_code}", f"1380000{store.identity.store_code}0")
    for _ in range(sales):
        commit_sale(store, SaleRequest(view.card_no, 12345))
    return view.card_no


def bulk_entries(store: Store, card_no: str, count: int, per_transaction: int = 500) -> None:
    """`count` adjust entries through the ledger service, audited like any other, in big transactions."""
    from pos_member.services.lookup import resolve

    for start in range(0, count, per_transaction):
        with store.db.write() as conn:
            member, _ = resolve(conn, store, card_no, for_use=False)
            version, _ = store.rules(conn)
            n = min(per_transaction, count - start)
            rows = post(conn, store, member.id, [Posting("points", "adjust", 1, note="bulk")] * n,
                        staff_id=None, rules_version=version, business_time=store.now())
            append_audit(conn, store.now(), None, "test.bulk", card_no, {}, entries=rows)


def hq_count(hq, device_id: str | None = None) -> int:
    query = select(func.count()).select_from(hqt.entries)
    if device_id:
        query = query.where(hqt.entries.c.device_id == device_id)
    with db.read(hq.engine) as conn:
        return conn.execute(query).scalar_one()


def test_response_lost_after_hq_commit(hq, proxy, stores):
    a = stores.enrolled(hq, "001", url=proxy.url)
    card = busy_store(a, sales=0)
    sync(a)
    for _ in range(3):
        commit_sale(a, SaleRequest(card, 12345))
    rule = proxy.add(Rule("POST", "/v1/push", "lose_response", times=1, body_has=b'"entries"'))
    with pytest.raises(sync_service.SyncFailed):
        sync(a)  # the entries reach HQ and are committed; the reply is lost
    assert rule.fired == 1
    assert hq_count(hq) == len(own_entry_ids(a)) and sync_service.sync_status(a)["pending_entries"] == 3
    report = sync(a)
    assert report["entries_duplicate"] == 3 and report["entries_ok"] == 0
    assert_invariants(hq.engine, [a])


def test_same_batch_twice_at_once(hq, stores):
    a = stores.enrolled(hq, "001")
    busy_store(a, sales=20)
    store_side = sync_service.sync_store(a)
    url, token = store_side.connection_info()
    records = [r for r, _ in store_side.pending_records(500)]
    requests.post(f"{url}/v1/push", json={"records": records}, headers={"Authorization": f"Bearer {token}"})
    body = json.dumps({"entries": store_side.pending_entries(500)})
    replies: list[dict] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        barrier.wait()
        replies.append(requests.post(f"{url}/v1/push", data=body, timeout=30, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"}).json())

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kinds = sorted({s["status"] for s in reply["entries"]}.pop() for reply in replies)
    assert kinds == ["duplicate", "ok"]
    assert hq_count(hq) == len(own_entry_ids(a))
    sync(a)
    assert_invariants(hq.engine, [a])


def test_one_invalid_entry_never_blocks_the_queue(hq, stores):
    a = stores.enrolled(hq, "001")
    good = busy_store(a, sales=2)
    ghost = members.register_member(a, "幽灵", "13811112222")
    with a.db.write() as conn:  # the member's record never reaches HQ: its entries are invalid there
        conn.exec_driver_sql("DELETE FROM sync_outbox WHERE key IN (?, ?)", (ghost.uuid, ghost.card_no))
    adjust_points(a, ghost.card_no, 10, "bad", MANAGER_PIN)
    commit_sale(a, SaleRequest(good, 5000))
    report = sync(a)
    assert report["entries_rejected"] == 1 and report["entries_ok"] == len(own_entry_ids(a)) - 1
    status = sync_service.sync_status(a)
    assert status["pending_entries"] == 0 and status["rejected_entries"] == 1
    assert [q["reason"] for q in admin.list_quarantine(hq.engine)] == [f"member_uuid: unknown member {ghost.uuid}"]
    assert_invariants(hq.engine, [a])


def test_connection_reset_mid_body(hq, proxy, stores):
    a = stores.enrolled(hq, "001", url=proxy.url)
    card = busy_store(a)
    sync(a)
    bulk_entries(a, card, 1200)
    proxy.add(Rule("POST", "/v1/push", "reset_mid_body", times=1))
    with pytest.raises(sync_service.SyncFailed):
        sync(a)
    sync(a)
    assert_invariants(hq.engine, [a])


def test_an_old_batch_replayed_changes_nothing(hq, proxy, stores):
    a = stores.enrolled(hq, "001", url=proxy.url)
    busy_store(a)
    sync(a)
    old = [body for path, body in proxy.bodies if path == "/v1/push" and b'"entries"' in body][-1]
    busy_store_more = members.register_member(a, "新", "13822223333")
    commit_sale(a, SaleRequest(busy_store_more.card_no, 1000))
    sync(a)
    before = hq_count(hq)
    _, token = sync_service.sync_store(a).connection_info()
    reply = requests.post(f"{hq.url}/v1/push", data=old, timeout=30, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"}).json()
    assert {s["status"] for s in reply["entries"]} == {"duplicate"}
    assert reply["contiguous_through"] == len(own_entry_ids(a)) and hq_count(hq) == before
    assert_invariants(hq.engine, [a])


def test_sigkill_of_the_client_after_hq_replied_before_the_local_ack(hq, proxy, stores):
    a = stores.enrolled(hq, "001", url=proxy.url)
    card = busy_store(a)
    sync(a)
    commit_sale(a, SaleRequest(card, 4000))
    pending = sync_service.sync_status(a)["pending_entries"]
    assert pending > 0
    child: list[subprocess.Popen[bytes]] = []

    def kill_child() -> None:
        child[0].send_signal(signal.SIGKILL)
        child[0].wait()

    proxy.add(Rule("POST", "/v1/push", "callback", before_response=kill_child, body_has=b'"entries"'))
    home = a.db.path.parent
    child.append(subprocess.Popen([sys.executable, "-m", "pos_member.cli", "--home", str(home), "sync", "--once"],
                                  env=dict(os.environ, QT_QPA_PLATFORM="offscreen")))
    assert child[0].wait(timeout=60) == -signal.SIGKILL
    assert hq_count(hq) == len(own_entry_ids(a))  # HQ committed the batch...
    assert sync_service.sync_status(a)["pending_entries"] == pending  # ...and the till never heard so
    report = sync(a)
    assert report["entries_duplicate"] == pending and report["entries_ok"] == 0
    assert_invariants(hq.engine, [a])


@pytest.mark.slow
def test_hq_killed_mid_batch(pg_url, stores):
    engine = db.make_engine(pg_url)
    server = ServerProcess(pg_url).start()
    proxy = FaultProxy(server.port)
    try:
        from tests.sync.fixtures import HQ

        hq = HQ(engine, server, proxy.url)
        a = stores.enrolled(hq, "001")
        card = busy_store(a)
        sync(a)
        bulk_entries(a, card, 3000)
        proxy.add(Rule("POST", "/v1/push", "callback", after_request=server.kill))
        with pytest.raises(sync_service.SyncFailed):
            sync(a)
        server.start()  # same port, same database
        sync_until_drained(a)
        assert_invariants(engine, [a])
    finally:
        proxy.close()
        server.stop()
        engine.dispose()


def test_postgresql_restarted_under_hq(hq, pg_cluster, stores):
    """HQ's pooled connections all die with the restart: the next request meets a dead one and answers 503
    (transient), SQLAlchemy discards the pool, and the till's next try goes through."""
    a = stores.enrolled(hq, "001")
    card = busy_store(a)
    sync(a)
    commit_sale(a, SaleRequest(card, 12345))
    pg_cluster.restart()
    with pytest.raises(sync_service.SyncFailed, match="503"):
        sync(a)
    sync(a)
    assert sync_service.sync_status(a)["pending_entries"] == 0
    assert_invariants(hq.engine, [a])


@pytest.mark.slow
def test_hq_restored_from_a_backup(pg_cluster, pg_url, stores):
    """HQ goes back to an older backup: each till pushes again what HQ lost (entries, and the member and card
    records they need) and pulls again from the feed's new end. Nothing is skipped, nothing is doubled, and a
    card reported lost after the backup is lost everywhere again."""
    from tests.sync.fixtures import HQ

    name = pg_url.rsplit("/", 1)[1]
    engine = db.make_engine(pg_url)
    server = ServerProcess(pg_url).start()
    hq = HQ(engine, server, server.url)

    def copy_database(source: str, target: str) -> None:
        server.stop()
        engine.dispose()  # a template must have no connections
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {target}")
        pg_cluster.admin(f"CREATE DATABASE {target} TEMPLATE {source}")
        server.start()

    try:
        a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
        card = busy_store(a)
        drain_all([a, b])
        copy_database(name, f"{name}_backup")
        late = members.register_member(a, "晚到", "13877776666")  # after the backup...
        commit_sale(a, SaleRequest(late.card_no, 8800))
        quiet = members.register_member(a, "安静", "13877775555")  # ...and one with no entry at all
        drain_all([a, b])
        bulk_entries(a, card, 300)  # A's entries move B's pull cursor on
        sync_until_drained(a)
        cards.report_lost(b, late.card_no, MANAGER_PIN)  # B's only change: a record, no entry
        sync_until_drained(b)  # A never pulls it before the restore
        pulled_before = sync_service.sync_status(b)["pull_cursor"]

        copy_database(f"{name}_backup", name)  # the restore
        with db.read(engine) as conn:
            head = conn.execute(select(hqt.feed_counter.c.value)).scalar_one()
        assert head < pulled_before  # B's cursor is now beyond HQ's feed
        stale = requests.get(f"{hq.url}/v1/pull", params={"since": pulled_before}, timeout=30, headers={
            "Authorization": f"Bearer {sync_service.sync_store(b).connection_info()[1]}"})
        assert stale.status_code == 409 and stale.json()["detail"].startswith("since:")

        # Life goes on, and A pushes so much before B's next sync that HQ's new feed passes B's old cursor:
        # B can only tell from the epoch HQ opened at the restore that these seqs are new to it.
        bulk_entries(a, card, 400)
        sync_until_drained(a)
        with db.read(engine) as conn:
            assert conn.execute(select(hqt.feed_counter.c.value)).scalar_one() > pulled_before
        server.stop()
        server.start()  # a restart opens no epoch: the one the restore opened (below B's cursor) counts
        drain_all([a, b])
        assert_invariants(engine, [a, b])
        with db.read(engine) as conn:
            lost = conn.execute(select(hqt.cards.c.status).where(hqt.cards.c.card_no == late.card_no)).scalar()
            known = conn.execute(select(hqt.members.c.uuid).where(hqt.members.c.uuid == quiet.uuid)).scalar()
        assert lost == "lost" and known == quiet.uuid  # B sent its lost report again; A its quiet member
        assert not admin.list_quarantine(engine)  # no entry met a member HQ had forgotten
    finally:
        server.stop()
        engine.dispose()


def test_hq_transactions_committing_out_of_sequence_order(hq, stores):
    """A writer holding the feed lock (seq N, not committed) must not let a later writer's seq N+1 be served
    first: the later writer waits, and a pull meanwhile never moves its cursor past N."""
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    card = busy_store(a)
    drain_all([a, b])
    cursor_before = sync_service.sync_status(b)["pull_cursor"]
    slow = hq.engine.connect()
    transaction = slow.begin()
    head = db.lock_feed(slow)
    slow.execute(hqt.changes.insert().values(seq=head + 1, kind="rules", key="x", origin_device=None,
                                             data=json.dumps({"version": 0, "label": "noop", "toml": ""})))
    db.set_feed_head(slow, head + 1)
    cards.report_lost(a, card, MANAGER_PIN)
    pusher = threading.Thread(target=sync, args=(a,))
    pusher.start()
    pusher.join(timeout=1.0)
    assert pusher.is_alive(), "the second writer must wait for the first one's commit"
    sync(b)
    assert sync_service.sync_status(b)["pull_cursor"] == cursor_before
    transaction.commit()
    slow.close()
    pusher.join(timeout=30)
    sync(b)
    with b.db.read() as conn:
        status = conn.exec_driver_sql("SELECT status FROM cards WHERE card_no = ?", (card,)).scalar()
    assert status == "lost"
    assert_invariants(hq.engine, [a, b])


@pytest.mark.parametrize("days", [2, -2])
def test_client_clock_two_days_off(hq, stores, days):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    b.clock.advance(days=days)
    card = busy_store(a)
    drain_all([a, b])
    commit_sale(b, SaleRequest(card, 5000, redeem_points=100))
    cards.report_lost(b, card, MANAGER_PIN)
    drain_all([a, b])
    assert_invariants(hq.engine, [a, b])


@pytest.mark.slow
def test_seven_days_offline_with_10000_entries(hq, proxy, stores):
    a = stores.enrolled(hq, "001", url=proxy.url)
    b = stores.enrolled(hq, "002", url=proxy.url)
    card = busy_store(a)
    drain_all([a, b])
    for _day in range(7):
        a.clock.advance(days=1)
        bulk_entries(a, card, 10_000 // 7 + 1)
    busy_store(b)
    proxy.add(Rule("POST", "/v1/push", "lose_response", times=2))
    proxy.add(Rule("GET", "/v1/pull", "reset_mid_body", times=1))
    drain_all([a, b])
    assert len(own_entry_ids(a)) > 10_000
    assert_invariants(hq.engine, [a, b])


@pytest.mark.slow
def test_a_sale_during_a_large_pull_never_sees_database_is_locked(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    card = busy_store(a)
    bulk_entries(a, card, 20_000, per_transaction=2000)
    sync(a)
    local = busy_store(b, 0)
    errors: list[BaseException] = []
    done = threading.Event()

    def sell() -> None:
        # a till far busier than any real one (a sale every few ms), yet leaving the lock free between sales
        # as a cashier does, so the sync's own short transactions get their turn too
        while not done.wait(0.02):  # 50 sales a second: far above any till, and the pull still overlaps hundreds
            try:
                commit_sale(b, SaleRequest(local, 1000))
            except BaseException as exc:  # noqa: BLE001 - any error fails the test
                errors.append(exc)
                return

    seller = threading.Thread(target=sell)
    seller.start()
    try:
        report = sync(b)
    finally:
        done.set()
        seller.join()
    assert not errors, errors
    assert report["applied"]["entries_applied"] >= 20_000
    drain_all([a, b])
    assert_invariants(hq.engine, [a, b])


def test_token_revoked_with_entries_queued(hq, stores):
    a = stores.enrolled(hq, "001")
    card = busy_store(a)
    sync(a)
    admin.revoke_device(hq.engine, a.identity.device_id)
    commit_sale(a, SaleRequest(card, 3000))
    with pytest.raises(sync_service.SyncFailed, match="token"):
        sync(a)
    status = sync_service.sync_status(a)
    assert status["pending_entries"] == 1 and "token" in status["last_error"]
    sync_service.enrol(a, hq.url, hq.enrolment_code("001"))  # a manager enrols the till again
    sync(a)
    assert_invariants(hq.engine, [a])
    _ = timedelta  # clocks move through MovableClock.advance
