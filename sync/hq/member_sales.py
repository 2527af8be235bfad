"""Sales as the spend they qualify for tiers with, from every till of the chain (sync.protocol.SaleRecord).

A till sends a sale when it is made and again after each refund; HQ keeps the latest figure per sale. A
sale belongs to the till that made it: another device cannot send it (or move it to another member). HQ's
tier evaluation (sync.hq.jobs) sums these per member, so qualifying spend travels with the member across
tills and stores. Not fed back to the tills: they learn the outcome, the member's tier, from the feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, text

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




def store_sales(conn: Connection, device: Device, sales: list[p.SaleRecord], now: str) -> list[bool]:
    """store_sale for a whole push at once, with the same outcome: for each record, whether it was stored.
    One SELECT and one INSERT .. ON CONFLICT DO UPDATE for the batch, instead of two round trips a record
    (which held a push of 500 sales for half a second). Run under the feed lock, like every push."""
    ids = list({sale.sale_id for sale in sales})
    owner = {r.sale_id: (r.device_id, r.member_uuid) for r in conn.execute(select(
        t.member_sales.c.sale_id, t.member_sales.c.device_id, t.member_sales.c.member_uuid).where(
        t.member_sales.c.sale_id.in_(ids)))}
    accepted, latest = [], {}
    for sale in sales:
        mine = owner.setdefault(sale.sale_id, (device.device_id, sale.member_uuid)) == (
            device.device_id, sale.member_uuid)
        accepted.append(mine)
        if mine:
            latest[sale.sale_id] = sale  # a sale twice in one batch: the later figure, as one by one
    if latest:
        conn.execute(_UPSERT, [{"sale_id": sale.sale_id, "member_uuid": sale.member_uuid,
                                "store_code": device.store_code, "device_id": device.device_id,
                                "business_time": sale.business_time, "qualifying_fen": sale.qualifying_fen,
                                "updated_at": now} for sale in latest.values()])
    return accepted


# executemany of one fixed statement (psycopg pipelines it): a multi-row VALUES built with SQLAlchemy took
# longer to compile than the database took to run it
_UPSERT = text("INSERT INTO member_sales (sale_id, member_uuid, store_code, device_id, business_time, "
               "qualifying_fen, updated_at) VALUES (:sale_id, :member_uuid, :store_code, :device_id, "
               ":business_time, :qualifying_fen, :updated_at) ON CONFLICT (sale_id) DO UPDATE SET "
               "business_time = excluded.business_time, qualifying_fen = excluded.qualifying_fen, "
               "updated_at = excluded.updated_at")
