"""Chain benchmarks at HQ on PostgreSQL at a chain's scale (issue 11 point 9), on the data of
tests.bench.chain_data (30 stores, 1,000,000 members, 10,000,000 entries, 3,000,000 sales at --scale 1;
built once and cached under /var/tmp/pos-chain, see there):

- each chain report of issue 11 (REPORTS: settlement, sales, points, liability, tiers) for one month, called
  as `pos-hq report` calls it, on HQ's engine: target <= 2 s, every run (the first, cold, too). Each line
  says what the report found, so a report over empty roll-ups shows as such; the settlement's first step
  is its catch-up (nothing left to attribute on the cached data);
- push of sales + entries into the full database, one store and five at once, beside the same run's raw
  PostgreSQL insert of the same rows into the same tables (tests.bench.bench_sync.raw_rate: entries, sales
  and sale_lines, the same driver, 500 sales per transaction): target >= 0.4x. What either adds is deleted again afterwards, so the cached
  data stays as generated.

    python -m tests.bench.chain_data --scale 1          # once: builds the cache (~10 minutes, ~10 GB)
    python -m tests.bench.bench_chain [--scale 1] [--period 2026-10] [--runs 3] [--sales 20000] [--no-push]
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sync.hq import db
from tests.bench.bench_sync import loadavg, push_rate, raw_rate
from tests.bench.chain_data import DEFAULT_CACHE, STORES, cached_cluster
from tests.sync.fixtures import ServerProcess

TARGET_S = 2.0
# every chain report of issue 11, as HQ's CLI calls it (`pos-hq report NAME`)
REPORTS = {"settlement": "sync.hq.report_settlement:settlement_report", "sales": "sync.hq.report_sales:sales_report",
           "points": "sync.hq.report_points:points_report", "liability": "sync.hq.report_liability:liability_report",
           "tiers": "sync.hq.report_tiers:tiers_report"}


def find_report(name: str) -> tuple[str, Callable[..., Any]]:
    module_name, function = REPORTS[name].split(":")
    return f"{module_name}.{function}", getattr(importlib.import_module(module_name), function)


def result_size(name: str, result: dict[str, Any]) -> str:
    """What the report found, so a fast report over empty roll-ups shows as such."""
    if name == "settlement":
        check = result["check"]
        return (f"{len(result['points'])} points cells, {len(result['stored_value'])} stored-value cells, "
                f"{check['points']['attributed']:,} points attributed, check "
                f"{'ok' if check['nets_to_zero'] and check['agrees_with_ledger'] else 'FAILED'}")
    if name == "sales":
        return f"{len(result['days'])} store-days, {result['total']['sales_count']:,} sales"
    totals = result.get("totals") or {}
    if name == "points":
        return f"{len(result['rows'])} stores, {totals.get('entries', 0):,} entries"
    if name == "liability":
        return f"{len(result['rows'])} stores, closing {totals.get('points_closing', 0):,} points"
    return f"{len(result['rows'])} stores, {totals.get('members', 0):,} members"


def call_report(call: Callable[..., Any], engine: Any, period: str) -> Any:
    """The report for the whole chain for `period`: the engine first, the period by name as text, or parsed
    by sync.hq.report_period.parse_period where the function takes a Period; a report without a period (a
    snapshot such as members by tier) is called without one. Other parameters keep their defaults (a store
    filter: none, the whole chain)."""
    parameters = inspect.signature(call).parameters
    if "period" not in parameters:
        return call(engine)
    annotation = parameters["period"].annotation
    if annotation not in (str, "str", inspect.Parameter.empty):
        from sync.hq.report_period import parse_period  # only where reports take a Period

        return call(engine, period=parse_period(period))
    return call(engine, period=period)


def bench_reports(engine: Any, period: str, runs: int) -> None:
    print(f"\nmonthly reports for {period} (target <= {TARGET_S:.0f} s each; {runs} runs, the first apart)")
    print(f"{'report':<12} {'function':<46} {'first s':>8} {'median s':>9} {'max s':>7}  result  load   found")
    for name in REPORTS:
        where, call = find_report(name)
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            result = call_report(call, engine, period)
            seconds.append(time.perf_counter() - started)
        warm = seconds[1:] or seconds
        verdict = "PASS" if max(seconds) <= TARGET_S else "MISS"
        print(f"{name:<12} {where:<46} {seconds[0]:8.2f} {statistics.median(warm):9.2f} {max(warm):7.2f}  "
              f"{verdict:<6}  {loadavg()}  {result_size(name, result)}", flush=True)


def _feed_head(dsn: str) -> int:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT value FROM feed_counter WHERE id = 1").fetchone()[0]


def remove_bench_rows(dsn: str, head: int) -> None:
    """Everything the push benchmark added: the generated chain has stores 001..030 and seq <= head."""
    import psycopg

    last = f"{STORES:03d}"
    with psycopg.connect(dsn) as conn:
        conn.execute("DELETE FROM entries WHERE seq > %s", (head,))
        conn.execute("DELETE FROM changes WHERE seq > %s", (head,))
        conn.execute("DELETE FROM member_sales WHERE store_code > %s", (last,))
        conn.execute("DELETE FROM sale_lines WHERE sale_id IN (SELECT sale_id FROM sales WHERE store_code > %s)",
                     (last,))
        for table in ("sales", "daily_sales", "ledger_daily"):
            conn.execute(f"DELETE FROM {table} WHERE store_code > %s", (last,))
        conn.execute("DELETE FROM liability_daily WHERE home_store > %s", (last,))
        conn.execute("DELETE FROM cards WHERE member_uuid IN (SELECT uuid FROM members WHERE home_store > %s)",
                     (last,))
        conn.execute("DELETE FROM members WHERE home_store > %s", (last,))
        conn.execute("DELETE FROM quarantine WHERE device_id IN (SELECT device_id FROM devices "
                     "WHERE store_code > %s)", (last,))
        for table in ("audit_heads", "devices", "enrol_codes"):
            conn.execute(f"DELETE FROM {table} WHERE store_code > %s", (last,))
        conn.execute("DELETE FROM stores WHERE code > %s", (last,))
        conn.execute("UPDATE feed_counter SET value = %s WHERE id = 1", (head,))
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) entries, member_sales, members, cards, changes, sales, sale_lines")


def bench_push(cluster: Any, engine: Any, sales: int, stores: int, runs: int, workers: int = 1) -> None:
    dsn = cluster.dsn()
    head = _feed_head(dsn)
    tables = {"entries": "entries", "sales": "sales", "sale_lines": "sale_lines"}
    print(f"\npush of sales into the full database: {sales:,} sales = {2 * sales:,} rows (an entry and a sale "
          "document with its line each) per figure; raw = the same rows inserted straight into HQ's tables")
    base = Path(tempfile.mkdtemp(prefix="bench-chain-"))
    # without its nightly jobs: they would expire a million members' points into the cache
    server = ServerProcess(cluster.url("hq"), workers=workers, extra_args=("--jobs-every", "0"),
                           start_timeout_s=60.0).start()
    ratios: dict[str, list[float]] = {"one": [], "many": []}
    try:
        for run in range(runs):
            raws: dict[str, float] = {}
            for key, count, label in (("one", 1, "one store"), ("many", stores, f"{stores} stores at once")):
                try:
                    raws[key] = raw = raw_rate(dsn, sales, count, tables, seq_base=head + 10**9)
                finally:
                    remove_bench_rows(dsn, head)
                try:
                    # stores 900 (one) and 800.. (five): codes above the chain's, removed again after
                    pushed = push_rate(base / f"{key}{run}", server, engine, "9" if key == "one" else "8", count,
                                       sales)
                finally:
                    remove_bench_rows(dsn, head)
                ratios[key].append(pushed / raw)
                also = f" ({pushed / raws['one']:.2f} x one connection's raw)" if key == "many" else ""
                print(f"push, {label:<20} {pushed:>10,.0f} rows/s   raw ({count} conn.) {raw:>10,.0f} rows/s   "
                      f"{pushed / raw:.2f} x raw (target >= 0.40){also}  load {loadavg()}", flush=True)
        for key, label in (("one", "one store"), ("many", f"{stores} stores at once")):
            print(f"median ratio, push {label}: {statistics.median(ratios[key]):.2f} x raw "
                  f"(runs: {', '.join(f'{r:.2f}' for r in ratios[key])})", flush=True)
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sales", type=int, default=20_000, help="sales per push figure")
    parser.add_argument("--stores", type=int, default=5)
    parser.add_argument("--no-push", action="store_true")
    parser.add_argument("--hq-workers", type=int, default=os.cpu_count() or 1,
                        help="pos-hq serve --workers (default: one a core, as README advises)")
    args = parser.parse_args()
    started = time.perf_counter()
    cluster, scale = cached_cluster(args.scale, args.cache)
    print(f"chain data {scale} ready in {time.perf_counter() - started:.0f} s", flush=True)
    engine = db.make_engine(cluster.url("hq"))
    try:
        db.upgrade(engine)  # at head already: the cache is keyed by the migrations
        bench_reports(engine, args.period, args.runs)
        if not args.no_push:
            bench_push(cluster, engine, args.sales, args.stores, args.runs, args.hq_workers)
    finally:
        engine.dispose()
        cluster.stop()


if __name__ == "__main__":
    main()
