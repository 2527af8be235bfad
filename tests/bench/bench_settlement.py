"""Settlement benchmark on PostgreSQL: the statement for a month, and the catch-up's attribution rate.

    python -m tests.bench.bench_settlement [--stores 30] [--months 24] [--entries 200000] [--members 50000]

The statement reads only the daily roll-up (settle_daily), whose size is set by stores x stores x rates x
days, not by the ledger: it is filled here at full density (every store's points spent at every store,
every day, at two rates each, for --months months; that is more rows than 10,000,000 entries over two
years can make), and the month's statement is timed. Target: <= 2 s.

The catch-up is timed on --entries real entries rows (earns, redemptions and refunds at random stores for
--members members) made in the database itself; its rate tells how long a day's entries take to attribute.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import text

from sync.hq import db
from sync.hq.report_settlement import settlement_report
from sync.hq.settle_catchup import catch_up
from tests.sync.pg import PgCluster, available

TARGET_S = 2.0

_FILL_ROLLUP = text("""
INSERT INTO settle_daily (day, account, issuer, redeemer, rate, amount)
SELECT to_char(d, 'YYYY-MM-DD'), 'points', lpad(x::text, 3, '0'), lpad(y::text, 3, '0'), r, 1000 + x * y
FROM generate_series(CAST(:start AS date), CAST(:end AS date), interval '1 day') AS d,
     generate_series(1, :stores) AS x, generate_series(1, :stores) AS y, (VALUES (80), (100)) AS rates(r)
""")

_FILL_ENTRIES = text("""
INSERT INTO entries (seq, entry_id, device_id, local_seq, store_code, member_uuid, account, kind, delta, sale_id,
                     rules_version, business_time, payload_hash, received_at)
SELECT n, 'e' || n, 'bench', n, lpad((1 + n % :stores)::text, 3, '0'), 'm' || (n % :members), 'points',
       CASE WHEN n % 10 < 6 THEN 'earn' WHEN n % 10 < 9 THEN 'redeem' ELSE 'refund' END,
       CASE WHEN n % 10 < 6 THEN 500 WHEN n % 10 < 9 THEN -200 ELSE 100 END,
       's' || CASE WHEN n % 10 = 9 THEN n - 1 ELSE n END, 1,
       to_char(DATE '2026-11-01' + (n % 28), 'YYYY-MM-DD') || 'T10:00:00+08:00', 'h', 'now'
FROM generate_series(1, :entries) AS n
""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", type=int, default=30)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=50_000)
    args = parser.parse_args()
    if not available():
        raise SystemExit("PostgreSQL 15 binaries not found: run `make system-deps`")
    cluster = PgCluster(fsync=False).start()
    try:
        cluster.admin("CREATE DATABASE bench_settle")
        engine = db.make_engine(cluster.url("bench_settle"))
        db.upgrade(engine)
        with db.write(engine) as conn:
            conn.execute(_FILL_ENTRIES, {"stores": args.stores, "members": args.members, "entries": args.entries})
        started = time.perf_counter()
        caught = catch_up(engine)
        catch_up_s = time.perf_counter() - started
        with db.write(engine) as conn:
            conn.execute(text("DELETE FROM settle_daily"))
            end_year, end_month = 2026, 11
            start_month = end_year * 12 + end_month - args.months
            start = f"{start_month // 12}-{start_month % 12 + 1:02d}-01"
            conn.execute(_FILL_ROLLUP, {"start": start, "end": "2026-11-30", "stores": args.stores})
            rows = conn.execute(text("SELECT count(*) FROM settle_daily")).scalar()
            conn.execute(text("ANALYZE"))
        started = time.perf_counter()
        report = settlement_report(engine, "2026-11")
        statement_s = time.perf_counter() - started
        engine.dispose()
    finally:
        cluster.stop()
    rate = caught["entries"] / catch_up_s if catch_up_s else 0.0
    print(f"\ncatch-up: {caught['entries']:,} entries attributed in {catch_up_s:.1f} s ({rate:,.0f} entries/s)")
    print(f"statement for 2026-11 over a roll-up of {rows:,} rows ({args.stores} stores, {args.months} months): "
          f"{len(report['points']):,} cells")
    verdict = "PASS" if statement_s <= TARGET_S else "MISS"
    print(f"{'figure':28} {'seconds':>8} {'target':>8}  result")
    print(f"{'settlement statement':28} {statement_s:8.2f} {'<= 2':>8}  {verdict}")


if __name__ == "__main__":
    main()
