"""`pos-hq report tiers`: members by tier and home store, as they stand (HQ keeps each member's current tier,
not a history per day), from HQ's members table through ix_hq_members_home_tier (HQ migration 0010): an
index-only count, not a read of the members. Merged members are left out (they live on in another)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from sync.hq import db
from sync.hq import tables as t
from sync.hq.service import utc_now


def tiers_report(engine: Engine, store: str | None = None) -> dict[str, Any]:
    m = t.members.c
    query = select(m.home_store, m.tier_code, func.count()).where(m.status != "merged").group_by(
        m.home_store, m.tier_code)
    if store is not None:
        query = query.where(m.home_store == store)
    with db.read(engine) as conn:
        found = conn.execute(query).all()
    tiers = sorted({tier for _, tier, _ in found})
    rows: dict[str, dict[str, Any]] = {}
    for code, tier, count in found:
        row = rows.setdefault(code, {"store": code} | dict.fromkeys(tiers, 0) | {"members": 0})
        row[tier] += int(count)
        row["members"] += int(count)
    ordered = [rows[code] for code in sorted(rows)]
    totals = {key: sum(row[key] for row in ordered) for key in (*tiers, "members")} if ordered else None
    at = utc_now()
    return {"report": "tiers", "as_at": at, "store": store, "tiers": tiers, "rows": ordered, "totals": totals,
            "title": f"Members by tier and home store, as at {at}", "notes": []}


def columns(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [("store", "home store"), *[(tier, tier) for tier in report["tiers"]], ("members", "members")]
