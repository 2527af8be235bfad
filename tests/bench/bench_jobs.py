"""Nightly jobs benchmark: points expiry + tier evaluation over the big store file.

    python -m tests.bench.bench_jobs [--members 1000000] [--entries 10000000] [--data DIR]

Uses the store file bench_store builds (1,000,000 members, 10,000,000 entries in lots from July 2024 to
November 2026, one sale per member, a spread of tiers), copies it so every run starts from the same state,
and runs the jobs for 1 January 2027 through the real services: the night when every lot earned in 2025
lapses (end of the year after earning) and the monthly tier evaluation judges the past year. Target: <= 60 s.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date
from pathlib import Path

from pos_member.services.context import open_store
from pos_member.services.jobs import evaluate_tiers, expire_points
from tests.bench.bench_store import REPO, bench_file, build

TARGET_S = 60.0
NIGHT = date(2027, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--data", type=Path, default=REPO / "bench-data")
    args = parser.parse_args()
    source = bench_file(args.data, args.members, args.entries)
    build(source, args.members, args.entries, rebuild=False)
    work = args.data / "jobs-run.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, work)
    store = open_store(work)
    try:
        started = time.perf_counter()
        expiry = expire_points(store, NIGHT)
        expiry_s = time.perf_counter() - started
        tiers = evaluate_tiers(store, NIGHT)
        total_s = time.perf_counter() - started
    finally:
        store.close()
    print(f"\nnightly jobs for {NIGHT} on {args.members:,} members, {args.entries:,} entries")
    print(f"  expiry: {expiry['members']:,} members, {expiry['points']:,} points expired in {expiry_s:.1f} s")
    print(f"  tiers:  {tiers} in {total_s - expiry_s:.1f} s")
    verdict = "PASS" if total_s <= TARGET_S else "MISS"
    print(f"{'figure':28} {'seconds':>8} {'target':>8}  result")
    print(f"{'expiry + tier evaluation':28} {total_s:8.1f} {'<= 60':>8}  {verdict}")


if __name__ == "__main__":
    main()
