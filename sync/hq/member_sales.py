"""Sales as the spend they qualify for tiers with, from every till of the chain (sync.protocol.SaleRecord).

A till sends a sale when it is made and again after each refund; HQ keeps the latest figure per sale. A
sale belongs to the till that made it: another device cannot send it (or move it to another member). HQ's
tier evaluation (sync.hq.jobs) sums these per member, so qualifying spend travels with the member across
tills and stores. Not fed back to the tills: they learn the outcome, the member's tier, from the feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from sync import protocol as p
from sync.hq import tables as t

if TYPE_CHECKING:
    from sync.hq.service import Device


def store_sale(conn: Connection, device: Device, sale: p.SaleRecord, now: str) -> tuple[str, str | None, None]:
    """(key, problem or None, no feed change) for one sale record."""
    old = conn.execute(select(t.member_sales.c.device_id, t.member_sales.c.member_uuid).where(
        t.member_sales.c.sale_id == sale.sale_id)).first()
    values = {"member_uuid": sale.member_uuid, "business_time": sale.business_time,
              "qualifying_fen": sale.qualifying_fen, "updated_at": now}
    if old is None:
        conn.execute(t.member_sales.insert().values(sale_id=sale.sale_id, store_code=device.store_code,
                                                    device_id=device.device_id, **values))
    elif old.device_id != device.device_id or old.member_uuid != sale.member_uuid:
        return sale.sale_id, "this sale was recorded by another till or for another member", None
    else:
        conn.execute(t.member_sales.update().where(t.member_sales.c.sale_id == sale.sale_id).values(**values))
    return sale.sale_id, None, None
