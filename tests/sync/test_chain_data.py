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


# ---- what the pushes leave beside the ledger (tests.bench.chain_docs) --------------------------------------

_DOC_TABLES = {  # table -> its key columns; payload_hash, received_at and updated_at are the push's own
    "sales": ("sale_id",), "sale_lines": ("sale_id", "line_no"), "refunds": ("refund_id",),
    "refund_lines": ("refund_id", "line_no"), "member_sales": ("sale_id",), "daily_sales": ("store_code", "day"),
    "topups": ("topup_id",), "ledger_daily": ("day", "store_code", "account", "kind"),
    "liability_daily": ("day", "home_store", "account", "kind")}
_SETTLE_TABLES = ("settle_lots", "settle_takes", "settle_deficits", "settle_daily", "settle_ledger_daily",
                  "settle_state")
_PUSH_OWN = {"payload_hash", "received_at", "updated_at"}


def _rows(conn, table: str) -> list[dict]:
    from sqlalchemy import text

    result = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
    return sorted(({k: v for k, v in row._mapping.items() if k not in _PUSH_OWN} for row in result),
                  key=lambda row: [str(row[k]) for k in sorted(row)])


def _stored_again(conn) -> dict[str, list[dict]]:
    """Empty the derived tables, then store every generated document and entry again through HQ's own code
    (sync.hq.documents.store_document, sync.hq.rollups.add_entries) and read what it made."""
    from sqlalchemy import text

    from sync import protocol as p
    from sync.hq import documents, rollups
    from sync.hq.service import Device

    def fetch(sql: str) -> list[dict]:
        return [dict(row._mapping) for row in conn.execute(text(sql))]

    sales, refunds, topups = fetch("SELECT * FROM sales ORDER BY business_time, sale_id"), fetch(
        "SELECT * FROM refunds ORDER BY business_time, refund_id"), fetch("SELECT * FROM topups")
    lines: dict[str, list[dict]] = {}
    for line in fetch("SELECT * FROM sale_lines ORDER BY sale_id, line_no"):
        lines.setdefault(line.pop("sale_id"), []).append(line)
    refund_lines: dict[str, list[dict]] = {}
    for line in fetch("SELECT * FROM refund_lines ORDER BY refund_id, line_no"):
        line.pop("sale_id")
        refund_lines.setdefault(line.pop("refund_id"), []).append(line)
    entries = fetch("SELECT * FROM entries ORDER BY seq")
    homes = {row["uuid"]: row["home_store"] for row in fetch("SELECT uuid, home_store FROM members")}
    for table in _DOC_TABLES:
        conn.execute(text(f"DELETE FROM {table}"))
    moment, now = datetime(2026, 12, 1, tzinfo=UTC), "2026-12-01T00:00:00+00:00"
    own = {"store_code", "device_id", "day", "payload_hash", "received_at"}
    for kind, docs, model in (("sale_doc", sales, p.SaleDoc), ("refund", refunds, p.RefundDoc),
                              ("topup", topups, p.TopupDoc)):
        for doc in docs:
            values = {k: v for k, v in doc.items() if k not in own}
            if kind == "sale_doc":
                values["lines"] = lines[doc["sale_id"]]
            elif kind == "refund":
                values["lines"] = refund_lines[doc["refund_id"]]
            record = p.RecordIn(kind=kind, **{kind: model(**values)})
            _, duplicate, _ = documents.store_document(conn, Device(doc["device_id"], doc["store_code"]), record,
                                                       now, moment)
            assert not duplicate
    for offset in range(0, len(entries), 500):
        rollups.add_entries(conn, entries[offset:offset + 500], homes)
    assert conn.execute(text("SELECT count(*) FROM flags")).scalar() == 0  # no double refund, no coupon reuse
    return {table: _rows(conn, table) for table in _DOC_TABLES}


def test_generated_documents_rollups_and_settlement_are_what_hq_makes_of_them(cache: Path):
    """At a small scale every derived table equals what HQ's own code makes of the generated documents and
    entries: the documents stored again one by one as a push stores them, the roll-ups added entry by entry,
    the settlement attributed again from seq 0 (pos-hq settlement rebuild, in smaller batches than the build
    used); and the statement's own check agrees with the ledger."""
    from sync.hq import db
    from sync.hq.report_settlement import settlement_report
    from sync.hq.settle_catchup import rebuild

    cluster, scale = chain_data.cached_cluster(0.0002, cache)
    engine = db.make_engine(cluster.url("hq"))
    try:
        with engine.connect() as conn:
            generated = {table: _rows(conn, table) for table in (*_DOC_TABLES, *_SETTLE_TABLES)}
            conn.rollback()
            assert len(generated["sales"]) == scale.sales and generated["refunds"] and generated["topups"]
            assert generated["settle_state"][0]["through_seq"] == scale.entries and generated["settle_daily"]
            with conn.begin() as transaction:
                again = _stored_again(conn)
                transaction.rollback()
        for table in _DOC_TABLES:
            assert again[table] == generated[table], table
        for year_month in ("2025-11", "2026-10"):
            check = settlement_report(engine, year_month, attribute_first=False, against_ledger=True)["check"]
            assert check["nets_to_zero"] and check["agrees_with_ledger"] and check["entries_scanned_agree"]
        assert rebuild(engine)["through_seq"] == scale.entries
        with engine.connect() as conn:
            for table in _SETTLE_TABLES:
                assert _rows(conn, table) == generated[table], table
    finally:
        engine.dispose()
        cluster.stop()
