"""HQ's side of the chain's documents (issue 11): sales with their lines, refunds with their lines, coupons,
campaigns, top-ups and card fees, pushed as records (sync.protocol.DOC_KINDS) and stored exactly once.

- Exactly once, like entries: a document's id is made where it happened; HQ keeps the sha256 of its JSON. A
  re-push with the same figures is `duplicate`; the same id with other figures is `rejected`
  (Reason.DOC_CONFLICT), never stored.
- Figures are checked with pos_member.domain.documents, the checks the till applies when it writes.
- A sale names its coupon's use: a second live use of one coupon is flagged `coupon_double_use`. A sale
  refunded in full that gave its coupon back (`coupon_restored`) releases that use.
- A refund may come from any till of the chain for a sale HQ holds. One that takes a line beyond its amount
  (two tills refunded it while offline) is stored, the money has left the till, and flagged `double_refund`.
- The member's qualifying spend for tiers (member_sales) is derived here: the sale's spend less its refunds.
- `daily_sales` moves in the same transaction, so the sales report never scans the sales.
- Coupons are fed to every store (Change kind `coupon`) with HQ's status, after each issue, use or release.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, text

from pos_member.domain.documents import check_refund_figures, check_sale_figures, over_refunded
from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.domain.validate import aware_time, is_uuid
from sync import protocol as p
from sync.hq import tables as t
from sync.hq.coupons import coupon_is_used
from sync.hq.flags import COUPON_DOUBLE_USE, DOUBLE_REFUND, raise_flag

if TYPE_CHECKING:
    from datetime import datetime

    from sync.hq.service import Device

# records of one push are stored in this order: what a document names comes before it
KIND_ORDER = {"member": 0, "card": 1, "campaign": 2, "coupon": 3, "sale_doc": 4, "refund": 5, "topup": 6,
              "card_fee": 7, "sale": 8}


def record_key(record: p.RecordIn) -> str:
    doc = document_of(record)
    if doc is None:
        return ""
    return str(getattr(doc, {"sale_doc": "sale_id", "refund": "refund_id", "coupon": "code",
                             "campaign": "campaign_key", "topup": "topup_id", "card_fee": "fee_key"}[record.kind]))


def document_of(record: p.RecordIn) -> Any:
    return getattr(record, record.kind, None) if record.kind in p.DOC_KINDS else None


def payload_hash(doc: Any) -> str:
    return text_hash(canonical_json(doc.model_dump()))


def canonical_json(dumped: dict[str, Any]) -> str:
    """A document's values as the one JSON text its fingerprint is taken over (keys sorted, no spaces)."""
    return json.dumps(dumped, sort_keys=True, separators=(",", ":"))


def text_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_document(conn: Connection, device: Device, record: p.RecordIn, now: str, moment: datetime
                   ) -> tuple[str, bool, list[dict[str, Any]]]:
    """(key, duplicate?, feed rows) for one document record; raises a PosError to reject it."""
    doc = document_of(record)
    if doc is None:
        raise InvalidInput(Reason.ENTRY_BAD_TYPE, record.kind, expected=f"a {record.kind}", got="nothing")
    key = record_key(record)
    digest = payload_hash(doc)
    table, key_column = _TABLES[record.kind]
    held = conn.execute(select(table.c.payload_hash).where(table.c[key_column] == key)).scalar()
    if held is not None:
        if held != digest:
            raise InvalidInput(Reason.DOC_CONFLICT, key_column, what=record.kind.replace("_doc", ""), key=key)
        return key, True, []
    store = _STORERS[record.kind]
    return key, False, store(conn, device, doc, digest, now, moment)


def _day(business_time: str) -> str:
    return business_time[:10]  # the till's own date: business times carry the till's zone


def _member_known(conn: Connection, uuid: str) -> None:
    if not is_uuid(uuid) or conn.execute(select(t.members.c.uuid).where(t.members.c.uuid == uuid)).first() is None:
        raise InvalidInput(Reason.ENTRY_UNKNOWN_MEMBER, "member_uuid", member=uuid)


def _store_sale(conn: Connection, device: Device, doc: p.SaleDoc, digest: str, now: str, moment: datetime
                ) -> list[dict[str, Any]]:
    if not is_uuid(doc.sale_id):
        raise InvalidInput(Reason.ENTRY_BAD_ID, "sale_id", text=doc.sale_id[:40])
    aware_time(doc.business_time, "business_time", moment)
    _member_known(conn, doc.member_uuid)
    lines = [line.model_dump() for line in doc.lines]
    values = doc.model_dump(exclude={"lines"})
    check_sale_figures(values, lines)
    conn.execute(t.sales.insert().values(**values, store_code=device.store_code, device_id=device.device_id,
                                         day=_day(doc.business_time), payload_hash=digest, received_at=now))
    conn.execute(t.sale_lines.insert(), [line | {"sale_id": doc.sale_id} for line in lines])
    _roll_up(conn, device.store_code, _day(doc.business_time), sales_count=1, sales_fen=doc.total_fen,
             discount_fen=doc.discount_fen, coupon_fen=doc.coupon_fen, payable_fen=doc.payable_fen)
    _requalify(conn, doc.sale_id, now)
    if doc.coupon_code:
        return _use_coupon(conn, device, doc.coupon_code, doc.sale_id, doc.business_time, now)
    return []


def _store_refund(conn: Connection, device: Device, doc: p.RefundDoc, digest: str, now: str, moment: datetime
                  ) -> list[dict[str, Any]]:
    if not is_uuid(doc.refund_id):
        raise InvalidInput(Reason.ENTRY_BAD_ID, "refund_id", text=doc.refund_id[:40])
    aware_time(doc.business_time, "business_time", moment)
    lines = [line.model_dump() for line in doc.lines]
    values = doc.model_dump(exclude={"lines"})
    check_refund_figures(values, lines)
    amounts = dict(conn.execute(select(t.sale_lines.c.line_no, t.sale_lines.c.amount_fen).where(
        t.sale_lines.c.sale_id == doc.sale_id)).all())
    if not amounts:
        raise InvalidInput(Reason.DOC_UNKNOWN_SALE, "sale_id", sale=doc.sale_id)
    conn.execute(t.refunds.insert().values(**values, store_code=device.store_code, device_id=device.device_id,
                                           day=_day(doc.business_time), payload_hash=digest, received_at=now))
    conn.execute(t.refund_lines.insert(), [line | {"refund_id": doc.refund_id, "sale_id": doc.sale_id}
                                           for line in lines])
    refunded = dict(conn.execute(select(t.refund_lines.c.line_no, func.sum(t.refund_lines.c.amount_fen)).where(
        t.refund_lines.c.sale_id == doc.sale_id).group_by(t.refund_lines.c.line_no)).all())
    beyond = over_refunded(amounts, {int(k): int(v) for k, v in refunded.items()})
    if beyond:
        raise_flag(conn, kind=DOUBLE_REFUND, subject=doc.sale_id, store_code=device.store_code, now=now, figures={
            "refund_id": doc.refund_id, "lines": ",".join(map(str, beyond)),
            "refunded_fen": sum(int(refunded[n]) for n in beyond), "sold_fen": sum(amounts.get(n, 0) for n in beyond)})
    _roll_up(conn, device.store_code, _day(doc.business_time), refunds_count=1, refunds_fen=doc.amount_fen,
             refunds_cash_fen=doc.cash_refund_fen)
    _requalify(conn, doc.sale_id, now)
    if doc.coupon_restored:
        return _release_coupon(conn, doc.coupon_restored, doc.sale_id, doc.refund_id)
    return []


def _store_coupon(conn: Connection, device: Device, doc: p.CouponDoc, digest: str, now: str, moment: datetime
                  ) -> list[dict[str, Any]]:
    _member_known(conn, doc.member_uuid)
    aware_time(doc.issued_at, "issued_at", moment)
    used = conn.execute(select(t.coupon_uses.c.sale_id, t.coupon_uses.c.used_at).where(
        t.coupon_uses.c.code == doc.code, t.coupon_uses.c.released_by.is_(None))).first()
    conn.execute(t.coupons.insert().values(
        **doc.model_dump(), store_code=device.store_code, device_id=device.device_id, payload_hash=digest,
        status="used" if used else "issued", used_sale_id=used.sale_id if used else None,
        used_at=used.used_at if used else None))
    return [_coupon_feed_row(conn, doc.code, origin=device.device_id)]


def _store_campaign(conn: Connection, device: Device, doc: p.CampaignDoc, digest: str, now: str,
                    moment: datetime) -> list[dict[str, Any]]:
    aware_time(doc.created_at, "created_at", moment)
    conn.execute(t.campaigns.insert().values(**doc.model_dump(), store_code=device.store_code, payload_hash=digest))
    return []


def _store_topup(conn: Connection, device: Device, doc: p.TopupDoc, digest: str, now: str, moment: datetime
                 ) -> list[dict[str, Any]]:
    _member_known(conn, doc.member_uuid)
    aware_time(doc.business_time, "business_time", moment)
    conn.execute(t.topups.insert().values(**doc.model_dump(), store_code=device.store_code,
                                          device_id=device.device_id, payload_hash=digest))
    return []


def _store_card_fee(conn: Connection, device: Device, doc: p.CardFeeDoc, digest: str, now: str,
                    moment: datetime) -> list[dict[str, Any]]:
    _member_known(conn, doc.member_uuid)
    aware_time(doc.business_time, "business_time", moment)
    conn.execute(t.card_fees.insert().values(**doc.model_dump(), store_code=device.store_code, payload_hash=digest))
    return []


_TABLES = {"sale_doc": (t.sales, "sale_id"), "refund": (t.refunds, "refund_id"), "coupon": (t.coupons, "code"),
           "campaign": (t.campaigns, "campaign_key"), "topup": (t.topups, "topup_id"),
           "card_fee": (t.card_fees, "fee_key")}
_STORERS = {"sale_doc": _store_sale, "refund": _store_refund, "coupon": _store_coupon,
            "campaign": _store_campaign, "topup": _store_topup, "card_fee": _store_card_fee}


# ---- coupons: uses, double uses, the feed ----------------------------------------------------------------

def _use_coupon(conn: Connection, device: Device, code: str, sale_id: str, used_at: str, now: str
                ) -> list[dict[str, Any]]:
    earlier = conn.execute(select(t.coupon_uses.c.sale_id, t.coupon_uses.c.store_code).where(
        t.coupon_uses.c.code == code, t.coupon_uses.c.released_by.is_(None))).all()
    conn.execute(t.coupon_uses.insert().values(sale_id=sale_id, code=code, store_code=device.store_code,
                                               used_at=used_at))
    if earlier:
        raise_flag(conn, kind=COUPON_DOUBLE_USE, subject=code, store_code=device.store_code, now=now, figures={
            "sale_id": sale_id, "earlier_sale_id": earlier[0].sale_id, "earlier_store": earlier[0].store_code,
            "uses": len(earlier) + 1})
        return []
    updated = conn.execute(t.coupons.update().where(t.coupons.c.code == code).values(
        status="used", used_sale_id=sale_id, used_at=used_at)).rowcount
    return [_coupon_feed_row(conn, code, origin=device.device_id)] if updated else []


def _release_coupon(conn: Connection, code: str, sale_id: str, refund_id: str) -> list[dict[str, Any]]:
    conn.execute(t.coupon_uses.update().where(t.coupon_uses.c.sale_id == sale_id, t.coupon_uses.c.code == code)
                 .values(released_by=refund_id))
    if coupon_is_used(conn, code):
        return []
    updated = conn.execute(t.coupons.update().where(t.coupons.c.code == code, t.coupons.c.used_sale_id == sale_id)
                           .values(status="issued", used_sale_id=None, used_at=None)).rowcount
    # fed to everyone, the refunding till too: a till that used it learns it is usable again
    return [_coupon_feed_row(conn, code, origin=None, released_sale_id=sale_id)] if updated else []


_COUPON_FEED = ("code", "member_uuid", "store_code", "template", "kind", "name", "amount_off_fen",
                "min_spend_fen", "percent_off", "max_off_fen", "valid_from", "valid_to", "issued_at", "status",
                "used_sale_id", "used_at")


def _coupon_feed_row(conn: Connection, code: str, origin: str | None, released_sale_id: str | None = None
                     ) -> dict[str, Any]:
    row = conn.execute(select(*[t.coupons.c[c] for c in _COUPON_FEED]).where(t.coupons.c.code == code)).one()
    data = dict(row._mapping) | {"released_sale_id": released_sale_id}
    return {"kind": "coupon", "key": code, "origin_device": origin, "data": json.dumps(data, ensure_ascii=False)}


# ---- derived figures ---------------------------------------------------------------------------------------

_ROLL_UP = ("sales_count", "sales_fen", "discount_fen", "coupon_fen", "payable_fen", "refunds_count", "refunds_fen",
            "refunds_cash_fen")
_ROLL_UP_SQL = text(
    f"INSERT INTO daily_sales (store_code, day, {', '.join(_ROLL_UP)}) "
    f"VALUES (:store, :day, {', '.join(':' + c for c in _ROLL_UP)}) ON CONFLICT (store_code, day) DO UPDATE SET "
    + ", ".join(f"{c} = daily_sales.{c} + excluded.{c}" for c in _ROLL_UP))


def _roll_up(conn: Connection, store_code: str, day: str, **figures: int) -> None:
    conn.execute(_ROLL_UP_SQL, {"store": store_code, "day": day} | {c: figures.get(c, 0) for c in _ROLL_UP})


def _requalify(conn: Connection, sale_id: str, now: str) -> None:
    """member_sales for a sale HQ holds as a document: what the member paid (cash and stored value) less what
    the refunds gave back of it (cash, clawback, stored value), never below zero; the tills' rule
    (pos_member.services.loyalty QUALIFYING_SPEND)."""
    sale = conn.execute(select(t.sales).where(t.sales.c.sale_id == sale_id)).first()
    if sale is None:
        return
    r = t.refunds.c
    back = conn.execute(select(func.coalesce(func.sum(
        r.cash_refund_fen + r.clawback_fen + r.stored_paid_restored_fen + r.stored_bonus_restored_fen), 0)).where(
        r.sale_id == sale_id)).scalar_one()
    qualifying = max(0, sale.payable_fen + sale.stored_paid_fen + sale.stored_bonus_fen - int(back))
    values = {"member_uuid": sale.member_uuid, "store_code": sale.store_code, "device_id": sale.device_id,
              "business_time": sale.business_time, "qualifying_fen": qualifying, "updated_at": now}
    if conn.execute(select(t.member_sales.c.sale_id).where(t.member_sales.c.sale_id == sale_id)).first() is None:
        conn.execute(t.member_sales.insert().values(sale_id=sale_id, **values))
    else:
        conn.execute(t.member_sales.update().where(t.member_sales.c.sale_id == sale_id).values(**values))
