"""Checkout: quote a sale for a member, then commit it.

The commit writes the sale, its lines, its ledger entries, the cached balances, any tier upgrade and the
audit row in ONE BEGIN IMMEDIATE transaction: after a crash the sale is either whole or absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, bindparam

from pos_member.domain.quote import Balances, Quote, make_quote
from pos_member.domain.rules import Rules
from pos_member.services.audit import append_audit
from pos_member.services.context import Store, new_id
from pos_member.services.ledger import Posting, post
from pos_member.services.lookup import resolve
from pos_member.services.staff import CONSOLE_STAFF_ID
from pos_member.storage import tables as t

_INSERT_SALE = t.sales.insert()
_INSERT_LINES = t.sale_lines.insert()
_SET_SPEND = t.members.update().where(t.members.c.id == bindparam("member_id_")).values(
    total_spend_fen=bindparam("spend"))


@dataclass(frozen=True)
class SaleRequest:
    code: str
    amount_fen: int
    lines: tuple[tuple[str, int], ...] = ()
    redeem_points: int = 0
    stored_value_fen: int = 0


@dataclass(frozen=True)
class SaleResult:
    sale_id: str
    member_no: str
    quote: Quote
    points_balance: int
    stored_value_balance_fen: int
    tier: str
    tier_upgraded_from: str | None

    def as_dict(self) -> dict[str, Any]:
        q = self.quote
        return {
            "sale_id": self.sale_id, "member_no": self.member_no, "total_fen": q.total_fen,
            "discount_fen": q.discount_fen, "points_redeemed": q.points_redeemed,
            "points_cash_fen": q.points_cash_fen, "stored_value_fen": q.stored_value_fen,
            "payable_fen": q.payable_fen, "points_earned": q.points_earned,
            "points_balance": self.points_balance, "stored_value_balance_fen": self.stored_value_balance_fen,
            "tier": self.tier, "tier_upgraded_from": self.tier_upgraded_from,
        }


def _quote_for(member: Row, rules: Rules, request: SaleRequest) -> Quote:
    balances = Balances(member.points, member.stored_paid_fen, member.stored_bonus_fen)
    return make_quote(request.amount_fen, list(request.lines), rules.tier(member.tier_code), balances, rules,
                      request.redeem_points, request.stored_value_fen)


def quote_sale(store: Store, request: SaleRequest) -> Quote:
    """The quote the till shows before confirming; reads only."""
    with store.db.read() as conn:
        member, _ = resolve(conn, store, request.code, for_use=True)
        _, rules = store.rules(conn)
        return _quote_for(member, rules, request)


def _upgrade_tier(conn: Connection, store: Store, rules: Rules, member: Row, new_spend: int) -> str | None:
    reached = rules.tier_for_spend(new_spend)
    if rules.tier_rank(reached.code) <= rules.tier_rank(member.tier_code):
        return None
    conn.execute(t.members.update().where(t.members.c.id == member.id).values(tier_code=reached.code))
    conn.execute(t.tier_changes.insert().values(
        member_id=member.id, from_tier=member.tier_code, to_tier=reached.code, reason="spend",
        business_time=store.now()))
    return reached.code


def commit_sale(store: Store, request: SaleRequest, staff_id: int = CONSOLE_STAFF_ID) -> SaleResult:
    with store.db.write() as conn:
        member, card = resolve(conn, store, request.code, for_use=True)
        rules_version, rules = store.rules(conn)
        quote = _quote_for(member, rules, request)
        sale_id, now = new_id(), store.now()
        conn.execute(_INSERT_SALE, {
            "sale_id": sale_id, "member_id": member.id, "card_no": card.card_no if card else None,
            "staff_id": staff_id, "rules_version": rules_version, "business_time": now,
            "tier_code": quote.tier_code, "total_fen": quote.total_fen, "discount_fen": quote.discount_fen,
            "points_redeemed": quote.points_redeemed, "points_cash_fen": quote.points_cash_fen,
            "stored_paid_fen": quote.stored_paid_fen, "stored_bonus_fen": quote.stored_bonus_fen,
            "payable_fen": quote.payable_fen, "points_earned": quote.points_earned,
        })
        conn.execute(_INSERT_LINES, [
            {"sale_id": sale_id, "line_no": index + 1, "category": category, "amount_fen": fen}
            for index, (category, fen) in enumerate(quote.lines)
        ])
        entries = post(conn, store, member.id, [
            Posting("points", "redeem", -quote.points_redeemed),
            Posting("stored_paid", "spend", -quote.stored_paid_fen),
            Posting("stored_bonus", "spend", -quote.stored_bonus_fen),
            Posting("points", "earn", quote.points_earned),
        ], staff_id=staff_id, rules_version=rules_version, business_time=now, sale_id=sale_id, ref_id=sale_id)
        new_spend = member.total_spend_fen + quote.spend_fen
        conn.execute(_SET_SPEND, {"member_id_": member.id, "spend": new_spend})
        upgraded = _upgrade_tier(conn, store, rules, member, new_spend)
        append_audit(conn, now, staff_id, "sale.commit", sale_id,
                     {"member_no": member.member_no, "total_fen": quote.total_fen,
                      "payable_fen": quote.payable_fen, "tier_upgrade": upgraded}, entries=entries)
        return SaleResult(
            sale_id=sale_id, member_no=member.member_no, quote=quote,
            points_balance=member.points - quote.points_redeemed + quote.points_earned,
            stored_value_balance_fen=member.stored_paid_fen + member.stored_bonus_fen - quote.stored_value_fen,
            tier=upgraded or member.tier_code, tier_upgraded_from=member.tier_code if upgraded else None,
        )
