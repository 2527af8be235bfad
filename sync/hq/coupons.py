"""Coupons across the chain at HQ: whether a coupon is used (for the `holds` part's coupon holds) and the
campaign statistics of the whole chain (`pos-hq report campaigns`). Coupons arrive as documents
(sync.hq.documents); a use is a sale naming the coupon, released by the full refund that gave it back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from sync.hq import tables as t


def coupon_is_used(conn: Connection, code: str) -> bool:
    """Whether HQ knows a live use of the coupon (a sale naming it that no full refund gave back)."""
    return conn.execute(select(t.coupon_uses.c.sale_id).where(
        t.coupon_uses.c.code == code, t.coupon_uses.c.released_by.is_(None)).limit(1)).first() is not None


def campaign_stats(conn: Connection, store_code: str | None = None) -> dict[str, Any]:
    """Per campaign (any store's): coupons issued, and used at each store of the chain. `store_code`: the
    campaigns that store ran."""
    c, u = t.coupons.c, t.coupon_uses.c
    used = (select(c.campaign_key, u.store_code, func.count().label("used"))
            .join(t.coupon_uses, u.code == c.code).where(u.released_by.is_(None), c.campaign_key.is_not(None))
            .group_by(c.campaign_key, u.store_code))
    used_by: dict[str, dict[str, int]] = {}
    for row in conn.execute(used):
        used_by.setdefault(row.campaign_key, {})[row.store_code] = int(row.used)
    query = select(t.campaigns).order_by(t.campaigns.c.created_at, t.campaigns.c.campaign_key)
    if store_code:
        query = query.where(t.campaigns.c.store_code == store_code)
    rows = []
    for row in conn.execute(query):
        at = used_by.get(row.campaign_key, {})
        rows.append({"campaign": row.campaign_key, "store": row.store_code, "template": row.template,
                     "created_at": row.created_at, "issued": row.issued_count, "used": sum(at.values()),
                     "used_by_store": dict(sorted(at.items()))})
    return {"report": "campaigns", "store": store_code, "campaigns": rows}
