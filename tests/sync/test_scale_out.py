"""HQ scaled out on one PostgreSQL: `pos-hq serve --workers 4` (four processes, one feed lock, one feed epoch)
with five tills pushing and pulling at once; and a restart that opens no new epoch."""

from __future__ import annotations

import subprocess
import threading

import pytest
import requests
from sqlalchemy import func, select, union_all

from pos_member.services import members, sync_service
from pos_member.services.checkout import SaleRequest, commit_sale
from sync.hq import db
from sync.hq import tables as hqt
from tests.sync.fixtures import HQ, ServerProcess, assert_invariants, sync, sync_all
from tests.sync.pg import PG_BIN

TILLS = 5
ROUNDS = 6
SALES_PER_ROUND = 40


def epochs_seen_by(store) -> list[dict[str, object]]:  # noqa: ANN001 - a Store
    token = sync_service.sync_store(store).connection_info()[1]
    reply = requests.get(f"{sync_service.sync_store(store).connection_info()[0]}/v1/status", timeout=30,
                         headers={"Authorization": f"Bearer {token}"})
    reply.raise_for_status()
    return reply.json()["feed_epochs"]


@pytest.mark.slow
def test_four_workers_five_tills(pg_url, stores):
    engine = db.make_engine(pg_url)
    server = ServerProcess(pg_url, workers=4).start()
    hq = HQ(engine, server, server.url)
    try:
        tills = [stores.enrolled(hq, f"{n:03d}") for n in range(1, TILLS + 1)]
        cards = [members.register_member(till, f"会员{n}", f"1380000{n:04d}").card_no
                 for n, till in enumerate(tills)]
        failures: list[BaseException] = []

        def trade(n: int) -> None:
            try:
                for _ in range(ROUNDS):
                    for _ in range(SALES_PER_ROUND):
                        commit_sale(tills[n], SaleRequest(cards[n], 1234))
                    sync(tills[n])  # pushes and pulls while the other four do too
            except BaseException as exc:  # reported in the main thread
                failures.append(exc)

        threads = [threading.Thread(target=trade, args=(n,)) for n in range(TILLS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        sync_all(tills)

        # every entry once, balances = sums of entries, every till holds every entry of the chain (a pull
        # during another worker's push never skipped a seq committed later), audit verified
        assert_invariants(engine, tills)
        with db.read(engine) as conn:
            seqs = [r[0] for r in conn.execute(union_all(select(hqt.entries.c.seq), select(hqt.changes.c.seq))
                                               .order_by("seq"))]
            head = conn.execute(select(hqt.feed_counter.c.value)).scalar_one()
            sales = conn.execute(select(func.count()).select_from(hqt.entries).where(
                hqt.entries.c.kind == "earn")).scalar_one()
        assert sales == TILLS * ROUNDS * SALES_PER_ROUND
        assert seqs == list(range(1, head + 1))  # gap-free, each seq once
        # four workers started at once on a new database (under the feed lock): one epoch between them
        assert len(epochs_seen_by(tills[0])) == 1
    finally:
        server.stop()
        engine.dispose()


@pytest.mark.slow
def test_a_restart_opens_no_epoch_and_a_restore_does(pg_cluster, pg_url, stores):
    name = pg_url.rsplit("/", 1)[1]
    engine = db.make_engine(pg_url)
    server = ServerProcess(pg_url).start()
    try:
        till = stores.enrolled(HQ(engine, server, server.url), "001")
        card = members.register_member(till, "会员", "13800001111").card_no
        commit_sale(till, SaleRequest(card, 5000))
        sync(till)
        first = epochs_seen_by(till)
        server.stop()
        server.start()
        server.stop()
        server = ServerProcess(pg_url, port=server.port, workers=2).start()
        assert epochs_seen_by(till) == first and len(first) == 1

        server.stop()
        engine.dispose()
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {name}_copy")
        pg_cluster.admin(f"CREATE DATABASE {name}_copy TEMPLATE {name}")
        pg_cluster.admin(f"DROP DATABASE {name}")
        pg_cluster.admin(f"CREATE DATABASE {name} TEMPLATE {name}_copy")  # the restore: same rows, new database
        server.start()
        restored = epochs_seen_by(till)
        assert restored[:-1] == first and len(restored) == 2
        server.stop()
        server.start()
        assert epochs_seen_by(till) == restored
        sync_all([till])
        assert_invariants(engine, [till])
    finally:
        server.stop()
        engine.dispose()


@pytest.mark.slow
def test_a_logical_restore_into_the_same_database_opens_an_epoch(pg_cluster, pg_url, stores, tmp_path):
    """pg_dump, then pg_restore --clean into the very database: same OID and cluster, but every row written
    again, so the epoch row's xmin no longer matches the one recorded with it."""
    name = pg_url.rsplit("/", 1)[1]
    engine = db.make_engine(pg_url)
    server = ServerProcess(pg_url).start()
    connect = ["-h", "127.0.0.1", "-p", str(pg_cluster.port), "-U", "postgres"]
    try:
        till = stores.enrolled(HQ(engine, server, server.url), "001")
        card = members.register_member(till, "会员", "13800001111").card_no
        sync(till)
        first = epochs_seen_by(till)
        dump = tmp_path / "hq.dump"
        subprocess.run([str(PG_BIN / "pg_dump"), *connect, "-Fc", "-f", str(dump), name], check=True)
        commit_sale(till, SaleRequest(card, 5000))
        sync(till)  # after the backup
        server.stop()
        engine.dispose()
        subprocess.run([str(PG_BIN / "pg_restore"), *connect, "--clean", "--if-exists", "-d", name, str(dump)],
                       check=True)
        server.start()
        restored = epochs_seen_by(till)
        assert restored[:-1] == first and len(restored) == 2
        sync_all([till])
        assert_invariants(engine, [till])
    finally:
        server.stop()
        engine.dispose()
