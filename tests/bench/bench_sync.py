"""Sync benchmarks on real parts: a PostgreSQL 15 cluster (fsync on) started here, `pos-hq serve` as its own
process on 127.0.0.1, real store files whose sales each carry an earn entry and a line and queue a sale
document (as checkout does). Push throughput counts both (entries + sale documents per second) and is printed
beside the same run's raw PostgreSQL insert of the same rows as a ratio (issue 10 point 10: >= 0.4x):

- raw reference: the rows HQ keeps of each pushed sale (its entry, its `sales` row and its `sale_lines` row)
  inserted straight from Python with the same driver (psycopg executemany, ON CONFLICT DO NOTHING), 500
  sales per transaction as the till batches its pushes, into tables made LIKE HQ's (INCLUDING ALL: the same
  columns and indexes). For five stores at once the reference is five such inserters at once, each its own
  process.
- push: `sync_once` of real store files against the real HQ (token check, shape and domain validation in
  sync.hq.intake, duplicate/conflict screening, feed numbering, balances, the documents' checks, qualifying
  spend, the daily roll-ups, audit head).

    python -m tests.bench.bench_sync [--entries 100000] [--members 100000] [--stores 5] [--runs 1] [--hq-workers 1]

`--members 0` skips the pull benchmark. With `--runs N` the push figures are measured N times (fresh stores
each time) and the medians printed too. The load average is printed with each figure: other work on the
machine moves the absolute figures, far less the ratios.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from pos_member.services import members, sync_service
from pos_member.services.audit import append_audit
from pos_member.services.context import Store, open_store
from pos_member.services.ledger import Posting, post
from pos_member.services.lookup import resolve
from pos_member.services.setup import init_store
from pos_member.services.staff import CONSOLE_STAFF_ID
from sync.hq import admin, db, settle_catchup
from tests.conftest import CHINA, MovableClock
from tests.sync.fixtures import ServerProcess
from tests.sync.pg import PgCluster, available

BATCH = 500  # sync.protocol.MAX_PUSH_ENTRIES / MAX_PUSH_RECORDS: what one push request (transaction) carries
FILL_CHUNK = 2000


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ---- the raw reference ------------------------------------------------------------------------------------

def _raw_rows(worker: int, count: int, seq_base: int) -> dict[str, list[tuple]]:
    """Rows shaped as HQ stores a pushed sale: its entry (every column of `entries`), and its sale document:
    a `sales` row and its one `sale_lines` row (every column). What HQ derives from them (member_sales,
    daily_sales, ledger_daily, liability_daily) is the push's own work, not part of the reference."""
    device, member = str(uuid.uuid4()), str(uuid.uuid4())
    now = "2026-11-24T02:00:00.000000+00:00"
    at = "2026-11-24T10:00:00+08:00"
    rows: dict[str, list[tuple]] = {"entries": [], "sales": [], "sale_lines": []}
    for i in range(count):
        sale_id, points = str(uuid.uuid4()), 10 + i % 90
        rows["entries"].append((seq_base + worker * 10**8 + i + 1, str(uuid.uuid4()), device, i + 1,
                                f"1{worker:02d}", member, "points", "earn", points, None, sale_id, None, 1, at, None,
                                "2028-01-01", uuid.uuid4().hex * 2, now))
        rows["sales"].append((sale_id, f"1{worker:02d}-1-{i + 1}", f"1{worker:02d}", device, member, None, at,
                              at[:10], 1, "standard", points * 100, 0, None, 0, 0, 0, 0, 0, points * 100, points,
                              uuid.uuid4().hex * 2, now))
        rows["sale_lines"].append((sale_id, 1, "general", points * 100, 0, 0, 0, 0, 0, 0, points))
    return rows


_RAW = {
    "entries": "INSERT INTO {entries} (seq, entry_id, device_id, local_seq, store_code, member_uuid, account, kind, "
               "delta, staff_id, sale_id, ref_id, rules_version, business_time, note, expires_on, payload_hash, "
               "received_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING",
    "sales": "INSERT INTO {sales} (sale_id, receipt_no, store_code, device_id, member_uuid, card_no, business_time, "
             "day, rules_version, tier_code, total_fen, discount_fen, coupon_code, coupon_fen, points_redeemed, "
             "points_cash_fen, stored_paid_fen, stored_bonus_fen, payable_fen, points_earned, payload_hash, "
             "received_at) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
             "ON CONFLICT DO NOTHING",
    "sale_lines": "INSERT INTO {sale_lines} (sale_id, line_no, category, amount_fen, discount_fen, coupon_fen, "
                  "points_cash_fen, points_redeemed, stored_paid_fen, stored_bonus_fen, points_earned) "
                  "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING",
}


def _raw_worker(dsn: str, worker: int, count: int, tables: dict[str, str], seq_base: int, barrier: Any,
                results: Any) -> None:
    import psycopg

    rows = _raw_rows(worker, count, seq_base)
    with psycopg.connect(dsn) as conn:
        barrier.wait()
        start = time.time()
        # a push request's worth at a time, as the till batches: its entries, then its sale documents
        for offset in range(0, count, BATCH):
            with conn.cursor() as cur:
                for name, sql in _RAW.items():
                    cur.executemany(sql.format(**tables), rows[name][offset:offset + BATCH])
            conn.commit()
        results.put((start, time.time()))


def raw_rate(dsn: str, sales: int, workers: int, tables: dict[str, str], seq_base: int = 0) -> float:
    """Rows (entries + sale documents: 2 a sale, the sale's line riding with it) per second, `workers`
    inserters at once, into `tables` (entries, sales, sale_lines). Entry seq numbers start above seq_base;
    store codes are 1xx."""
    spans = _run_at_once(_raw_worker, [(dsn, w, sales // workers, tables, seq_base) for w in range(workers)])
    return 2 * (sales // workers) * workers / spans


def raw_insert_rate(cluster: PgCluster, sales: int, workers: int) -> float:
    """raw_rate into fresh tables made LIKE HQ's (same columns and indexes), dropped after."""
    dsn = f"host=127.0.0.1 port={cluster.port} user=postgres dbname=hq"
    import psycopg

    tables = {name: f"raw_{name}" for name in _RAW}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name, raw in tables.items():
            conn.execute(f"DROP TABLE IF EXISTS {raw}")
            conn.execute(f"CREATE TABLE {raw} (LIKE {name} INCLUDING ALL)")
    rate = raw_rate(dsn, sales, workers, tables)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {', '.join(tables.values())}")
    return rate


def _run_at_once(target: Any, arguments: list[tuple]) -> float:
    """Run target(*args, barrier, results) in one process each, all released together; the wall time from
    the first start to the last finish. Five stores are five machines: not threads sharing one GIL."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(arguments)), context.Queue()
    processes = [context.Process(target=target, args=(*args, barrier, results)) for args in arguments]
    for process in processes:
        process.start()
    spans = [results.get(timeout=1800) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a benchmark process failed with exit code {process.exitcode}")
    return max(end for _, end in spans) - min(start for start, _ in spans)


# ---- the tills ----------------------------------------------------------------------------------------------

def new_store(base: Path, code: str, hq_url: str, engine) -> Store:
    store = open_store(base / code / "store.sqlite3", clock=MovableClock(datetime(2026, 11, 24, 10, tzinfo=CHINA)))
    init_store(store, code, f"Bench {code}", "2468")
    sync_service.enrol(store, hq_url, admin.add_store(engine, code, f"Bench {code}")["enrolment_code"])
    return store


_SALE_ROW = ("INSERT INTO sales (sale_id, member_id, staff_id, rules_version, business_time, tier_code, total_fen, "
             "discount_fen, points_redeemed, points_cash_fen, stored_paid_fen, stored_bonus_fen, payable_fen, "
             "points_earned, receipt_no) VALUES (:sale_id, :member_id, :staff, :rules, :at, 'standard', :fen, 0, 0, "
             "0, 0, 0, :fen, :points, :receipt)")
_LINE_ROW = ("INSERT INTO sale_lines (sale_id, line_no, category, amount_fen, points_earned) "
             "VALUES (:sale_id, 1, 'general', :fen, :points)")


def fill(store: Store, count: int) -> None:
    """`count` sales of one member, each as checkout leaves it for sync: a sales row with its line (the row's
    trigger queues the sale document, which carries its lines) and its earn entry with the sale id, in
    transactions of FILL_CHUNK sales."""
    from sqlalchemy import text

    view = members.register_member(store, "Bench", f"139{store.identity.store_code}{count % 100000:05d}")
    insert_sale, insert_line = text(_SALE_ROW), text(_LINE_ROW)
    for offset in range(0, count, FILL_CHUNK):
        with store.db.write() as conn:
            member, _ = resolve(conn, store, view.card_no, for_use=False)
            version, _ = store.rules(conn)
            rows: list[dict[str, Any]] = []
            sales = []
            for i in range(offset, min(count, offset + FILL_CHUNK)):
                sale_id, points = str(uuid.uuid4()), 10 + i % 90
                sales.append({"sale_id": sale_id, "member_id": member.id, "staff": CONSOLE_STAFF_ID,
                              "rules": version, "at": store.now(), "fen": points * 100, "points": points,
                              "receipt": f"{store.identity.store_code}-1-{i + 1}"})
                rows += post(conn, store, member.id, [Posting("points", "earn", points, expires_on="2028-01-01")],
                             staff_id=None, rules_version=version, business_time=store.now(), sale_id=sale_id)
            conn.execute(insert_sale, sales)
            conn.execute(insert_line, sales)
            append_audit(conn, store.now(), None, "bench.fill", None, {}, entries=rows)


def _push_worker(path: str, barrier: Any, results: Any) -> None:
    store = open_store(Path(path))
    try:
        sync_service.sync_store(store)  # the sync stack is imported and connected before the clock starts
        barrier.wait()
        start = time.time()
        sync_service.sync_once(store, attempts=1, timeout=600, pull=False)
        results.put((start, time.time()))
    finally:
        store.close()


def push_rate(base: Path, server: ServerProcess, engine, prefix: str, stores: int, sales: int) -> float:
    """Entries + sale documents per second, `stores` stores (one till each) pushing at once."""
    chain = [new_store(base, f"{prefix}{n:02d}", server.url, engine) for n in range(stores)]
    for store in chain:
        fill(store, sales // stores)
    paths = [str(store.db.path) for store in chain]
    for store in chain:
        store.close()
    seconds = _run_at_once(_push_worker, [(path,) for path in paths])
    return 2 * (sales // stores) * stores / seconds


# ---- output ---------------------------------------------------------------------------------------------------

def line(name: str, value: float, unit: str, target: str, raw: float | None = None) -> None:
    ratio = f"  {value / raw:.2f} x raw (target >= 0.40)" if raw else ""
    print(f"{name:<46} {value:>10,.0f} {unit:<7} {target:<20}{ratio}  load {loadavg()}", flush=True)


def pull_members(base: Path, server: ServerProcess, engine, count: int) -> None:
    a = new_store(base, "001", server.url, engine)
    fill(a, 1000)
    sync_service.sync_once(a, attempts=1, timeout=120, pull=False)
    _, token = sync_service.sync_store(a).connection_info()
    session = requests.Session()
    for offset in range(0, count, BATCH):
        records = [{"kind": "member", "member": {
            "uuid": str(uuid.uuid4()), "member_no": f"M9{offset + i:010d}", "home_store": "001",
            "name": f"m{offset + i}", "phone": f"17{offset + i:09d}", "tier_code": "standard",
            "status": "active", "created_at": "2026-11-24T10:00:00+08:00",
            "updated_at": "2026-11-24T10:00:00+08:00"}} for i in range(min(BATCH, count - offset))]
        session.post(f"{server.url}/v1/push", json={"records": records},
                     headers={"Authorization": f"Bearer {token}"}, timeout=120).raise_for_status()
    b = new_store(base, "002", server.url, engine)
    start = time.perf_counter()
    report = sync_service.sync_once(b, attempts=1, timeout=120)
    seconds = time.perf_counter() - start
    print(f"{'pull+apply ' + format(count, ',') + ' member changes':<46} {seconds:>10.2f} s       "
          f"{'<= 10 s':<20}  ({report['applied']['members']:,} members, "
          f"{report['applied']['entries_applied']:,} entries applied)  load {loadavg()}", flush=True)
    for store in (a, b):
        store.close()


def catch_up_rate(engine) -> None:
    """The settlement catch-up over every entry the pushes stored, as `pos-hq serve` runs it (every 60 s)."""
    start = time.perf_counter()
    done = settle_catchup.catch_up(engine)
    seconds = time.perf_counter() - start
    print(f"{'settlement catch-up of the pushed entries':<46} {done['entries'] / seconds:>10,.0f} entries/s "
          f"(in the background, off the push's path)  load {loadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000, help="sales to push (each: an entry + a record)")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--stores", type=int, default=5)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--hq-workers", type=int, default=os.cpu_count() or 1,
                        help="pos-hq serve --workers (default: one a core, as README advises)")
    args = parser.parse_args()
    if not available():
        print("skipped: PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin")
        return
    cluster = PgCluster(fsync=True).start()
    base = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    ratios: dict[str, list[float]] = {"one": [], "many": []}
    try:
        cluster.admin("CREATE DATABASE hq")
        engine = db.make_engine(cluster.url("hq"))
        db.upgrade(engine)
        # the settlement catch-up (sync.hq.settle_catchup) is deferred work HQ does every 60 s, not a check of a
        # push: off here, so that a pass falling at random into a push's window does not decide its figure;
        # it is timed on its own after the pushes
        server = ServerProcess(cluster.url("hq"), workers=args.hq_workers, extra_args=("--jobs-every", "0")).start()
        try:
            for run in range(args.runs):
                print(f"-- run {run + 1} of {args.runs}: {args.entries:,} sales = {2 * args.entries:,} rows "
                      "(an entry and a sale document each)", flush=True)
                raw = raw_insert_rate(cluster, args.entries, 1)
                line("raw insert, one connection", raw, "rows/s", "(reference)")
                one = push_rate(base, server, engine, f"{run}", 1, args.entries)
                line("push, one store", one, "rows/s", ">= 20,000", raw)
                raw_many = raw_insert_rate(cluster, args.entries, args.stores)
                line(f"raw insert, {args.stores} connections at once", raw_many, "rows/s", "(reference)")
                many = push_rate(base, server, engine, f"{run + 5}", args.stores, args.entries)
                line(f"push, {args.stores} stores at once", many, "rows/s", ">= 20,000 in total", raw_many)
                print(f"{'':<46} ({many / raw:.2f} x one connection's raw insert)", flush=True)
                ratios["one"].append(one / raw)
                ratios["many"].append(many / raw_many)
            if args.runs > 1:
                for key, label in (("one", "one store"), ("many", f"{args.stores} stores at once")):
                    print(f"median ratio, push {label}: {statistics.median(ratios[key]):.2f} x raw "
                          f"(runs: {', '.join(f'{r:.2f}' for r in ratios[key])})", flush=True)
            catch_up_rate(engine)
            if args.members:
                pull_members(base, server, engine, args.members)
        finally:
            server.stop()
            engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
