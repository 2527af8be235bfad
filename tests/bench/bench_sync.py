"""Sync benchmarks on real parts: a PostgreSQL 15 cluster (fsync on) started here, `pos-hq serve` as its own
process on 127.0.0.1, real store files. Each figure is printed beside its target and beside the same run's
raw PostgreSQL insert rate (psycopg executemany of entry-shaped rows, 500 per transaction) as a ratio.

    python -m tests.bench.bench_sync [--entries 100000] [--members 100000] [--stores 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import requests

from pos_member.services import members, sync_service
from pos_member.services.audit import append_audit
from pos_member.services.context import Store, open_store
from pos_member.services.ledger import Posting, post
from pos_member.services.lookup import resolve
from pos_member.services.setup import init_store
from sync.hq import admin, db
from tests.conftest import CHINA, MovableClock
from tests.sync.fixtures import ServerProcess
from tests.sync.pg import PgCluster, available


def raw_insert_rate(cluster: PgCluster, rows: int) -> float:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres") as conn:
        conn.execute("CREATE TABLE raw_entries (seq BIGINT PRIMARY KEY, entry_id VARCHAR(36) UNIQUE, "
                     "device_id VARCHAR(36), local_seq BIGINT, member_uuid VARCHAR(36), account VARCHAR(16), "
                     "kind VARCHAR(16), delta BIGINT, business_time VARCHAR(64), payload_hash VARCHAR(64))")
        conn.commit()
        data = [(i, str(uuid.uuid4()), "dev", i, "m", "points", "adjust", 1, "2026-11-24T10:00:00+08:00", "h" * 64)
                for i in range(rows)]
        start = time.perf_counter()
        for offset in range(0, rows, 500):
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO raw_entries VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
                                "ON CONFLICT (entry_id) DO NOTHING", data[offset:offset + 500])
            conn.commit()
        return rows / (time.perf_counter() - start)


def new_store(base: Path, code: str, hq_url: str, engine) -> Store:
    store = open_store(base / code / "store.sqlite3", clock=MovableClock(datetime(2026, 11, 24, 10, tzinfo=CHINA)))
    init_store(store, code, f"Bench {code}", "2468")
    sync_service.enrol(store, hq_url, admin.add_store(engine, code, f"Bench {code}")["enrolment_code"])
    return store


def fill(store: Store, count: int) -> None:
    view = members.register_member(store, "Bench", f"139{store.identity.store_code}{count % 100000:05d}")
    for offset in range(0, count, 5000):
        with store.db.write() as conn:
            member, _ = resolve(conn, store, view.card_no, for_use=False)
            version, _ = store.rules(conn)
            rows = post(conn, store, member.id, [Posting("points", "adjust", 1)] * min(5000, count - offset),
                        staff_id=None, rules_version=version, business_time=store.now())
            append_audit(conn, store.now(), None, "bench.fill", None, {}, entries=rows)


def _noop(_: int) -> None:
    import pos_member.services.sync_service  # noqa: F401 - import the sync stack before the clock starts


def _push_store(path: str) -> None:
    store = open_store(Path(path))
    try:
        sync_service.sync_once(store, attempts=1, timeout=120, pull=False)
    finally:
        store.close()


def line(name: str, value: float, unit: str, target: str, raw: float | None = None) -> None:
    ratio = f"  ({value / raw:.2f} x raw PostgreSQL insert)" if raw else ""
    print(f"{name:<44} {value:>12,.0f} {unit:<10} target {target}{ratio}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--stores", type=int, default=5)
    args = parser.parse_args()
    if not available():
        print("skipped: PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin")
        return
    cluster = PgCluster(fsync=True).start()
    base = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        cluster.admin("CREATE DATABASE hq")
        engine = db.make_engine(cluster.url("hq"))
        db.upgrade(engine)
        raw = raw_insert_rate(cluster, args.entries)
        line("raw PostgreSQL insert (500/transaction)", raw, "rows/s", "(reference)")
        server = ServerProcess(cluster.url("hq")).start()
        try:
            a = new_store(base, "001", server.url, engine)
            fill(a, args.entries)
            start = time.perf_counter()
            sync_service.sync_once(a, attempts=1, timeout=120, pull=False)
            line(f"push {args.entries:,} entries, one store", args.entries / (time.perf_counter() - start),
                 "entries/s", ">= 20,000", raw)

            _, token = sync_service.sync_store(a).connection_info()
            session = requests.Session()
            for offset in range(0, args.members, 500):
                records = [{"kind": "member", "member": {
                    "uuid": str(uuid.uuid4()), "member_no": f"M9{offset + i:010d}", "home_store": "001",
                    "name": f"m{offset + i}", "phone": f"17{offset + i:09d}", "tier_code": "standard",
                    "status": "active", "created_at": "2026-11-24T10:00:00+08:00",
                    "updated_at": "2026-11-24T10:00:00+08:00"}} for i in range(min(500, args.members - offset))]
                session.post(f"{server.url}/v1/push", json={"records": records},
                             headers={"Authorization": f"Bearer {token}"}, timeout=120).raise_for_status()
            b = new_store(base, "002", server.url, engine)
            start = time.perf_counter()
            report = sync_service.sync_once(b, attempts=1, timeout=120)
            seconds = time.perf_counter() - start
            print(f"{'pull+apply ' + format(args.members, ',') + ' member changes (+ the entries)':<44} "
                  f"{seconds:>12.2f} s          target <= 10 s  ({report['applied']['members']:,} members, "
                  f"{report['applied']['entries_applied']:,} entries applied)", flush=True)

            per_store = args.entries // args.stores
            chain = [new_store(base, f"1{n:02d}", server.url, engine) for n in range(args.stores)]
            for store in chain:
                fill(store, per_store)
            paths = [str(store.db.path) for store in chain]
            for store in chain:
                store.close()
            # five stores are five machines: each pushes from its own process, not a thread sharing one GIL
            context = multiprocessing.get_context("spawn")
            with context.Pool(args.stores) as pool:
                pool.map(_noop, range(args.stores))  # the children are started and warm before the clock
                start = time.perf_counter()
                pool.map(_push_store, paths)
            total = per_store * args.stores
            line(f"{args.stores} stores pushing at once ({total:,} entries)", total / (time.perf_counter() - start),
                 "entries/s", ">= 20,000 in total", raw)
            for store in [a, b]:
                store.close()
        finally:
            server.stop()
            engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
