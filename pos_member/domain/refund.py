"""Refund arithmetic: reverse a recorded sale, line by line, from the sale's own figures, exactly.

Each line keeps what it took: its cash, the points it earned and redeemed, its stored value (paid and bonus).
After refunds totalling R of a line's amount A, floor(x * R / A) of each component x of that line has gone
back; a refund returns the difference between that figure after and before it. So refunding a whole line
reverses exactly what that line earned, and any sequence of partial refunds adds up to the whole sale.
A refund of an amount with no lines named is spread over the lines in proportion to what is left of each.

Points already spent: if reversing the earned points would take the member below zero, the shortfall is
bought back from the cash refund at the redemption rate (rounded up to the fen). If the cash part cannot
cover it, the rest stays as a negative points balance, which only a manager may approve.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_member.domain.allocation import allocate
from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason


@dataclass(frozen=True)
class LineFigures:
    line_no: int
    amount_fen: int
    cash_fen: int
    points_earned: int
    points_redeemed: int
    stored_paid_fen: int
    stored_bonus_fen: int
    refunded_fen: int  # refunded before this refund


@dataclass(frozen=True)
class LineRefund:
    line_no: int
    amount_fen: int
    cash_fen: int
    points_reversed: int
    points_restored: int
    stored_paid_fen: int
    stored_bonus_fen: int


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
    lines: tuple[LineRefund, ...] = ()

    @property
    def stored_value_restored_fen(self) -> int:
        return self.stored_paid_restored_fen + self.stored_bonus_restored_fen


def _part(component: int, before: int, after: int, whole: int) -> int:
    return component * after // whole - component * before // whole


def requested_amounts(lines: list[LineFigures], amount_fen: int | None,
                      by_line: dict[int, int | None] | None) -> dict[int, int]:
    """What to refund of each line: named lines (None = all that is left of it), or an amount spread in
    proportion to what is left, or everything left."""
    remaining = {line.line_no: line.amount_fen - line.refunded_fen for line in lines}
    if sum(remaining.values()) <= 0:
        raise RuleRefused(Reason.SALE_FULLY_REFUNDED, "sale")
    if by_line:
        wanted = {}
        for line_no, amount in by_line.items():
            if line_no not in remaining:
                raise InvalidInput(Reason.NO_SUCH_LINE, "line", line=line_no)
            wanted[line_no] = remaining[line_no] if amount is None else amount
            if wanted[line_no] <= 0 and amount is None:
                raise RuleRefused(Reason.LINE_FULLY_REFUNDED, "line", line=line_no)
            if wanted[line_no] > remaining[line_no]:
                raise RuleRefused(Reason.LINE_REFUND_OVER, "line", left_fen=remaining[line_no], line=line_no)
        return wanted
    left = sum(remaining.values())
    if amount_fen is None:
        return {n: r for n, r in remaining.items() if r > 0}
    if amount_fen > left:
        raise RuleRefused(Reason.REFUND_OVER, "amount", left_fen=left)
    order = list(remaining)
    return dict(zip(order, allocate(amount_fen, [remaining[n] for n in order]), strict=True))


def refund_figures(lines: list[LineFigures], wanted: dict[int, int], points_balance: int,
                   points_per_yuan: int) -> RefundFigures:
    total = sum(wanted.values())
    if total <= 0:
        raise RuleRefused(Reason.ZERO, "amount")
    parts = []
    for line in lines:
        amount = wanted.get(line.line_no, 0)
        if not amount:
            continue
        before, after = line.refunded_fen, line.refunded_fen + amount
        parts.append(LineRefund(
            line.line_no, amount, _part(line.cash_fen, before, after, line.amount_fen),
            _part(line.points_earned, before, after, line.amount_fen),
            _part(line.points_redeemed, before, after, line.amount_fen),
            _part(line.stored_paid_fen, before, after, line.amount_fen),
            _part(line.stored_bonus_fen, before, after, line.amount_fen),
        ))
    cash = sum(p.cash_fen for p in parts)
    reversed_ = sum(p.points_reversed for p in parts)
    restored = sum(p.points_restored for p in parts)
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
        amount_fen=total, cash_refund_fen=cash - clawback_fen, points_reversed=reversed_, points_restored=restored,
        stored_paid_restored_fen=sum(p.stored_paid_fen for p in parts),
        stored_bonus_restored_fen=sum(p.stored_bonus_fen for p in parts),
        clawback_points=clawback_points, clawback_fen=clawback_fen, negative_points=shortfall - clawback_points,
        lines=tuple(parts),
    )
