"""GET /v1/sales/{key}: any sale of the chain, by its sale_id or by the receipt number printed on its receipt,
with its lines, the refunds HQ holds against it (each with its lines) and its member's snapshot. Any till
refunds a sale of another till from this answer with the same per-line arithmetic as the till that made it
(pos_member.services.refunds), after HQ has told it what was already refunded elsewhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from pos_member.domain.reasons import Reason
from pos_member.domain.validate import is_uuid
from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t
from sync.hq.service import HQRefused, authenticate

_MEMBER_FEED = ("uuid", "member_no", "home_store", "name", "phone", "birthday", "tier_code", "tier_reached_on",
                "status", "created_at", "updated_at", "merged_into")


_ENTRY_FEED = ("entry_id", "device_id", "local_seq", "store_code", "member_uuid", "account", "kind", "delta",
               "sale_id", "ref_id", "rules_version", "business_time", "note", "expires_on")


def lookup_sale(engine: Engine, token: str | None, key: str) -> p.SaleLookup:
    with db.read(engine) as conn:
        authenticate(conn, token)
        return _lookup(conn, key)


def find_sale(engine: Engine, key: str) -> dict[str, Any]:
    """`pos-hq sale KEY`: the same answer for HQ's operator."""
    try:
        with db.read(engine) as conn:
            return _lookup(conn, key).model_dump()
    except HQRefused as exc:
        raise ValueError(exc.message) from None


def _lookup(conn: Connection, key: str) -> p.SaleLookup:
    key = key.strip()
    where = t.sales.c.sale_id == key.lower() if is_uuid(key) else t.sales.c.receipt_no == key.upper()
    sale = conn.execute(select(t.sales).where(where).limit(2)).all()
    if len(sale) != 1:
        raise HQRefused(404, reason=Reason.DOC_UNKNOWN_SALE, sale=key[:40])
    row = sale[0]
    lines = [dict(r._mapping) for r in conn.execute(select(t.sale_lines).where(
        t.sale_lines.c.sale_id == row.sale_id).order_by(t.sale_lines.c.line_no))]
    refunds: list[dict[str, Any]] = []
    for refund in conn.execute(select(t.refunds).where(t.refunds.c.sale_id == row.sale_id).order_by(
            t.refunds.c.business_time, t.refunds.c.refund_id)):
        shown = {k: v for k, v in refund._mapping.items() if k not in ("payload_hash", "received_at", "day")}
        shown["lines"] = [dict(r._mapping) for r in conn.execute(select(t.refund_lines).where(
            t.refund_lines.c.refund_id == refund.refund_id).order_by(t.refund_lines.c.line_no))]
        refunds.append(shown)
    member = conn.execute(select(*[t.members.c[c] for c in _MEMBER_FEED]).where(
        t.members.c.uuid == row.member_uuid)).first()
    entries = [dict(r._mapping) for r in conn.execute(select(*[t.entries.c[c] for c in _ENTRY_FEED]).where(
        t.entries.c.member_uuid == row.member_uuid).order_by(t.entries.c.seq).limit(p.MAX_LOOKUP_ENTRIES))]
    sale_data = {k: v for k, v in row._mapping.items() if k not in ("payload_hash", "received_at")}
    return p.SaleLookup(store_code=row.store_code, device_id=row.device_id, sale=sale_data, lines=lines,
                        refunds=refunds, member=dict(member._mapping) if member else None,
                        entries=entries)
