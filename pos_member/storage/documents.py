"""The till's documents as HQ receives them (sync.protocol SaleDoc, RefundDoc, CouponDoc, CampaignDoc,
TopupDoc, CardFeeDoc): read from the store file for the outbox rows that migration 0009's triggers queue.
A document of another till (origin_device set: imported from HQ to refund here) is never sent back."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, text

from pos_member.storage import tables as t

DOC_KINDS = ("campaign", "coupon", "sale_doc", "refund", "topup", "card_fee")
_SALE = ("sale_id", "receipt_no", "card_no", "business_time", "rules_version", "tier_code", "total_fen",
         "discount_fen", "coupon_code", "coupon_fen", "points_redeemed", "points_cash_fen", "stored_paid_fen",
         "stored_bonus_fen", "payable_fen", "points_earned")
SALE_LINE = ("line_no", "category", "amount_fen", "discount_fen", "coupon_fen", "points_cash_fen", "points_redeemed",
             "stored_paid_fen", "stored_bonus_fen", "points_earned")
_REFUND = ("refund_id", "sale_id", "business_time", "amount_fen", "cash_refund_fen", "points_reversed",
           "points_restored", "stored_paid_restored_fen", "stored_bonus_restored_fen", "clawback_points",
           "clawback_fen", "negative_points")
REFUND_LINE = ("line_no", "amount_fen", "cash_fen", "points_reversed", "points_restored", "stored_paid_fen",
               "stored_bonus_fen")
_COUPON = ("code", "template", "kind", "name", "amount_off_fen", "min_spend_fen", "percent_off", "max_off_fen",
           "valid_from", "valid_to", "issued_at")


def _uuid_of(conn: Connection, member_id: int) -> str:
    return conn.execute(select(t.members.c.uuid).where(t.members.c.id == member_id)).scalar_one()


def sale_documents(conn: Connection, keys: list[str]) -> dict[str, dict[str, Any]]:
    """document_record("sale_doc", key) for many sales at once: two queries for a push's worth, where one by
    one took three a sale (most of the till's time in a push of sales). The keys travel as one JSON array and
    rows are read as plain tuples: an IN list of 500 parameters and a Row's attribute lookups cost more than
    the queries."""
    if not keys:
        return {}
    listed = {"keys": json.dumps(keys, separators=(",", ":"))}
    docs: dict[str, dict[str, Any]] = {}
    for row in conn.execute(_SALE_DOCS, listed):
        doc = dict(zip(_SALE_DOC_FIELDS, row, strict=True))
        doc["lines"] = []
        docs[doc["sale_id"]] = doc
    for sale_id, *line in conn.execute(_SALE_DOC_LINES, listed):
        if sale_id in docs:
            docs[sale_id]["lines"].append(dict(zip(SALE_LINE, line, strict=True)))
    return docs


_SALE_DOC_FIELDS = (*_SALE, "member_uuid")
_SALE_DOCS = text(f"SELECT {', '.join('s.' + name for name in _SALE)}, m.uuid FROM sales AS s "
                  "JOIN members AS m ON m.id = s.member_id "
                  "WHERE s.sale_id IN (SELECT value FROM json_each(:keys)) AND s.origin_device IS NULL")
_SALE_DOC_LINES = text(f"SELECT sale_id, {', '.join(SALE_LINE)} FROM sale_lines "
                       "WHERE sale_id IN (SELECT value FROM json_each(:keys)) ORDER BY sale_id, line_no")


def document_record(conn: Connection, kind: str, key: str, device_id: str) -> dict[str, Any] | None:
    """The document `kind` with `key` as it travels; None if it is gone or not this till's to send."""
    if kind == "sale_doc":
        sale = conn.execute(select(t.sales).where(t.sales.c.sale_id == key)).first()
        if sale is None or sale.origin_device is not None:
            return None
        lines = conn.execute(select(*[t.sale_lines.c[c] for c in SALE_LINE]).where(
            t.sale_lines.c.sale_id == key).order_by(t.sale_lines.c.line_no)).all()
        return ({c: getattr(sale, c) for c in _SALE} | {"member_uuid": _uuid_of(conn, sale.member_id)}
                | {"lines": [dict(line._mapping) for line in lines]})
    if kind == "refund":
        refund = conn.execute(select(t.refunds).where(t.refunds.c.refund_id == key)).first()
        if refund is None or refund.origin_device is not None:
            return None
        lines = conn.execute(select(*[t.refund_lines.c[c] for c in REFUND_LINE]).where(
            t.refund_lines.c.refund_id == key).order_by(t.refund_lines.c.line_no)).all()
        restored = conn.execute(select(t.audit.c.detail).where(
            t.audit.c.action == "sale.refund", t.audit.c.subject == key)).scalar()
        return ({c: getattr(refund, c) for c in _REFUND} | {"coupon_restored": _coupon_restored(restored)}
                | {"lines": [dict(line._mapping) for line in lines]})
    if kind == "coupon":
        coupon = conn.execute(select(t.coupons).where(t.coupons.c.code == key)).first()
        if coupon is None:
            return None
        campaign = f"{device_id}:{coupon.campaign_id}" if coupon.campaign_id is not None else None
        return ({c: getattr(coupon, c) for c in _COUPON} | {"member_uuid": _uuid_of(conn, coupon.member_id),
                                                             "campaign_key": campaign})
    if kind == "campaign":
        campaign = conn.execute(select(t.campaigns).where(t.campaigns.c.id == int(key))).first()
        if campaign is None:
            return None
        return {"campaign_key": f"{device_id}:{campaign.id}", "template": campaign.template,
                "segment": campaign.segment, "issued_count": campaign.issued_count,
                "created_at": campaign.created_at}
    if kind == "topup":
        topup = conn.execute(select(t.topups).where(t.topups.c.topup_id == key)).first()
        if topup is None:
            return None
        return {"topup_id": topup.topup_id, "member_uuid": _uuid_of(conn, topup.member_id),
                "business_time": topup.business_time, "paid_fen": topup.paid_fen, "bonus_fen": topup.bonus_fen}
    if kind == "card_fee":
        fee = conn.execute(select(t.card_fees).where(t.card_fees.c.id == int(key))).first()
        if fee is None:
            return None
        return {"fee_key": f"{device_id}:{fee.id}", "member_uuid": _uuid_of(conn, fee.member_id),
                "card_no": fee.card_no, "kind": fee.kind, "fee_fen": fee.fee_fen, "business_time": fee.business_time}
    return None


def _coupon_restored(audit_detail: str | None) -> str | None:
    """The coupon a refund gave back, as its audit row recorded it (the refunds table has no column for it)."""
    import json

    if not audit_detail:
        return None
    try:
        value = json.loads(audit_detail).get("coupon_restored")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
