"""A push's sale documents stored at once (sync.hq.sale_docs) end as they would one by one
(sync.hq.documents.store_document): the same statuses, reasons and rows, with a duplicate and a changed copy
in the same push, an unknown member and figures that do not add up among them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from pos_member.domain.errors import PosError
from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t
from sync.hq.documents import store_document
from sync.hq.sale_docs import store_sale_docs
from sync.hq.service import Device

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
