"""Sales of the whole chain at this till (issue 11): find a sale by its id or receipt number, here or at HQ,
before it is refunded.

- Enrolled and HQ answers: HQ's copy of the sale (lines, the refunds every till made against it) is brought
  into the store file first: a sale of another till is imported marked with its device (`origin_device`, never
  pushed back), and refunds made elsewhere are added the same way. The refund then runs on the local tables
  with the same per-line arithmetic as at the selling till (pos_member.domain.refund), so a line refunded at
  another till is refused here while HQ knows it.
- HQ does not answer (or the till is not enrolled): this till's own sale is refunded from what it knows; a
  sale of another till is refused (Reason.FOREIGN_SALE_OFFLINE), since only HQ knows its refunds. Two tills
  refunding one sale's lines while both were offline are flagged `double_refund` at HQ.
- An imported sale is refunded under this till's current rules: a till's rules version numbers are its own.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, select

from pos_member.domain.documents import is_receipt_number
from pos_member.domain.errors import NotFound, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.services.context import Store
from pos_member.services.staff import CONSOLE_STAFF_ID
from pos_member.storage import tables as t
from pos_member.storage.documents import REFUND_LINE, SALE_LINE

log = logging.getLogger(__name__)
HQ_LOOKUP_TIMEOUT_S = 2.0  # a refund waits at most this long for HQ before working offline
_SALE_COLUMNS = ("sale_id", "receipt_no", "card_no", "business_time", "tier_code", "total_fen", "discount_fen",
                 "coupon_code", "coupon_fen", "points_redeemed", "points_cash_fen", "stored_paid_fen",
                 "stored_bonus_fen", "payable_fen", "points_earned")
_REFUND_COLUMNS = ("refund_id", "sale_id", "business_time", "amount_fen", "cash_refund_fen", "points_reversed",
                   "points_restored", "stored_paid_restored_fen", "stored_bonus_restored_fen", "clawback_points",
                   "clawback_fen", "negative_points")


def _local(conn: Connection, key: str) -> Any:
    where = (t.sales.c.receipt_no == key.upper()) if is_receipt_number(key) else (t.sales.c.sale_id == key.lower())
    return conn.execute(select(t.sales.c.sale_id, t.sales.c.origin_device).where(where)).first()


def sale_for_refund(store: Store, key: str) -> str:
    """The sale_id of the sale `key` names (a sale id or a receipt number), brought up to date from HQ when
    HQ answers; raises NotFound or RuleRefused (a sale of another till while HQ does not answer)."""
    key = key.strip()
    with store.db.read() as conn:
        row = _local(conn, key)
    lookup, reachable = _ask_hq(store, key)
    if lookup is None:
        if row is None:
            raise NotFound(Reason.NO_SUCH_SALE, "sale_id", sale=key)
        if row.origin_device is not None and not reachable:
            raise RuleRefused(Reason.FOREIGN_SALE_OFFLINE, "sale_id", sale=key)
        return row.sale_id
    with store.db.write() as conn:
        import_sale(conn, store, lookup)
    return str(lookup["sale"]["sale_id"])


def _ask_hq(store: Store, key: str) -> tuple[dict[str, Any] | None, bool]:
    """(HQ's answer or None, whether HQ answered). Not enrolled: (None, False)."""
    from pos_member.services.sync_service import hq_verify, sync_store
    from sync.client import SyncClient, SyncError

    client = SyncClient(sync_store(store), timeout=HQ_LOOKUP_TIMEOUT_S, verify=hq_verify(store))
    try:
        return client.fetch_sale(key), True
    except SyncError as exc:
        log.info("HQ could not be asked about a sale: %s", exc.reason)
        return None, False


def import_sale(conn: Connection, store: Store, lookup: dict[str, Any]) -> None:
    """Bring HQ's sale (if it is another till's) and the refunds HQ holds against it into the store file,
    marked with their devices; rows already here are left as they are."""
    sale, sale_id = lookup["sale"], lookup["sale"]["sale_id"]
    here = conn.execute(select(t.sales.c.id).where(t.sales.c.sale_id == sale_id)).first()
    if here is None:
        member_id = _member_id(conn, store, lookup)
        version, _ = store.rules(conn)
        conn.execute(t.sales.insert().values(
            **{c: sale.get(c) for c in _SALE_COLUMNS}, member_id=member_id, staff_id=CONSOLE_STAFF_ID,
            rules_version=version, origin_device=lookup["device_id"]))
        conn.execute(t.sale_lines.insert(), [{c: line[c] for c in SALE_LINE} | {"sale_id": sale_id}
                                             for line in lookup["lines"]])
    _entries(conn, store, lookup.get("entries") or [])
    held = {r[0] for r in conn.execute(select(t.refunds.c.refund_id).where(t.refunds.c.sale_id == sale_id))}
    for refund in lookup["refunds"]:
        if refund["refund_id"] in held:
            continue
        conn.execute(t.refunds.insert().values(
            **{c: refund[c] for c in _REFUND_COLUMNS}, staff_id=CONSOLE_STAFF_ID, origin_device=refund["device_id"]))
        conn.execute(t.refund_lines.insert(), [{c: line[c] for c in REFUND_LINE}
                                               | {"refund_id": refund["refund_id"], "sale_id": sale_id}
                                               for line in refund["lines"]])


def _entries(conn: Connection, store: Store, entries: list[dict[str, Any]]) -> None:
    """The member's entries HQ holds that this till has not pulled yet, applied as the pull applies them (a
    later pull finds them held): the refund then sees the member's balance and points lots as the selling
    till would, so its figures (clawback, the reversed lot) are the same."""
    if not entries:
        return
    from pos_member.storage.sync_apply import PageApplier

    held = {r[0] for r in conn.execute(select(t.ledger.c.entry_id).where(
        t.ledger.c.entry_id.in_([e["entry_id"] for e in entries])))}
    missing = [e for e in entries if e["entry_id"] not in held]
    if missing:
        PageApplier(conn, store.now(), lambda _toml: None)._entries(missing)  # noqa: SLF001 - the pull's own insert


def _member_id(conn: Connection, store: Store, lookup: dict[str, Any]) -> int:
    """The local member of HQ's sale; a member this till has not pulled yet is added from HQ's snapshot, as a
    pull would (quietly: it is not pushed back)."""
    member = lookup.get("member") or {}
    uuid = member.get("uuid") or lookup["sale"]["member_uuid"]
    found = conn.execute(select(t.members.c.id).where(t.members.c.uuid == uuid)).scalar()
    if found is not None:
        return int(found)
    if not member:
        raise NotFound(Reason.NO_SUCH_SALE, "sale_id", sale=lookup["sale"]["sale_id"])
    from pos_member.storage.sync_apply import PageApplier

    conn.execute(t.sync_state.insert().values(key="applying_pull", value="1"))
    PageApplier(conn, store.now(), lambda _toml: None)._members([member])  # noqa: SLF001 - the pull's own upsert
    conn.execute(t.sync_state.delete().where(t.sync_state.c.key == "applying_pull"))
    return int(conn.execute(select(t.members.c.id).where(t.members.c.uuid == uuid)).scalar_one())
