"""Manager reports: sales, points and stored-value liability, tier movement and member segments.

Read-only. Amounts in fen, points as integers; each report covers [from, to) in business dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from pos_member.domain.errors import InvalidInput
from pos_member.domain.quote import points_to_fen
from pos_member.domain.reasons import Reason
from pos_member.services.context import Store
from pos_member.services.loyalty import points_lapsing
from pos_member.storage.chain_rules import rules_in_force

_SALES_BY_DAY = text("""
SELECT substr(business_time, 1, 10) AS day, COUNT(*) AS sales, SUM(total_fen) AS total_fen,
       SUM(discount_fen) AS discount_fen, SUM(coupon_fen) AS coupon_fen, SUM(points_cash_fen) AS points_cash_fen,
       SUM(stored_paid_fen + stored_bonus_fen) AS stored_value_fen, SUM(payable_fen) AS payable_fen,
       SUM(points_earned) AS points_earned, SUM(points_redeemed) AS points_redeemed
FROM sales WHERE business_time >= :start AND business_time < :end AND origin_device IS NULL
GROUP BY day ORDER BY day
""")
_REFUNDS = text("""
SELECT COUNT(*) AS refunds, COALESCE(SUM(amount_fen), 0) AS amount_fen, COALESCE(SUM(cash_refund_fen), 0) AS cash_fen
FROM refunds WHERE business_time >= :start AND business_time < :end AND origin_device IS NULL
""")
# origin_device: a sale or refund of another till, imported from HQ to refund a sale here; not this till's own


def _period(start: str, end: str) -> tuple[str, str]:
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError as exc:
        raise InvalidInput(Reason.BAD_PERIOD_DATES, "period") from exc
    if last <= first:
        raise InvalidInput(Reason.PERIOD_ORDER, "period")
    return first.isoformat(), last.isoformat()


def report_scope(store: Store) -> str:
    """What a till's report covers. Enrolled: this till (its own sales; members and balances as it last
    synced), with HQ's chain reports named; not enrolled: this store file."""
    identity = store.identity
    with store.db.read() as conn:
        enrolled = rules_in_force(conn)["enrolled"]
    if not enrolled:
        return f"this store file only (store {identity.store_code}, till {identity.device_no})"
    return (f"this till only (store {identity.store_code}, till {identity.device_no}: the sales made here, members "
            "and balances as this till last synced); for the chain ask HQ: pos-hq report "
            "sales|points|liability|tiers --period YYYY-MM")


def sales_report(store: Store, start: str, end: str) -> dict[str, Any]:
    first, last = _period(start, end)
    with store.db.read() as conn:
        days = [dict(row) for row in conn.execute(_SALES_BY_DAY, {"start": first, "end": last}).mappings()]
        refunds = dict(conn.execute(_REFUNDS, {"start": first, "end": last}).mappings().one())
    totals = {key: sum(day[key] for day in days) for key in days[0] if key != "day"} if days else {}
    return {"from": first, "to": last, "totals": totals, "refunds": refunds, "days": days}


def liability_report(store: Store, as_of: str | None = None) -> dict[str, Any]:
    day = date.fromisoformat(as_of) if as_of else store.clock().date()
    with store.db.read() as conn:
        _, rules = store.rules(conn)
        points, paid, bonus, members = conn.execute(text(
            "SELECT COALESCE(SUM(MAX(points, 0)), 0), COALESCE(SUM(stored_paid_fen), 0), "
            "COALESCE(SUM(stored_bonus_fen), 0), COUNT(*) FROM members")).one()
        lapsing = {f"points_lapsing_within_{n}_days": sum(
            amount for _, amount in points_lapsing(conn, day + timedelta(days=n))) for n in (30, 90)}
    return {"as_of": day.isoformat(), "members": members, "points_outstanding": points,
            "points_value_fen": points_to_fen(points, rules), "stored_paid_fen": paid, "stored_bonus_fen": bonus,
            **lapsing}


def tier_report(store: Store, start: str, end: str) -> dict[str, Any]:
    first, last = _period(start, end)
    with store.db.read() as conn:
        moves = [dict(r) for r in conn.execute(text(
            "SELECT from_tier, to_tier, COUNT(*) AS members FROM tier_changes WHERE business_time >= :s "
            "AND business_time < :e AND from_tier IS NOT NULL GROUP BY from_tier, to_tier ORDER BY members DESC"),
            {"s": first, "e": last}).mappings()]
        now = dict(conn.execute(text("SELECT tier_code, COUNT(*) FROM members WHERE status = 'active' "
                                     "GROUP BY tier_code")).all())
    return {"from": first, "to": last, "moves": moves, "members_by_tier": now}


def segment_report(store: Store, dormant_days: int = 90) -> dict[str, Any]:
    since = (store.clock().date() - timedelta(days=dormant_days)).isoformat()
    with store.db.read() as conn:
        active = conn.execute(text("SELECT COUNT(DISTINCT member_id) FROM sales WHERE business_time >= :s "
                                    "AND origin_device IS NULL"),
                              {"s": since}).scalar_one()
        total = conn.execute(text("SELECT COUNT(*) FROM members WHERE status = 'active'")).scalar_one()
        months = dict(conn.execute(text(
            "SELECT CAST(substr(birthday, 6, 2) AS INTEGER), COUNT(*) FROM members WHERE birthday IS NOT NULL "
            "AND status = 'active' GROUP BY 1 ORDER BY 1")).all())
        holders = conn.execute(text("SELECT COUNT(*) FROM members WHERE stored_paid_fen + stored_bonus_fen > 0")
                               ).scalar_one()
    return {"members": total, f"bought_in_last_{dormant_days}_days": active,
            f"dormant_{dormant_days}_days": total - active, "stored_value_holders": holders,
            "birthdays_by_month": {str(k): v for k, v in months.items()}}
