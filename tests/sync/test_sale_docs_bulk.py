"""A push's sale documents stored at once (sync.hq.sale_docs) end as they would one by one
(sync.hq.documents.store_document): the same statuses, reasons and rows, with a duplicate and a changed copy
in the same push, an unknown member and figures that do not add up among them. A push of sale documents alone
(sync.hq.push._documents_only) stores them, rolls them up and answers without taking the feed lock."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text

from pos_member.domain.errors import PosError
from sync import protocol as p
from sync.hq import admin, db, intake
from sync.hq import push as hq_push
from sync.hq import tables as t
from sync.hq.documents import store_document
from sync.hq.flags import REJECTED_RECORD
from sync.hq.sale_docs import store_sale_docs
from sync.hq.service import Device, enrol

DEVICE = Device("6f1c2a34-0d7e-4a55-9a0b-1c2d3e4f5a6b", "001")
MEMBER = "0b6f7a3c-5d4e-4f1a-8b2c-3d4e5f6a7b8c"
NOW, MOMENT = "2026-11-24T02:00:00+00:00", datetime(2026, 11, 24, 2, tzinfo=UTC)


def _sale(n: int, **changes: Any) -> p.SaleDoc:
    lines = [{"line_no": 1, "category": "grocery", "amount_fen": 1000 + n, "discount_fen": 100,
              "stored_paid_fen": 200, "points_earned": 7},
             {"line_no": 2, "category": "fresh", "amount_fen": 500}]
    values = {"sale_id": f"00000000-0000-4000-8000-{n:012d}", "receipt_no": f"001-1-{n}", "member_uuid": MEMBER,
              "business_time": f"2026-11-2{n % 3}T10:00:00+08:00", "rules_version": 1, "tier_code": "standard",
              "total_fen": 1500 + n, "discount_fen": 100, "points_redeemed": 0, "points_cash_fen": 0,
              "stored_paid_fen": 200, "stored_bonus_fen": 0, "payable_fen": 1200 + n, "points_earned": 7,
              "lines": lines}
    return p.SaleDoc.model_validate(values | changes)


def _engine(path: Path) -> Any:
    engine = db.make_engine(f"sqlite+pysqlite:///{path}")
    db.upgrade(engine)
    return _with_member(engine)


def _with_member(engine: Engine) -> Engine:
    with db.write(engine) as conn:
        conn.execute(t.members.insert().values(uuid=MEMBER, member_no="M001", home_store="001", name="A",
                                               tier_code="standard", status="active", created_at=NOW, updated_at=NOW))
    return engine


def _docs() -> list[p.SaleDoc]:
    return [_sale(1), _sale(2), _sale(1),  # the same sale twice in one push: once stored, once a duplicate
            _sale(2, payable_fen=1100, total_fen=1402),  # the same id with other figures: a conflict
            _sale(3, member_uuid="0b6f7a3c-5d4e-4f1a-8b2c-000000000000"),  # nobody HQ knows
            _sale(4, total_fen=9999),  # the lines do not add up
            _sale(5, sale_id="not-a-uuid"), _sale(6), _sale(7, business_time="2026-11-24T10:00:00")]


def _tables(engine: Any) -> dict[str, list[tuple]]:
    with db.read(engine) as conn:
        return {name: sorted(tuple(row) for row in conn.execute(text(f"SELECT * FROM {name}")))
                for name in ("sales", "sale_lines", "member_sales", "daily_sales")}


def test_sale_documents_stored_at_once_end_as_one_by_one(tmp_path: Path):
    at_once, one_by_one = _engine(tmp_path / "a.sqlite3"), _engine(tmp_path / "b.sqlite3")
    with db.write(at_once) as conn:
        store_sale_docs(conn, DEVICE, [_sale(1)], NOW, MOMENT)  # held before this push
        bulk = [(key, duplicate, problem.reason.value if problem else None)
                for key, duplicate, problem in store_sale_docs(conn, DEVICE, _docs(), NOW, MOMENT)]
    single = []
    for docs in ([_sale(1)], _docs()):
        for doc in docs:
            with db.write(one_by_one) as conn:
                try:
                    key, duplicate, _ = store_document(conn, DEVICE, p.RecordIn(kind="sale_doc", sale_doc=doc),
                                                       NOW, MOMENT)
                    single.append((key, duplicate, None))
                except PosError as exc:
                    single.append((doc.sale_id, False, exc.reason.value))
    assert bulk == single[1:]
    assert [status for _, _, status in bulk].count(None) == 4  # 1 (duplicate), 2, 1 (duplicate), 6
    assert _tables(at_once) == _tables(one_by_one)
    at_once.dispose()
    one_by_one.dispose()


# ---- a push of sale documents alone (sync.hq.push._documents_only) ----------------------------------------

TOKEN = "token-of-till-1-of-store-001"
HEAD = {"seq": 4, "hash": "ab" * 32}  # the till's audit head, which HQ holds after the first push


def _enrolled(engine: Engine) -> None:
    """Store 001 with its till DEVICE enrolled under TOKEN."""
    code = admin.add_store(engine, "001", "Store 001")["enrolment_code"]
    enrol(engine, p.EnrolRequest(code=code, device_id=DEVICE.device_id, device_no=1, store_code="001",
                                 cards_issued=0, key_fingerprint="0" * 64), TOKEN)


def _push(engine: Engine, body: dict[str, Any]) -> dict[str, Any]:
    """What POST /v1/push does (sync.hq.app), in this process: the body parsed by intake, then HQ's push."""
    parsed = intake.parse_push(json.dumps(body).encode())
    return hq_push.push(engine, TOKEN, parsed.request, parsed.malformed, parsed.refused_records)


def _adjust(local_seq: int) -> dict[str, Any]:
    return {"entry_id": f"00000000-0000-4000-9000-{local_seq:012d}", "local_seq": local_seq, "member_uuid": MEMBER,
            "account": "points", "kind": "adjust", "delta": 5, "rules_version": 1,
            "business_time": "2026-11-24T10:00:00+08:00", "note": "welcome"}


def _record(doc: p.SaleDoc) -> dict[str, Any]:
    return {"kind": "sale_doc", "sale_doc": doc.model_dump(mode="json")}


def _feed_head(engine: Engine) -> int:
    with db.read(engine) as conn:
        return conn.execute(select(t.feed_counter.c.value)).scalar_one()


def test_a_push_of_sale_documents_alone_is_stored_rolled_up_and_flagged_without_the_feed_lock(pg_url: str):
    engine = _with_member(db.make_engine(pg_url))
    try:
        _enrolled(engine)
        # the till's earlier push, through the feed lock: entries 1 and 2, sale 1 and its audit head
        first = _push(engine, {"entries": [_adjust(1), _adjust(2)], "records": [_record(_sale(1))],
                               "audit_head": HEAD})
        assert (first["contiguous_through"], first["audit_head"]) == (2, HEAD | {"accepted": True})
        head = _feed_head(engine)
        malformed = _record(_sale(8))
        malformed["sale_doc"]["total_fen"] = "1508"  # a text for a number: intake refuses this record alone
        body = {"records": [_record(_sale(1)), _record(_sale(2)), _record(_sale(4, total_fen=9999)), malformed]}
        with ThreadPoolExecutor(1) as pool:
            with db.write(engine) as other:
                db.lock_feed(other)  # another till's push holds the feed lock all the while
                pushing = pool.submit(_push, engine, body)
                finished, _ = wait([pushing], timeout=30)
            reply = pushing.result()
        assert finished, "a push of sale documents alone waited for another push's feed lock"

        sale_1, sale_2, sale_4, sale_8 = (f"00000000-0000-4000-8000-{n:012d}" for n in (1, 2, 4, 8))
        # nothing of the feed changed, so the reply repeats what HQ holds for this till: the entries it has
        # all of (2) and its audit head (the push sent none)
        assert {key: value for key, value in reply.items() if key != "records"} == {
            "entries": [], "contiguous_through": 2, "audit_head": HEAD | {"accepted": True}}
        typed = {"reason": None, "code": None, "params": {}}
        assert reply["records"][:2] == [{"kind": "sale_doc", "key": sale_1, "status": "duplicate"} | typed,
                                        {"kind": "sale_doc", "key": sale_2, "status": "ok"} | typed]
        assert [(r["kind"], r["key"], r["status"], r["code"]) for r in reply["records"][2:]] == [
            ("sale_doc", sale_4, "rejected", "doc_figures"), ("sale_doc", sale_8, "rejected", "entry_bad_type")]
        assert _feed_head(engine) == head

        with db.read(engine) as conn:
            sales = sorted(conn.execute(select(t.sales.c.sale_id)).scalars())
            daily = sorted(tuple(row) for row in conn.execute(select(
                t.daily_sales.c.store_code, t.daily_sales.c.day, t.daily_sales.c.sales_count,
                t.daily_sales.c.sales_fen, t.daily_sales.c.discount_fen, t.daily_sales.c.payable_fen)))
            flag = conn.execute(select(t.flags.c.kind, t.flags.c.subject, t.flags.c.store_code,
                                       t.flags.c.detail)).one()
        assert sales == [sale_1, sale_2]
        # sale 1 rolled up by the first push, sale 2 by this one (its own day); the rejected added nothing
        assert daily == [("001", "2026-11-21", 1, 1501, 100, 1201), ("001", "2026-11-22", 1, 1502, 100, 1202)]
        # one flag for the till, naming the first of the records it refused, the documents' checks' before
        # intake's
        assert flag[:3] == (REJECTED_RECORD, DEVICE.device_id, "001")
        assert json.loads(flag.detail) == {"entries_rejected": 0, "records_rejected": 2,
                                           "first_record": f"sale_doc {sale_4}", "first_record_reason": "doc_figures"}
    finally:
        engine.dispose()
