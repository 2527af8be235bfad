"""Refund arithmetic: reverse a sale in proportion to what is refunded, exactly.

Each component of the sale (cash paid, points earned, points redeemed, stored value paid and bonus) is
returned cumulatively: after refunds totalling R of a bill T, floor(x * R / T) of component x has gone
back. A refund gives the difference between the cumulative figure after and before it, so any sequence of
partial refunds adds up to the whole component exactly when the whole bill has been refunded.

Points already spent: if reversing the earned points would take the member below zero, the shortfall is
bought back from the cash refund at the redemption rate (rounded up to the fen). If the cash part cannot
cover it, the rest stays as a negative points balance, which only a manager may approve.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_member.domain.errors import RuleRefused
from pos_member.domain.money import format_yuan


@dataclass(frozen=True)
class SaleFigures:
    total_fen: int
    payable_fen: int
    points_earned: int
    points_redeemed: int
    stored_paid_fen: int
    stored_bonus_fen: int
    refunded_fen: int  # refunded before this refund


@dataclass(frozen=True)
class RefundFigures:
    amount_fen: int
    cash_refund_fen: int
    points_reversed: int
    points_restored: int
    stored_paid_restored_fen: int
    stored_bonus_restored_fen: int
    clawback_points: int  # shortfall points bought back from the cash refund
    clawback_fen: int
    negative_points: int  # shortfall left as a negative balance (needs a manager)

    @property
    def stored_value_restored_fen(self) -> int:
        return self.stored_paid_restored_fen + self.stored_bonus_restored_fen


def _part(component: int, before: int, after: int, total: int) -> int:
    return component * after // total - component * before // total


def refund_figures(sale: SaleFigures, amount_fen: int, points_balance: int, points_per_yuan: int) -> RefundFigures:
    remaining = sale.total_fen - sale.refunded_fen
    if remaining <= 0:
        raise RuleRefused("this sale has already been fully refunded", "sale")
    if amount_fen <= 0:
        raise RuleRefused("must be greater than 0", "amount")
    if amount_fen > remaining:
        raise RuleRefused(f"only {format_yuan(remaining)} of this sale is left to refund", "amount")
    before, after, total = sale.refunded_fen, sale.refunded_fen + amount_fen, sale.total_fen
    cash = _part(sale.payable_fen, before, after, total)
    reversed_ = _part(sale.points_earned, before, after, total)
    restored = _part(sale.points_redeemed, before, after, total)
    paid = _part(sale.stored_paid_fen, before, after, total)
    bonus = _part(sale.stored_bonus_fen, before, after, total)

    shortfall = max(0, -(points_balance + restored - reversed_))
    clawback_points = clawback_fen = 0
    if shortfall:
        needed_fen = -(-shortfall * 100 // points_per_yuan)  # ceiling: the store is never short-changed
        if cash >= needed_fen:
            clawback_points, clawback_fen = shortfall, needed_fen
        else:
            clawback_fen = cash
            clawback_points = min(shortfall, cash * points_per_yuan // 100)
    return RefundFigures(
        amount_fen=amount_fen, cash_refund_fen=cash - clawback_fen, points_reversed=reversed_,
        points_restored=restored, stored_paid_restored_fen=paid, stored_bonus_restored_fen=bonus,
        clawback_points=clawback_points, clawback_fen=clawback_fen,
        negative_points=shortfall - clawback_points,
    )
