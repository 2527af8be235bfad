"""A push's sale documents stored at once (sync.hq.merge.apply_records): the same outcome, record by record,
as sync.hq.documents.store_document, in a few statements for the batch instead of about ten round trips
and a savepoint a sale (which held a push of 500 sales for seconds, far below the raw insert rate).

Every check runs before anything is written, so a rejected sale leaves nothing behind (what the savepoint
of the one-by-one path is for). Sales naming a coupon keep the one-by-one path: their use may raise a flag
and feeds the coupon. A sale twice in one push is stored once; the second is a duplicate (or, with other
figures, a conflict), as one by one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from pos_member.domain.documents import check_sale_figures
from pos_member.domain.errors import InvalidInput, PosError
from pos_member.domain.reasons import Reason
from pos_member.domain.validate import aware_time, is_uuid
from sync import protocol as p
from sync.hq import tables as t
from sync.hq.documents import _day, _roll_up, canonical_json, text_hash
from sync.hq.pg_bulk import among, insert_rows, pg_rows
from sync.hq.service import Device


def bulk_eligible(record: p.RecordIn) -> bool:
    return record.kind == "sale_doc" and record.sale_doc is not None and not record.sale_doc.coupon_code


Daily = dict[tuple[str, str], dict[str, int]]


def store_sale_docs(conn: Connection, device: Device, docs: list[p.SaleDoc], now: str, moment: datetime,
                    daily: Daily | None = None) -> list[tuple[str, bool, PosError | None]]:
    """For each sale document, in order: (sale_id, duplicate?, the problem that rejects it or None). The
    daily_sales figures are rolled up here, or added to `daily` for the caller to roll up (roll_up_daily)."""
    held = dict(conn.execute(select(t.sales.c.sale_id, t.sales.c.payload_hash).where(
        among(conn, t.sales.c.sale_id, sorted({doc.sale_id for doc in docs})))).all())
    uuids = sorted({doc.member_uuid for doc in docs if is_uuid(doc.member_uuid)})
    known = {row[0] for row in conn.execute(select(t.members.c.uuid).where(among(conn, t.members.c.uuid, uuids)))}
    results: list[tuple[str, bool, PosError | None]] = []
    stored: list[tuple[dict[str, Any], str, str]] = []  # (the document's values, its canonical JSON, digest)
    later = daily is not None
    daily = daily if daily is not None else defaultdict(lambda: defaultdict(int))
    for doc in docs:
        dumped = doc.model_dump()  # once: for the fingerprint, the checks and the rows
        canonical = canonical_json(dumped)
        digest = text_hash(canonical)
        try:
            if doc.sale_id in held:
                if held[doc.sale_id] != digest:
                    raise InvalidInput(Reason.DOC_CONFLICT, "sale_id", what="sale", key=doc.sale_id)
                results.append((doc.sale_id, True, None))
                continue
            if not is_uuid(doc.sale_id):
                raise InvalidInput(Reason.ENTRY_BAD_ID, "sale_id", text=doc.sale_id[:40])
            aware_time(doc.business_time, "business_time", moment)
            if doc.member_uuid not in known:
                raise InvalidInput(Reason.ENTRY_UNKNOWN_MEMBER, "member_uuid", member=doc.member_uuid)
            check_sale_figures(dumped, dumped["lines"])
        except PosError as exc:
            results.append((doc.sale_id, False, exc))
            continue
        held[doc.sale_id] = digest
        stored.append((dumped, canonical, digest))
        figures = daily[(device.store_code, _day(doc.business_time))]
        figures["sales_count"] += 1
        for name in ("total_fen", "discount_fen", "coupon_fen", "payable_fen"):
            figures["sales_fen" if name == "total_fen" else name] += dumped[name]
        results.append((doc.sale_id, False, None))
    if stored:
        _insert_sales(conn, device, stored, now)
        if not later:
            roll_up_daily(conn, daily)
        # documents._requalify for a sale just stored: no refund can name it yet (a refund needs its lines)
        _requalify(conn, [{
            "sale_id": s["sale_id"], "member_uuid": s["member_uuid"], "store_code": device.store_code,
            "device_id": device.device_id, "business_time": s["business_time"],
            "qualifying_fen": max(0, s["payable_fen"] + s["stored_paid_fen"] + s["stored_bonus_fen"]),
            "updated_at": now} for s, _, _ in stored])
    return results


_STAMPED = ("store_code", "device_id", "day", "payload_hash", "received_at")  # HQ's, not the till's
_SALE_FIELDS = [c.name for c in t.sales.c if c.name not in _STAMPED]
_LINE_FIELDS = [c.name for c in t.sale_lines.c if c.name != "sale_id"]
# The documents travel as the canonical JSON their fingerprints were taken over, each beside its digest: what
# was encoded once for the fingerprint is not encoded again. PostgreSQL reads each sale's columns out of it
# (json_populate_record, which passes over the `lines` key) and its lines (json_populate_recordset), each
# value by its column's type; `day` is documents._day (the till's own date) in SQL.
_INSERT_SALES_PG = text(
    "WITH x AS (SELECT v->'d' AS d, v->>'h' AS h FROM jsonb_array_elements(CAST(:docs AS jsonb)) AS e(v)), "
    f"s AS (INSERT INTO sales ({', '.join(_SALE_FIELDS)}, {', '.join(_STAMPED)}) "
    f"SELECT {', '.join('r.' + name for name in _SALE_FIELDS)}, :store_code, :device_id, left(r.business_time, 10), "
    "x.h, :now FROM x, jsonb_populate_record(NULL::sales, x.d) AS r) "
    f"INSERT INTO sale_lines (sale_id, {', '.join(_LINE_FIELDS)}) "
    f"SELECT x.d->>'sale_id', {', '.join('l.' + name for name in _LINE_FIELDS)} "
    "FROM x, jsonb_populate_recordset(NULL::sale_lines, x.d->'lines') AS l")


def _insert_sales(conn: Connection, device: Device, stored: list[tuple[dict[str, Any], str, str]], now: str
                  ) -> None:
    if conn.dialect.name == "postgresql":
        docs = ",".join(f'{{"h":"{digest}","d":{canonical}}}' for _, canonical, digest in stored)
        conn.execute(_INSERT_SALES_PG, {"docs": f"[{docs}]", "store_code": device.store_code,
                                        "device_id": device.device_id, "now": now})
        return
    stamped = {"store_code": device.store_code, "device_id": device.device_id, "received_at": now}
    insert_rows(conn, t.sales, [{name: dumped[name] for name in _SALE_FIELDS} | stamped | {
        "day": _day(dumped["business_time"]), "payload_hash": digest} for dumped, _, digest in stored])
    insert_rows(conn, t.sale_lines, [line | {"sale_id": dumped["sale_id"]}
                                     for dumped, _, _ in stored for line in dumped["lines"]])


def roll_up_daily(conn: Connection, daily: Daily) -> None:
    for (store, day), figures in sorted(daily.items()):  # one lock order for every writer
        _roll_up(conn, store, day, **figures)


def store_before_feed_lock(conn: Connection, device: Device, records: list[p.RecordIn], now: str, daily: Daily
                           ) -> tuple[list[p.RecordStatus], list[p.RecordIn]]:
    """The push's sale documents without a coupon whose member HQ holds already, stored before the push takes
    the chain's feed lock: they add nothing to the feed, so they need not wait for it, and the stores' pushes
    then overlap their inserts instead of queueing them (five stores at once were no faster than one). Their
    daily_sales rows are left in `daily`, for the caller to roll up once it holds the feed lock: a refund or a
    coupon sale rolls up under that lock, so taking those rows before it could deadlock with one.
    Returns the statuses and the records left for apply_records (a member in this same push comes first)."""
    eligible = [r for r in records if bulk_eligible(r) and r.sale_doc is not None]
    if not eligible:
        return [], records
    uuids = sorted({r.sale_doc.member_uuid for r in eligible if r.sale_doc and is_uuid(r.sale_doc.member_uuid)})
    known = {row[0] for row in conn.execute(select(t.members.c.uuid).where(among(conn, t.members.c.uuid, uuids)))}
    early = [r for r in eligible if r.sale_doc is not None and r.sale_doc.member_uuid in known]
    if not early:
        return [], records
    done = {id(r) for r in early}
    statuses = [p.RecordStatus(kind="sale_doc", key=key, status="rejected" if problem else
                               "duplicate" if duplicate else "ok", reason=str(problem) if problem else None,
                               code=problem.reason.value if problem else None,
                               params=problem.params if problem else {})
                for key, duplicate, problem in store_sale_docs(
                    conn, device, [r.sale_doc for r in early if r.sale_doc is not None], now,
                    datetime.fromisoformat(now), daily)]
    return statuses, [r for r in records if id(r) not in done]


_MS = ("sale_id", "member_uuid", "store_code", "device_id", "business_time", "qualifying_fen", "updated_at")
_ON_CONFLICT = (" ON CONFLICT (sale_id) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in _MS[1:]))


def _requalify(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if conn.dialect.name == "postgresql":
        select_sql, params = pg_rows(t.member_sales, list(_MS), rows)
        conn.execute(text(f"INSERT INTO member_sales ({', '.join(_MS)}) {select_sql}{_ON_CONFLICT}"), params)
    else:
        conn.execute(text(f"INSERT INTO member_sales ({', '.join(_MS)}) VALUES ({', '.join(':' + c for c in _MS)})"
                          + _ON_CONFLICT), rows)
