"""The chain benchmark's data (tests/bench/chain_data.py) at a tiny scale: what it generates is what HQ and
the tills could hold. Every entry passes HQ's own checks, card numbers carry their Luhn digit, numbers are
unique, sales and their entries agree, balances are the sums of the entries, and a second start reuses the
cached data instead of generating it again."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_member.domain.cardno import luhn_check_digit
from pos_member.domain.validate import CEILING_LIMITS, check_entry, is_uuid
from tests.bench import chain_data

ENTRY_FIELDS = ("entry_id", "local_seq", "member_uuid", "account", "kind", "delta", "staff_id", "sale_id",
                "ref_id", "rules_version", "business_time", "note", "expires_on")


@pytest.fixture
def cache() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="pos-chain-test-"))
    os.chmod(path, 0o755)  # the cluster runs as `postgres`, which must reach its data dir below
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_generated_chain_is_what_hq_could_hold_and_is_reused(cache: Path):
    import psycopg

    cluster, scale = chain_data.cached_cluster(0.0002, cache)
    try:
        with psycopg.connect(cluster.dsn()) as conn:
            def one(sql: str) -> tuple:
                return conn.execute(sql).fetchone()

            assert one("SELECT count(*) FROM members")[0] == scale.members
            assert one("SELECT count(*) FROM member_sales")[0] == scale.sales
            assert one("SELECT count(*), count(DISTINCT entry_id), max(seq) FROM entries") == (
                scale.entries, scale.entries, scale.entries)
            assert one("SELECT count(DISTINCT member_no) FROM members")[0] == scale.members
            assert one("SELECT count(DISTINCT code) FROM stores")[0] == chain_data.STORES
            for (card_no,) in conn.execute("SELECT card_no FROM cards"):
                assert card_no[-1] == luhn_check_digit(card_no[:-1]), card_no
            rng = random.Random(3)
            bodies = [f"{rng.randrange(10**12):012d}" for _ in range(200)]  # any digit at any position
            values = ", ".join(f"('{body}')" for body in bodies)
            for body, digit in conn.execute(f"SELECT body, {chain_data._luhn_of_body()} FROM (VALUES {values}) "
                                            "AS v(body)"):
                assert digit == luhn_check_digit(body), body
            now = datetime(2026, 12, 1, tzinfo=UTC)
            for row in conn.execute(f"SELECT {', '.join(ENTRY_FIELDS)} FROM entries"):
                entry = dict(zip(ENTRY_FIELDS, row, strict=True))
                check_entry(entry, CEILING_LIMITS, now, typed=True)
                assert is_uuid(entry["member_uuid"]) and is_uuid(entry["entry_id"])
            assert one("SELECT count(*) FROM entries e LEFT JOIN members m ON m.uuid = e.member_uuid "
                       "WHERE m.uuid IS NULL")[0] == 0
            assert one("SELECT count(*) FROM entries e JOIN member_sales s ON s.sale_id = e.sale_id "
                       "WHERE s.member_uuid <> e.member_uuid OR s.store_code <> e.store_code")[0] == 0
            assert one("SELECT count(*) FROM members m WHERE points <> (SELECT coalesce(sum(delta), 0) "
                       "FROM entries e WHERE e.member_uuid = m.uuid AND e.account = 'points')")[0] == 0
            kinds = {kind for (kind,) in conn.execute("SELECT DISTINCT kind FROM entries")}
            assert {"earn", "redeem", "spend", "expire", "topup", "bonus", "adjust", "refund"} <= kinds
            months = one("SELECT count(DISTINCT substr(business_time, 1, 7)) FROM entries")[0]
            assert months == 13
            conn.execute("INSERT INTO hq_settings (key, value) VALUES ('marker', 'kept')")
            conn.commit()
    finally:
        cluster.stop()
    again, _ = chain_data.cached_cluster(0.0002, cache)  # from the cache: the marker is still there
    try:
        with psycopg.connect(again.dsn()) as conn:
            assert conn.execute("SELECT value FROM hq_settings WHERE key = 'marker'").fetchone() == ("kept",)
    finally:
        again.stop()
