"""Store core benchmark: checkout commit and member lookup on a big store file.

    python -m tests.bench.bench_store [--members 1000000] [--entries 10000000] [--data DIR] [--rebuild] [--runs 1]

Builds (once, cached in bench-data/) a store file holding 1,000,000 members with cards and 10,000,000 ledger
entries, then measures, through the real services:
  - checkout commit (commit_sale: sale + lines + entries + balances + tier + audit, BEGIN IMMEDIATE,
    synchronous=FULL) as the till makes it: the cashier scanned the card (the member was read) and typed the
    bill (the sale was quoted) before pressing F12, so only the commit is timed; target p99 <= 3 ms;
  - the same commit for a member not read first (a cold member: commit_sale alone), shown for comparison;
  - member lookup by card number and by phone (show_member): target p99 <= 1 ms;
and the same run's raw sqlite3 durable two-row insert (WAL, synchronous=FULL, BEGIN IMMEDIATE) in the same
directory, timed alternately with the checkouts (a sale, a raw insert, ...) so that both meet the same load,
printed beside each figure as a ratio (issue 10 point 10: checkout p99 <= 3x): the disk's fsync sets the floor
for any durable commit. `--runs N` repeats the measurement and prints the median ratio of the N runs.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from pos_member.domain.cardno import make_card_no
from pos_member.services.checkout import SaleRequest, commit_sale, quote_sale
from pos_member.services.context import open_store
from pos_member.services.lookup import show_member
from pos_member.services.setup import init_store

REPO = Path(__file__).resolve().parents[2]
DONE_MARK = "bench_built_v4"  # v4: the clustered outbox from the start (store migration 0010)
BASE_DAY = date(2024, 7, 1)


def _entry_day(member: int, index: int) -> date:
    """Entries spread over July 2024 - November 2026, so the nightly jobs meet realistic old lots."""
    return BASE_DAY + timedelta(days=(member * 7 + index * 53) % 880)


def _bulk_load(path: Path, members: int, entries: int, device_id: str) -> None:
    """Raw sqlite3 for speed; indexes other than the UNIQUE constraints are rebuilt after the load. Members
    get birthdays and a spread of tiers, one sale each this year, and points lots that expire at the end of
    the year after they were earned (the default rules)."""
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-4000000")
    indexes = raw.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                          "AND tbl_name IN ('members', 'cards', 'ledger', 'sales')").fetchall()
    for name, _ in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    raw.execute("BEGIN")
    now = "2026-01-01T10:00:00+08:00"
    per_member = max(1, entries // members)
    tiers = ["standard"] * 86 + ["silver"] * 10 + ["gold"] * 3 + ["diamond"]
    batch_members, batch_cards, batch_sales = [], [], []
    for index in range(1, members + 1):
        batch_members.append((index, str(uuid.UUID(int=index)), f"M001{index:08d}", "001", f"会员{index}",
                              f"13{index:09d}", f"19{50 + index % 50}-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
                              tiers[index % 100], per_member * 10, "2025-01-01", now, now))
        batch_cards.append((make_card_no("001", 1, index), index, "standard", "active", now, now))
        spent = (index * 7919) % 500_000
        batch_sales.append((str(uuid.UUID(int=(1 << 100) + index)), index, 1, 1,
                            (BASE_DAY + timedelta(days=550 + index % 330)).isoformat() + "T12:00:00+08:00",
                            "standard", spent, 0, 0, 0, 0, 0, spent, 0))
        if len(batch_members) == 50_000:
            _flush_members(raw, batch_members, batch_cards, batch_sales)
    _flush_members(raw, batch_members, batch_cards, batch_sales)
    rows = []
    seq = 0
    for member in range(1, members + 1):
        for index in range(per_member):
            seq += 1
            day = _entry_day(member, index)
            rows.append((str(uuid.uuid4()), device_id, seq, "001", 1, member, "points", "earn", 10, 1,
                         day.isoformat() + "T12:00:00+08:00", date(day.year + 2, 1, 1).isoformat()))
            if len(rows) == 200_000:
                _flush_ledger(raw, rows)
    _flush_ledger(raw, rows)
    raw.execute("INSERT OR REPLACE INTO counters(name, value) VALUES ('local_seq', ?), ('card_seq', ?), "
                "('member_seq', ?)", (seq, members, min(members, 999_998)))
    raw.execute("INSERT INTO settings(key, value) VALUES (?, '1')", (DONE_MARK,))
    raw.execute("COMMIT")
    for _, sql in indexes:
        raw.execute(sql)
    raw.execute("ANALYZE")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()


def _flush_members(raw: sqlite3.Connection, members: list, cards: list, sales: list) -> None:
    raw.executemany("INSERT INTO members(id, uuid, member_no, home_store, name, phone, birthday, tier_code, points, "
                    "tier_reached_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", members)
    raw.executemany("INSERT INTO cards(card_no, member_id, card_type, status, issued_at, updated_at) "
                    "VALUES (?,?,?,?,?,?)", cards)
    raw.executemany("INSERT INTO sales(sale_id, member_id, staff_id, rules_version, business_time, tier_code, "
                    "total_fen, discount_fen, points_redeemed, points_cash_fen, stored_paid_fen, stored_bonus_fen, "
                    "payable_fen, points_earned) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sales)
    for batch in (members, cards, sales):
        batch.clear()


def _flush_ledger(raw: sqlite3.Connection, rows: list) -> None:
    raw.executemany("INSERT INTO ledger(entry_id, device_id, local_seq, store_code, staff_id, member_id, account, "
                    "kind, delta, rules_version, business_time, expires_on) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    rows.clear()


def bench_file(data: Path, members: int, entries: int) -> Path:
    return data / f"store-{members}-{entries}.sqlite3"


def build(path: Path, members: int, entries: int, rebuild: bool) -> None:
    if path.exists() and not rebuild:
        with sqlite3.connect(path) as raw:
            if raw.execute("SELECT 1 FROM settings WHERE key = ?", (DONE_MARK,)).fetchone():
                return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    store = open_store(path)
    init_store(store, "001", "Bench Store", "2468")
    device_id = store.identity.device_id
    store.close()
    print(f"building {members:,} members and {entries:,} entries in {path} ...", flush=True)
    _bulk_load(path, members, entries, device_id)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def percentile(samples_ms: list[float], pct: float) -> float:
    ordered = sorted(samples_ms)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def timed(call, count: int) -> list[float]:
    samples = []
    for index in range(count):
        started = time.perf_counter_ns()
        call(index)
        samples.append((time.perf_counter_ns() - started) / 1e6)
    return samples


def settle(store) -> None:
    """Wait for the idle-time checkpoint to copy the WAL back (what happens between customers)."""
    with sqlite3.connect(store.db.path, timeout=30) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def raw_durable_insert(directory: Path) -> tuple[sqlite3.Connection, Callable[[int], None]]:
    """A fresh sqlite3 file beside the store (WAL, synchronous=FULL) and the raw durable two-row insert."""
    path = directory / "raw-insert.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, entry_id TEXT UNIQUE, delta INTEGER)")

    def insert(_: int) -> None:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO t(entry_id, delta) VALUES (?, 1)", (str(uuid.uuid4()),))
        raw.execute("INSERT INTO t(entry_id, delta) VALUES (?, 2)", (str(uuid.uuid4()),))
        raw.execute("COMMIT")

    return raw, insert


def timed_alternately(first: Callable[[int], None], second: Callable[[int], None], count: int,
                      before_first: Callable[[int], None] | None = None) -> tuple[list[float], list[float]]:
    """Both calls `count` times, one after the other in turn: the machine's load (other processes, the
    disk's own state) weighs on both alike, so their ratio holds where each figure alone moves.
    `before_first` runs untimed before each `first`: what the till does before the moment measured."""
    a, b = [], []
    for index in range(count):
        if before_first is not None:
            before_first(index)
        for call, samples in ((first, a), (second, b)):
            started = time.perf_counter_ns()
            call(index)
            samples.append((time.perf_counter_ns() - started) / 1e6)
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--data", type=Path, default=REPO / "bench-data")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=1, help="several runs print the median checkout ratio")
    args = parser.parse_args()
    path = bench_file(args.data, args.members, args.entries)
    build(path, args.members, args.entries, args.rebuild)
    # the same members every run: a run's figures then differ by the machine alone, not by which pages of the
    # file another run's members left in the OS cache
    ratios = [measure(args, path) for _ in range(args.runs)]
    if args.runs > 1:
        print(f"\nmedian over {args.runs} runs: checkout p99 = {statistics.median(ratios):.2f}x the raw insert's p99 "
              f"(runs: {', '.join(f'{r:.2f}' for r in ratios)})  target <= 3.0x  "
              f"{'PASS' if statistics.median(ratios) <= 3.0 else 'MISS'}")


def measure(args: argparse.Namespace, path: Path) -> float:
    """One run: the figures printed, and the checkout's p99 as a multiple of the raw insert's p99."""
    store = open_store(path)
    rng = random.Random(7)
    card_nos = [make_card_no("001", 1, rng.randint(1, args.members)) for _ in range(args.count)]
    phones = [f"13{rng.randint(1, args.members):09d}" for _ in range(args.count)]
    for warm in range(50):  # first touches load pages from disk; the till is warm after its first minutes
        show_member(store, card_nos[warm])
    sales = [SaleRequest(card_nos[i], rng.randint(100, 50000)) for i in range(args.count)]
    fresh = random.Random()  # other members each run, so that they are cold in every run
    cold = [SaleRequest(make_card_no("001", 1, fresh.randint(1, args.members)), fresh.randint(100, 50000))
            for _ in range(args.count // 4)]
    raw_conn, raw_insert = raw_durable_insert(args.data)

    def scan_and_type(i: int) -> None:  # at the till: the card is scanned, then the bill is typed and quoted
        show_member(store, sales[i].code)
        quote_sale(store, sales[i])

    checkouts, raw = timed_alternately(lambda i: commit_sale(store, sales[i]), raw_insert, args.count,
                                       before_first=scan_and_type)
    cold_checkouts, cold_raw = timed_alternately(lambda i: commit_sale(store, cold[i]), raw_insert, len(cold))
    raw_conn.close()
    # The till checkpoints its WAL in idle moments (storage/engine.py); 2,000 back-to-back sales leave ~80 MB
    # of WAL that a real till, selling every half minute, never builds up. Let it settle as between customers.
    settle(store)
    # name, samples, target p99 in ms, the raw inserts timed alternately with them, target p99 as a multiple of
    # those inserts' p99 (None: the ratio is shown for comparison)
    figures = [
        ("checkout commit", checkouts, 3.0, raw, 3.0),
        ("  cold member (info)", cold_checkouts, None, cold_raw, None),
        ("lookup by card number", timed(lambda i: show_member(store, card_nos[i]), args.count), 1.0, None, None),
        ("lookup by phone", timed(lambda i: show_member(store, phones[i]), args.count), 1.0, None, None),
    ]
    store.close()
    raw_p99 = percentile(raw, 99)
    print(f"\nstore: {args.members:,} members, {args.entries:,} ledger entries; {args.count} samples each")
    print(f"{'figure':24} {'p50 ms':>8} {'p99 ms':>8} {'target p99':>11} {'result':>6}  {'x raw p99':>9} "
          f"{'target':>7} result")
    for name, samples, target, beside, ratio_target in figures:
        p99 = percentile(samples, 99)
        absolute = f"{'<= ' + str(target):>11} {'PASS' if p99 <= target else 'MISS':>6}" if target else f"{'':>18}"
        ratio = ""
        if beside is not None:
            times = p99 / percentile(beside, 99)
            ratio = (f"{times:9.2f} {'<= ' + format(ratio_target, '.1f'):>7} {'PASS' if times <= ratio_target else 'MISS'}"
                     if ratio_target else f"{times:9.2f}  (its own raw p99 {percentile(beside, 99):.3f})")
        print(f"{name:24} {statistics.median(samples):8.3f} {p99:8.3f} {absolute}  {ratio}")
    print(f"{'raw sqlite3 2-row insert':24} {statistics.median(raw):8.3f} {raw_p99:8.3f}   "
          f"(alternating with the checkouts)  load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    return percentile(checkouts, 99) / raw_p99


if __name__ == "__main__":
    main()
