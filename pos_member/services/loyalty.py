"""Loyalty figures the checkout and the jobs share: qualification over the window, tier moves, lot expiry,
daily redemption caps and the referral reward. Each works inside the caller's transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select, text

from pos_member.domain.calendar import lot_expiry, window_for_sale
from pos_member.domain.lots import lapsing_points
from pos_member.domain.rules import Rules
from pos_member.services.context import Store, new_id
from pos_member.services.ledger import Posting, post
from pos_member.storage import driver
from pos_member.storage import tables as t
from pos_member.storage.driver import Record

# Spend that qualifies: what members paid (cash + stored value) on sales in the window, less what was
# refunded of those sales. Points measure: points earned less points reversed in the window.
QUALIFYING_SPEND = text("""
SELECT s.member_id AS member_id,
       SUM(s.payable_fen + s.stored_paid_fen + s.stored_bonus_fen - COALESCE((
           SELECT SUM(r.cash_refund_fen + r.clawback_fen + r.stored_paid_restored_fen + r.stored_bonus_restored_fen)
           FROM refunds r WHERE r.sale_id = s.sale_id), 0)) AS amount
FROM sales s
WHERE s.business_time >= :start AND s.business_time < :end {member_filter}
GROUP BY s.member_id
""")
QUALIFYING_POINTS = text("""
SELECT member_id, SUM(delta) AS amount FROM ledger
WHERE account = 'points' AND kind IN ('earn', 'reverse') AND business_time >= :start AND business_time < :end
{member_filter}
GROUP BY member_id
""")
_REDEEMED_BY_MEMBER = text("SELECT COALESCE(-SUM(delta), 0) FROM ledger WHERE member_id = :m AND kind = 'redeem' "
                           "AND business_time >= :day")
_REDEEMED_IN_STORE = text("SELECT COALESCE(-SUM(delta), 0) FROM ledger WHERE kind = 'redeem' AND store_code = :s "
                          "AND business_time >= :day")
SET_TIER = t.members.update().where(t.members.c.id == bindparam("member_id_")).values(
    tier_code=bindparam("tier"), tier_reached_on=bindparam("reached"))


def qualifying_query(rules: Rules, one_member: bool) -> str:
    base = QUALIFYING_POINTS if rules.qualification.measure == "points" else QUALIFYING_SPEND
    column = "member_id" if rules.qualification.measure == "points" else "s.member_id"
    return base.text.format(member_filter=f"AND {column} = :member_id" if one_member else "")


def member_qualifying(conn: Connection, rules: Rules, member_id: int, day: date) -> int:
    start, end = window_for_sale(rules.qualification, day)
    row = driver.first(conn, qualifying_query(rules, True),  # driver-level: after every sale (upgrade_at_once)
                       {"start": start.isoformat(), "end": end.isoformat(), "member_id": member_id})
    return int(row.amount) if row and row.amount else 0


def record_tier_change(conn: Connection, member_id: int, from_tier: str | None, to_tier: str, reason: str,
                       reached_on: str, business_time: str) -> None:
    conn.execute(SET_TIER, {"member_id_": member_id, "tier": to_tier, "reached": reached_on})
    if from_tier != to_tier:
        conn.execute(t.tier_changes.insert(), {"member_id": member_id, "from_tier": from_tier, "to_tier": to_tier,
                                               "reason": reason, "business_time": business_time})


def upgrade_at_once(conn: Connection, store: Store, rules: Rules, member: Record) -> str | None:
    """After a sale: move up at once if the window's total now reaches a higher tier (never down here)."""
    renamed = not rules.has_tier(member.tier_code)  # new rules dropped the member's tier
    if not renamed and member.tier_code == rules.tiers[-1].code:
        return None  # already at the top: no need to sum the window on every sale
    day = store.clock().date()
    reached = rules.tier_for(member_qualifying(conn, rules, member.id, day))
    if not renamed and rules.tier_rank(reached.code) <= rules.tier_rank(member.tier_code):
        return None
    record_tier_change(conn, member.id, member.tier_code, reached.code,
                       "tier not in the new rules" if renamed else "qualifying sale", day.isoformat(), store.now())
    return reached.code


# Per member, by FIFO over lots: lot credits (entries with expires_on) lapsed by a date, and the flow of
# everything else (spends and earlier expiries, net of restorations), which consumes the oldest lots first.
_LAPSED_LOTS = """
SELECT l.member_id AS member_id, m.points AS points,
       SUM(CASE WHEN l.expires_on IS NOT NULL AND l.expires_on <= :day THEN l.delta ELSE 0 END) AS lapsed,
       SUM(CASE WHEN l.expires_on IS NULL THEN l.delta ELSE 0 END) AS flow
FROM ledger l JOIN members m ON m.id = l.member_id
WHERE l.account = 'points' AND m.points > 0 {home_filter}
GROUP BY l.member_id
HAVING lapsed > 0
"""


def points_lapsing(conn: Connection, day: date, home: str | None = None) -> list[tuple[int, int]]:
    """(member, points that lapse by `day`): lapsed lots less what was consumed, at most the balance. The
    expiry job writes these; the liability report sums them. `home` keeps a store's own members only."""
    sql = text(_LAPSED_LOTS.format(home_filter="AND m.home_store = :home" if home else ""))
    due = []
    for row in conn.execute(sql, {"day": day.isoformat(), "home": home}):
        amount = lapsing_points(row.lapsed, row.flow, row.points)
        if amount > 0:
            due.append((row.member_id, amount))
    return due


def lot_expires_on(rules: Rules, day: date) -> str | None:
    expires = lot_expiry(rules.expiry, day)
    return expires.isoformat() if expires else None


def redeemed_today(conn: Connection, store: Store, member_id: int) -> tuple[int, int]:
    """Points redeemed today (by the member, in this store): the daily caps' figures."""
    day = store.clock().date().isoformat()
    by_member = conn.execute(_REDEEMED_BY_MEMBER, {"m": member_id, "day": day}).scalar_one()
    in_store = conn.execute(_REDEEMED_IN_STORE, {"s": store.identity.store_code, "day": day}).scalar_one()
    return int(by_member), int(in_store)


def award_referral(conn: Connection, store: Store, rules: Rules, rules_version: int, member: Record,
                   staff_id: int | None, sale_id: str | None = None, spend_fen: int | None = None
                   ) -> list[dict[str, Any]]:
    """Points to the referrer at the referred member's first purchase that reaches the rules' minimum
    qualifying spend (`referral.min_spend_fen`); once per referred member ever. The referrer's entry carries
    the purchase's sale id as its ref_id, so a refund of that purchase can find and reverse it."""
    if not member.referrer_id or not rules.referrer_points:
        return []
    if spend_fen is not None and spend_fen < rules.referral_min_spend_fen:
        return []
    key = f"referral:{member.uuid}"
    if conn.execute(text("SELECT 1 FROM rewards WHERE reward_key = :k"), {"k": key}).first():
        return []
    now = store.now()
    conn.execute(t.rewards.insert(), {"reward_key": key, "kind": "referral", "member_id": member.referrer_id,
                                      "points": rules.referrer_points, "business_time": now})
    return post(conn, store, member.referrer_id, [Posting(
        "points", "earn", rules.referrer_points, note=f"referral: {member.member_no}'s first purchase",
        expires_on=lot_expires_on(rules, store.clock().date()))],
        staff_id=staff_id, rules_version=rules_version, business_time=now, ref_id=sale_id or new_id())


_REFERRAL_OF_SALE = text(
    "SELECT l.member_id AS referrer_id, l.delta AS points, l.expires_on AS expires_on FROM ledger l "
    "WHERE l.ref_id = :sale AND l.member_id = :referrer AND l.account = 'points' AND l.kind = 'earn' "
    "AND l.sale_id IS NULL")


def reverse_referral(conn: Connection, store: Store, rules: Rules, rules_version: int, member: Record, sale: Record,
                     net_spend_fen: int, staff_id: int | None) -> list[dict[str, Any]]:
    """A refund of the purchase that paid a referral, within `referral.reversal_days` of it, that takes its
    net spend below `referral.min_spend_fen` takes the referrer's points back (a `reverse` entry from the same
    lot). The reward stays used: the referral is not paid again (docs/rules.md)."""
    if not member.referrer_id or net_spend_fen >= rules.referral_min_spend_fen:
        return []
    sold_on = date.fromisoformat(sale.business_time[:10])
    if (store.clock().date() - sold_on).days > rules.referral_reversal_days:
        return []
    reward = conn.execute(_REFERRAL_OF_SALE, {"sale": sale.sale_id, "referrer": member.referrer_id}).first()
    key = f"referral-reversed:{member.uuid}"
    if reward is None or conn.execute(text("SELECT 1 FROM rewards WHERE reward_key = :k"), {"k": key}).first():
        return []
    # what the referrer still holds of it: a referral never drives a balance below zero
    held = conn.execute(select(t.members.c.points).where(t.members.c.id == member.referrer_id)).scalar_one()
    taken = min(reward.points, max(0, held))
    now = store.now()
    conn.execute(t.rewards.insert(), {"reward_key": key, "kind": "referral_reversed",
                                      "member_id": member.referrer_id, "points": -taken, "business_time": now})
    return post(conn, store, member.referrer_id, [Posting(
        "points", "reverse", -taken, note=f"referral reversed: {member.member_no}'s purchase refunded",
        expires_on=reward.expires_on)], staff_id=staff_id, rules_version=rules_version, business_time=now,
        ref_id=sale.sale_id)
