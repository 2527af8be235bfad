"""Reading the ledger and sales back for a member."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from pos_member.services.context import Store
from pos_member.services.lookup import resolve
from pos_member.storage import tables as t


def member_ledger(store: Store, code: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The member's entries, newest last."""
    with store.db.read() as conn:
        member, _ = resolve(conn, store, code, for_use=False)
        query = select(t.ledger).where(t.ledger.c.member_id == member.id).order_by(t.ledger.c.id.desc())
        if limit:
            query = query.limit(limit)
        rows = list(conn.execute(query).mappings())
    rows.reverse()
    return [{k: row[k] for k in ("entry_id", "local_seq", "business_time", "account", "kind", "delta",
                                 "sale_id", "ref_id", "rules_version", "staff_id", "note")} for row in rows]


def tier_history(store: Store, code: str) -> list[dict[str, Any]]:
    """Every tier the member has held, oldest first, with why it changed."""
    with store.db.read() as conn:
        member, _ = resolve(conn, store, code, for_use=False)
        rows = conn.execute(select(t.tier_changes.c.business_time, t.tier_changes.c.from_tier,
                                   t.tier_changes.c.to_tier, t.tier_changes.c.reason).where(
            t.tier_changes.c.member_id == member.id).order_by(t.tier_changes.c.id)).mappings().all()
        return [dict(row) for row in rows]


def recent_sales(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """The last sales made at this till, with what was refunded of each (at any till this one has heard of)."""
    with store.db.read() as conn:
        refunded = select(func.sum(t.refunds.c.amount_fen)).where(
            t.refunds.c.sale_id == t.sales.c.sale_id).scalar_subquery()
        rows = conn.execute(
            select(t.sales.c.sale_id, t.sales.c.business_time, t.sales.c.total_fen, t.sales.c.payable_fen,
                   t.sales.c.points_earned, t.members.c.member_no, t.members.c.name,
                   func.coalesce(refunded, 0).label("refunded_fen"))
            .join(t.members, t.members.c.id == t.sales.c.member_id)
            .where(t.sales.c.origin_device.is_(None))  # this till's sales, not one imported to refund it here
            .order_by(t.sales.c.id.desc()).limit(limit)
        ).mappings().all()
        return [dict(row) for row in rows]
