"""A chain's worth of HQ data on PostgreSQL for the chain benchmarks (issue 11 point 9), cached between runs.

    python -m tests.bench.chain_data [--scale 1.0] [--cache /var/tmp/pos-chain] [--rebuild] [--keep-others]

At --scale 1: 30 stores (two tills each), 1,000,000 members with a card each, 3,000,000 sales and 10,000,000
ledger entries over 13 months (2025-11-01 .. 2026-11-30), written for HQ's schema at BASE_REVISION; HQ's later
migrations then run over the loaded rows (`pos-hq migrate`, sync.hq.db.upgrade), so what they add and
backfill (roll-ups, say) is filled as on a live HQ. The rows are made by PostgreSQL itself (INSERT .. SELECT
over generate_series: no row crosses the wire, which is several times faster than COPY from Python) into
tables emptied in the same transaction with their indexes dropped; wal_level=minimal then writes no WAL for
them, and the indexes are built once at the end. Every figure is a pure function of the row number (a
multiplicative hash), so two builds at one scale hold the same data.

Shape: a member belongs to a home store and the till that registered them; 80% of a store's sales are its own
members'. A sale carries an earn entry (points ~ yuan paid, lot expiring at the end of the next year), often a
redeem and a stored-value spend; the rest of the entries are expiries, top-ups with their bonus, manual
adjustments and refunds. Members' balances are the sums of their entries, as HQ keeps them (the sums of
generated entries, not replayed through the till's rules: some go below zero). Then, at head,
tests.bench.chain_docs derives from the entries what the pushes would have left beside them: the sale and
refund documents with their lines, member_sales, daily_sales, top-ups, and the settlement (HQ's own
catch-up). Not generated: LEFT_EMPTY_ON_PURPOSE (the change feed, audit heads, rules versions: HQ falls back
to its ceilings; coupons, holds). Any other table still empty at the end is listed, to be filled here.

Cache: a PostgreSQL data directory under --cache, keyed by the scale and a digest of this generator and
HQ's migrations (any schema change builds anew). `cached_cluster(scale)` starts it (building it first if it is
missing or was left half built) and returns a running cluster; stop it with .stop() (the data stays).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.hq import db
from tests.bench import chain_docs
from tests.sync.pg import PG_BIN, PgCluster, free_port

DEFAULT_CACHE = Path("/var/tmp/pos-chain")
MIGRATIONS = Path(__file__).resolve().parents[2] / "sync" / "hq" / "migrations" / "versions"
STORES = 30
TILLS_PER_STORE = 2
FULL = {"members": 1_000_000, "sales": 3_000_000, "entries": 10_000_000}
FIRST_DAY = "2025-11-01"
DAYS = 395  # 13 months: through 2026-11-30
READY = "READY"
# The HQ schema revision the generator writes its rows for; HQ's later migrations then run over them.
BASE_REVISION = "0006"


@dataclass(frozen=True)
class Scale:
    members: int
    sales: int
    entries: int

    @classmethod
    def of(cls, factor: float) -> Scale:
        return cls(*(max(STORES * TILLS_PER_STORE, int(FULL[name] * factor)) for name in ("members", "sales",
                                                                                              "entries")))


def schema_digest() -> str:
    """HQ's migrations and this generator: a change to either is another data set."""
    digest = hashlib.sha256(Path(__file__).read_bytes() + Path(chain_docs.__file__).read_bytes())
    for path in sorted(MIGRATIONS.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


# ---- the cluster kept between runs --------------------------------------------------------------------------

class CachedCluster(PgCluster):
    """A PgCluster whose data directory stays under the cache between runs (stop() keeps it)."""

    def __init__(self, base: Path) -> None:
        super().__init__(fsync=True)
        shutil.rmtree(self.base, ignore_errors=True)  # PgCluster made a temp dir we do not use
        self.base = base
        self.data = base / "data"

    def start(self) -> CachedCluster:
        self.base.mkdir(parents=True, exist_ok=True)
        if self._as_root:
            shutil.chown(self.base, "postgres", "postgres")
        os.chmod(self.base, 0o700)
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                      "--locale", "C", "--no-sync")
        self.port = free_port()
        # minimal WAL: a table filled in the transaction that emptied it writes no WAL (the bulk load); the
        # memory settings are a modest HQ server's (the machine has ~23 GB); durable commits as in production
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=100 "
                   "-c wal_level=minimal -c max_wal_senders=0 -c shared_buffers=2GB -c work_mem=64MB "
                   "-c maintenance_work_mem=1GB -c max_wal_size=8GB -c effective_cache_size=8GB "
                   "-c max_parallel_workers_per_gather=2")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def dsn(self, database: str = "hq") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"


def cache_dir(cache: Path, scale: Scale) -> Path:
    return cache / f"m{scale.members}-s{scale.sales}-e{scale.entries}-{schema_digest()}"


def cached_cluster(factor: float, cache: Path = DEFAULT_CACHE, rebuild: bool = False,
                   keep_others: bool = False) -> tuple[CachedCluster, Scale]:
    """A running cluster holding database `hq` at this scale, built now if it is not cached (and, unless
    keep_others, other cached builds deleted first: each full one takes several GB)."""
    scale = Scale.of(factor)
    base = cache_dir(cache, scale)
    if rebuild or not (base / READY).exists():
        if base.exists():
            _remove(base)
        if not keep_others and cache.exists():
            for other in cache.iterdir():
                print(f"removing the other cached build {other}", flush=True)
                _remove(other)
        cluster = CachedCluster(base).start()
        try:
            build(cluster, scale)
        except BaseException:
            cluster.stop()
            raise
        (base / READY).write_text(f"{scale}\n")
        return cluster, scale
    return CachedCluster(base).start(), scale


def _remove(base: Path) -> None:
    pid = base / "data" / "postmaster.pid"
    if pid.exists():  # a cluster left running by a killed run
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(base / "data"),
                        "-m", "immediate", "-w", "stop"] if os.geteuid() == 0 else
                       [str(PG_BIN / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


# ---- the rows ---------------------------------------------------------------------------------------------------

# h(x, k): a multiplicative hash of row number x, 0 .. 2^31-1, one stream per odd constant k
_FUNCTIONS = """
CREATE FUNCTION pg_temp.h(x bigint, k bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ((x * k) # ((x * k) >> 15)) & 2147483647 $$;
CREATE FUNCTION pg_temp.code(store int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT lpad(store::text, 3, '0') $$;
CREATE FUNCTION pg_temp.device(store int, till int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT md5('device ' || store || ' ' || till)::uuid::text $$;
CREATE FUNCTION pg_temp.uid(n bigint, kind int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT lpad(to_hex(pg_temp.h(n, 1299700 + kind)), 8, '0') || '-0000-4000-800' || kind || '-'
                 || lpad(to_hex(n), 12, '0') $$;
CREATE FUNCTION pg_temp.member_uuid(m bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT pg_temp.uid(m, 1) $$;
CREATE FUNCTION pg_temp.at(n bigint, total bigint, jitter bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE
    PARALLEL SAFE AS $$ SELECT timestamp '{first}' + ((n - 1) * {days} / total) * interval '1 day'
                                + (32400 + jitter % 43200) * interval '1 second' $$;
CREATE FUNCTION pg_temp.iso(t timestamp) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT replace(t::text, ' ', 'T') || '+08:00' $$;
CREATE FUNCTION pg_temp.luhn(body text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((10 - sum(CASE WHEN (length(body) - i) % 2 = 0
                           THEN (substr(body, i, 1)::int * 2) % 10 + (substr(body, i, 1)::int * 2) / 10
                           ELSE substr(body, i, 1)::int END) % 10) % 10)::text
    FROM generate_series(1, length(body)) AS i $$;
CREATE FUNCTION pg_temp.joined(m bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT timestamp '2022-01-01' + (pg_temp.h(m, 15485863) % (1400 * 86400)) * interval '1 second' $$;
-- the member a sale is made for: 80% one of the store's own members (home store = m % 30), else anyone
CREATE FUNCTION pg_temp.buyer(s bigint, store int, members bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
    PARALLEL SAFE AS $$ SELECT CASE WHEN pg_temp.h(s, 40503) % 100 < 80
        THEN (pg_temp.h(s, 97861) % ((members - store) / {stores} + 1)) * {stores} + store
        ELSE pg_temp.h(s, 97861) % members + 1 END $$;
"""

# A member m: home store (m-1) % 30 + 1, registered by till ((m-1)/30) % 2 + 1 as its k-th member.
_MEMBERS = """
INSERT INTO members (uuid, member_no, home_store, name, phone, birthday, tier_code, tier_reached_on, status,
                     created_at, updated_at, points, stored_paid_fen, stored_bonus_fen, changed_by)
SELECT pg_temp.member_uuid(m), 'M' || pg_temp.code(st) || lpad(till::text, 2, '0') || lpad(k::text, 6, '0'),
       pg_temp.code(st), 'Member ' || m, '13' || lpad(m::text, 9, '0'),
       to_char(date '1950-01-01' + (pg_temp.h(m, 7919) % 20000)::int, 'YYYY-MM-DD'),
       (ARRAY['standard','silver','gold','diamond'])[CASE WHEN m % 100 < 86 THEN 1 WHEN m % 100 < 96 THEN 2
                                                          WHEN m % 100 < 99 THEN 3 ELSE 4 END],
       to_char(joined, 'YYYY-MM-DD'), 'active', pg_temp.iso(joined), pg_temp.iso(joined), 0, 0, 0,
       pg_temp.device(st, till)
FROM (SELECT m, ((m - 1) % {stores} + 1)::int AS st, (((m - 1) / {stores}) % {tills} + 1)::int AS till,
             (m - 1) / ({stores} * {tills}) + 1 AS k,
             pg_temp.joined(m) AS joined
      FROM generate_series(1, {members}::bigint) AS m) AS g
"""

_CARDS = """
INSERT INTO cards (card_no, member_uuid, version, card_type, status, issued_at, expires_on, replaced_by,
                   updated_at)
SELECT body || {luhn_body}, pg_temp.member_uuid(m), 1,
       CASE WHEN m % 50 = 0 THEN 'vip' ELSE 'standard' END, 'active', issued, NULL, NULL, issued
FROM (SELECT m, pg_temp.code(((m - 1) % {stores} + 1)::int) || lpad((((m - 1) / {stores}) % {tills} + 1)::text, 2, '0')
             || lpad(((m - 1) / ({stores} * {tills}) + 1)::text, 7, '0') AS body, pg_temp.iso(pg_temp.joined(m)) AS issued
      FROM generate_series(1, {members}::bigint) AS m OFFSET 0) AS g
"""

# Sale s: in time order over the 13 months, at a store and till, for a member (pg_temp.buyer).
_SALE = """SELECT s, st, till, pg_temp.buyer(s, st, {members}::bigint) AS m,
                  pg_temp.at(s, {sales}::bigint, pg_temp.h(s, 2654435761)) AS t
           FROM (SELECT s, (pg_temp.h(s, 2246822519) % {stores} + 1)::int AS st,
                        (pg_temp.h(s, 3266489917) % {tills} + 1)::int AS till
                 FROM generate_series(1, {sales}::bigint) AS s) AS g0"""

# Entry i belongs to sale s, the sale at the same point in time (3.3 entries a sale at full scale), as its
# j-th entry (OFFSET 0 keeps each level a row of its own: flattened, every use of `kind` repeats its whole
# CASE tree and the query ran ten times slower): j = 0 the earn (a point a yuan paid); j = 1 a stored-value spend (six sales in ten: stored-value
# customers) or a points redeem; j = 2 the bonus part of the stored-value spend. Any further entry of the
# sale's time slot is the member's own: an expiry, a top-up and its bonus, an adjustment, or a refund (at the
# sale's store, of the sale).
_ENTRIES = """
INSERT INTO entries (seq, entry_id, device_id, local_seq, store_code, member_uuid, account, kind, delta,
                     staff_id, sale_id, ref_id, rules_version, business_time, note, expires_on, payload_hash,
                     received_at)
SELECT i, pg_temp.uid(i, 3), pg_temp.device(st, till), i, pg_temp.code(st), pg_temp.member_uuid(m),
       CASE WHEN kind IN ('topup', 'spend') THEN 'stored_paid' WHEN kind IN ('bonus', 'spend_bonus')
            THEN 'stored_bonus' ELSE 'points' END,
       CASE WHEN kind = 'spend_bonus' THEN 'spend' ELSE kind END,
       CASE kind WHEN 'earn' THEN (500 + pg_temp.h(s, 668265263) % 50000) / 100 WHEN 'redeem' THEN -(100 + r % 300)
                 WHEN 'spend' THEN -(100 + r % 30000) WHEN 'spend_bonus' THEN -(10 + r % 3000)
                 WHEN 'expire' THEN -(1 + r % 800) WHEN 'topup' THEN 10000 * (1 + r % 30)
                 WHEN 'bonus' THEN 1000 * (1 + r % 50)
                 WHEN 'adjust' THEN (CASE WHEN r % 3 = 0 THEN -1 ELSE 1 END) * (1 + r % 200)
                 ELSE 1 + r % 300 END,
       1 + r % 5, CASE WHEN located THEN pg_temp.uid(s, 2) END, NULL, 1,
       pg_temp.iso(t), CASE WHEN kind = 'adjust' THEN 'goodwill' END,
       CASE WHEN kind = 'earn' THEN (extract(year FROM t)::int + 2)::text || '-01-01' END,
       repeat(md5(i::text), 2), pg_temp.iso(t)
FROM (SELECT g2.*,
             CASE WHEN located THEN sale.st ELSE ((other - 1) % {stores} + 1)::int END AS st,
             CASE WHEN located THEN sale.till ELSE (r % {tills} + 1)::int END AS till,
             CASE WHEN located THEN sale.m ELSE other END AS m,
             CASE WHEN located THEN sale.t ELSE pg_temp.at(i, {entries}::bigint, r) END AS t
      FROM (SELECT g1.*, kind IN ('earn', 'redeem', 'spend', 'spend_bonus', 'refund') AS located
            FROM (SELECT i, s, r, other,
                         CASE WHEN j = 0 THEN 'earn' WHEN j = 1 AND u < 6 THEN 'spend' WHEN j = 1 THEN 'redeem'
                              WHEN j = 2 AND u < 6 THEN 'spend_bonus' WHEN pick < 40 THEN 'expire'
                              WHEN pick < 70 THEN 'topup' WHEN pick < 85 THEN 'bonus' WHEN pick < 93 THEN 'adjust'
                              ELSE 'refund' END AS kind
                  FROM (SELECT i, s, pg_temp.h(i, 1103515245) AS r, pg_temp.h(i, 2246822531) % 100 AS pick,
                               pg_temp.h(s, 12345701) % 10 AS u,
                               i - (((s - 1) * {entries}::bigint + {sales}::bigint - 1) / {sales}::bigint + 1) AS j,
                               pg_temp.h(i, 2654435769) % {members}::bigint + 1 AS other
                        FROM (SELECT i, (i - 1) * {sales}::bigint / {entries}::bigint + 1 AS s
                              FROM generate_series(1, {entries}::bigint) AS i) AS g0 OFFSET 0) AS g0b OFFSET 0) AS g1
            OFFSET 0) AS g2
      CROSS JOIN LATERAL ({sale_one}) AS sale OFFSET 0) AS g
""".replace("{sale_one}", _SALE.replace("generate_series(1, {sales}::bigint) AS s", "(SELECT g2.s) AS one(s)"))

_BALANCES = """
UPDATE members SET points = b.points, stored_paid_fen = b.paid, stored_bonus_fen = b.bonus
FROM (SELECT member_uuid, coalesce(sum(delta) FILTER (WHERE account = 'points'), 0) AS points,
             coalesce(sum(delta) FILTER (WHERE account = 'stored_paid'), 0) AS paid,
             coalesce(sum(delta) FILTER (WHERE account = 'stored_bonus'), 0) AS bonus
      FROM entries GROUP BY member_uuid) AS b
WHERE members.uuid = b.member_uuid
"""

_STORES_AND_DEVICES = """
INSERT INTO stores (code, name, created_at)
SELECT pg_temp.code(st), 'Store ' || st, '2022-01-01T09:00:00+08:00' FROM generate_series(1, {stores}) AS st;
INSERT INTO devices (device_id, store_code, device_no, token_hash, enrolled_at, revoked_at, contiguous_through,
                     last_seen)
SELECT pg_temp.device(st, till), pg_temp.code(st), till, encode(sha256(('token ' || st || ' ' || till)::bytea), 'hex'),
       '2022-01-01T09:00:00+08:00', NULL, 0, '2026-11-30T21:00:00+08:00'
FROM generate_series(1, {stores}) AS st, generate_series(1, {tills}) AS till;
"""

# table -> its generator, in load order; the values are SQL run with the scale's figures
TABLES: dict[str, str] = {
    "stores": "", "devices": _STORES_AND_DEVICES, "members": _MEMBERS, "cards": _CARDS, "entries": _ENTRIES,
}
# Not generated: the change feed, flags, rules, audit heads; coupons and campaigns (the generated sales use
# none), card fees, spending holds (open only while a sale is in progress), settlement rates (the chain
# default applies). member_sales and the documents are chain_docs', at head.
LEFT_EMPTY_ON_PURPOSE = {"changes", "quarantine", "flags", "flag_events", "rules", "job_runs", "audit_heads",
                         "enrol_codes", "hq_settings", "feed_counter", "alembic_version", "coupons", "coupon_uses",
                         "campaigns", "card_fees", "holds", "settlement_rates"}


def build(cluster: CachedCluster, scale: Scale, log: Callable[[str], None] = print) -> None:
    import psycopg

    started = time.perf_counter()
    cluster.admin("CREATE DATABASE hq")
    engine = db.make_engine(cluster.url("hq"))
    _migrate(engine, BASE_REVISION)  # the schema these INSERTs are written for
    with psycopg.connect(cluster.dsn()) as conn:
        conn.execute("SET jit = off")  # compiling these long expressions took longer than running them
        for statement in _statements(_FUNCTIONS, scale, expand=False):
            conn.execute(statement)
        conn.commit()
        # one transaction: the tables are emptied and filled in it, so with wal_level=minimal the rows are
        # written once, to the tables, and fsynced at commit (no WAL); indexes are built after
        names = list(TABLES)
        conn.execute(f"TRUNCATE {', '.join(names)}")
        kept = _drop_indexes(conn, names)
        for name, sql in [*TABLES.items(), ("balances", _BALANCES)]:
            step = time.perf_counter()
            for statement in _statements(sql, scale) if sql else []:
                conn.execute(statement)
            log(f"  {name:<14} {time.perf_counter() - step:7.1f} s")
        conn.execute("UPDATE feed_counter SET value = %s WHERE id = 1", (scale.entries,))
        conn.commit()
        step = time.perf_counter()
        for sql in kept:
            conn.execute(sql)
        conn.commit()
        log(f"  {'indexes':<14} {time.perf_counter() - step:7.1f} s")
    # Later migrations (roll-ups, new columns, tables derived from these) now run over the loaded rows, as
    # they would on a live HQ upgraded to this version: their backfills fill what they add.
    step = time.perf_counter()
    db.upgrade(engine)  # what `pos-hq migrate` does
    log(f"  {'migrate':<14} {time.perf_counter() - step:7.1f} s  (to head, from {BASE_REVISION})")
    # what the pushes would have left beside the ledger: documents, roll-ups, the settlement (chain_docs)
    with psycopg.connect(cluster.dsn()) as conn:
        chain_docs.load_documents(conn, _drop_indexes, log)
    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) entries, sales, member_sales, settle_state")
    chain_docs.attribute_settlement(engine, log)
    engine.dispose()
    with psycopg.connect(cluster.dsn()) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for name in tables:
            if name not in LEFT_EMPTY_ON_PURPOSE and not conn.execute(
                    f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]:
                log(f"note: HQ's table {name} is empty: add its rows to chain_data.TABLES (or a migration's "
                    "backfill)")
    with psycopg.connect(cluster.dsn("hq"), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        conn.execute("CHECKPOINT")
        size = conn.execute("SELECT pg_size_pretty(pg_database_size('hq'))").fetchone()[0]
    log(f"built {scale.members:,} members, {scale.sales:,} sales, {scale.entries:,} entries in "
        f"{time.perf_counter() - started:.0f} s ({size})")


# Function calls in PostgreSQL's pg_temp are not inlined (pg_temp.member_uuid cost 11 us a row, its body
# 2 us): in the statements for many rows the cheap ones are written out, with the same bodies as above.
_MACROS = [
    (re.compile(r"pg_temp\.member_uuid\((\w+)\)"), r"pg_temp.uid(\1, 1)"),
    (re.compile(r"pg_temp\.uid\((\w+), (\d)\)"),
     r"(lpad(to_hex(pg_temp.h(\1, 129970\2)), 8, '0') || '-0000-4000-800\2-' || lpad(to_hex(\1), 12, '0'))"),
    (re.compile(r"pg_temp\.h\((\w+), (\d+)\)"), r"(((\1 * \2) # ((\1 * \2) >> 15)) & 2147483647)"),
    (re.compile(r"pg_temp\.iso\((\w+)\)"), r"(replace(\1::text, ' ', 'T') || '+08:00')"),
    (re.compile(r"pg_temp\.device\((\w+), (\w+)\)"), r"({devices})[(\1 - 1) * {tills} + \2]"),
    (re.compile(r"pg_temp\.code\((\w+)\)"), r"lpad(\1::text, 3, '0')"),
]


def _luhn_of_body(digits: int = 12) -> str:
    """pg_temp.luhn(body) written out for a body of `digits` digits (card numbers: store 3, till 2, seq 7):
    the function, a set-returning subquery a row, took most of the cards' time."""
    terms = []
    for position in range(1, digits + 1):
        digit = f"substr(body, {position}, 1)::int"
        doubled = (digits - position) % 2 == 0  # pos_member.domain.cardno.luhn_check_digit
        terms.append(f"(2 * {digit}) % 10 + (2 * {digit}) / 10" if doubled else digit)
    return f"((10 - ({' + '.join(terms)}) % 10) % 10)::text"


def _device_ids() -> str:
    ids = [str(uuid.UUID(hashlib.md5(f"device {store} {till}".encode()).hexdigest()))
           for store in range(1, STORES + 1) for till in range(1, TILLS_PER_STORE + 1)]
    return "ARRAY[" + ", ".join(f"'{i}'" for i in ids) + "]"


def _migrate(engine: Any, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    with db.write(engine) as conn:
        config = Config()
        config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def _statements(sql: str, scale: Scale, expand: bool = True) -> list[str]:
    if expand:
        for pattern, body in _MACROS:
            sql = pattern.sub(body, sql)
    sql = sql.format(stores=STORES, tills=TILLS_PER_STORE, members=scale.members, sales=scale.sales,
                     entries=scale.entries, first=FIRST_DAY, days=DAYS, devices=_device_ids(),
                     luhn_body=_luhn_of_body())
    return [part.strip() for part in sql.split(";\n") if part.strip()]


def _drop_indexes(conn, tables: list[str]) -> list[str]:
    """Drop the tables' indexes and key constraints; return the SQL that makes them again (built once over
    the loaded rows, far faster than maintained row by row)."""
    rows = conn.execute("""
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.contype IN ('p', 'u') AND c.conrelid::regclass::text = ANY(%s)""",
                        (tables,)).fetchall()
    again = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in rows]
    for table, name, _ in rows:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    rows = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                        "AND tablename = ANY(%s)", (tables,)).fetchall()
    again += [definition for _, definition in rows]
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--keep-others", action="store_true", help="keep cached builds of other scales")
    args = parser.parse_args()
    started = time.perf_counter()
    cluster, scale = cached_cluster(args.scale, args.cache, args.rebuild, args.keep_others)
    try:
        print(f"ready in {time.perf_counter() - started:.0f} s: {cluster.url('hq')} ({scale})")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
