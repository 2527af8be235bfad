"""`pos-member member export CODE`: everything this till holds about one member (a PIPL access request).

The member (full phone: the export is for the member), their cards, ledger entries, sales with their lines,
refunds of those sales, top-ups, card fees, tier changes, coupons, rewards, and the audit rows that name
them (by member or card number). HQ's equivalent is `pos-hq member export MEMBER_NO` (sync.hq.privacy).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, or_, select

from pos_member.services.audit import append_audit
from pos_member.services.context import Store
from pos_member.services.lookup import resolve
from pos_member.storage import tables as t


def _rows(conn: Connection, table: Table, *where: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(select(table).where(*where).order_by(*table.primary_key.columns))
            .mappings()]


def export_member(store: Store, code: str, staff_id: int | None = None) -> dict[str, Any]:
    """The export, and an audit row saying who exported whose data (personal data leaving the till)."""
    with store.db.read() as conn:
        member, _card = resolve(conn, store, code, for_use=False)
        member_id = member.id
        cards = _rows(conn, t.cards, t.cards.c.member_id == member_id)
        sales = _rows(conn, t.sales, t.sales.c.member_id == member_id)
        sale_ids = [sale["sale_id"] for sale in sales]
        for sale in sales:
            sale["lines"] = _rows(conn, t.sale_lines, t.sale_lines.c.sale_id == sale["sale_id"])
        names = [member.member_no, *(card["card_no"] for card in cards)]
        audit = _rows(conn, t.audit, or_(t.audit.c.subject.in_(names),
                                         *(t.audit.c.detail.contains(name) for name in names)))
        export = {
            "member": dict(member._mapping),
            "cards": cards,
            "ledger": _rows(conn, t.ledger, t.ledger.c.member_id == member_id),
            "sales": sales,
            "refunds": _rows(conn, t.refunds, t.refunds.c.sale_id.in_(sale_ids)) if sale_ids else [],
            "topups": _rows(conn, t.topups, t.topups.c.member_id == member_id),
            "card_fees": _rows(conn, t.card_fees, t.card_fees.c.member_id == member_id),
            "tier_changes": _rows(conn, t.tier_changes, t.tier_changes.c.member_id == member_id),
            "coupons": _rows(conn, t.coupons, t.coupons.c.member_id == member_id),
            "rewards": _rows(conn, t.rewards, t.rewards.c.member_id == member_id),
            "audit": audit,
        }
    with store.db.write() as conn:
        append_audit(conn, store.now(), staff_id, "member.export", member.member_no, {})
    return export
