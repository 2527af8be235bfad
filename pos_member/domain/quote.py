"""The checkout quote: a pure function from a bill, a member's balances and the rules to what is paid how.

Order of application (each step on what the previous left):
1. tier discount on the bill, rounded down to the fen (the member never gets less than the stated price);
2. points paid as cash, capped by the balance and by `max_bill_percent` of the discounted bill;
3. stored value, capped by the balance and by what is left; taken from paid and bonus value in proportion;
4. the rest is payable in cash or by card.
Points earned = what was actually paid (discounted bill minus points-cash) / fen_per_point, times the tier
multiplier, rounded down once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.money import format_yuan
from pos_member.domain.rules import Rules, Tier


@dataclass(frozen=True)
class Balances:
    points: int
    stored_paid_fen: int
    stored_bonus_fen: int

    @property
    def stored_value_fen(self) -> int:
        return self.stored_paid_fen + self.stored_bonus_fen


@dataclass(frozen=True)
class Quote:
    total_fen: int
    lines: tuple[tuple[str, int], ...]
    tier_code: str
    discount_fen: int
    max_redeemable_points: int
    points_redeemed: int
    points_cash_fen: int
    stored_value_fen: int
    stored_paid_fen: int
    stored_bonus_fen: int
    payable_fen: int
    points_earned: int

    @property
    def spend_fen(self) -> int:
        """What the member really paid for tier qualification: cash plus stored value."""
        return self.payable_fen + self.stored_value_fen


def points_to_fen(points: int, rules: Rules) -> int:
    return points * 100 // rules.points_per_yuan


def fen_to_points(fen: int, rules: Rules) -> int:
    return fen * rules.points_per_yuan // 100


def max_redeemable(after_discount_fen: int, balance_points: int, rules: Rules) -> int:
    cap_fen = after_discount_fen * rules.max_bill_percent // 100
    cap_points = fen_to_points(cap_fen, rules)
    # round down to points that convert to whole fen
    unit = max(1, rules.points_per_yuan // 100)
    return max(0, min(balance_points, cap_points) // unit * unit)


def check_lines(total_fen: int, lines: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    if not lines:
        return (("general", total_fen),)
    line_sum = sum(fen for _, fen in lines)
    if line_sum != total_fen:
        raise InvalidInput(
            f"lines add up to {format_yuan(line_sum)} but the amount is {format_yuan(total_fen)}", "line"
        )
    return tuple(lines)


def make_quote(
    total_fen: int,
    lines: list[tuple[str, int]],
    tier: Tier,
    balances: Balances,
    rules: Rules,
    redeem_points: int = 0,
    stored_value_fen: int = 0,
) -> Quote:
    if total_fen <= 0:
        raise InvalidInput("must be greater than 0", "amount")
    if total_fen > rules.max_sale_fen:
        raise InvalidInput(f"is above the store's limit of {format_yuan(rules.max_sale_fen)}", "amount")
    if redeem_points < 0:
        raise InvalidInput("must not be negative", "redeem_points")
    if stored_value_fen < 0:
        raise InvalidInput("must not be negative", "stored_value")
    checked_lines = check_lines(total_fen, lines)

    discount = total_fen * tier.discount_percent // 100
    after_discount = total_fen - discount

    allowed = max_redeemable(after_discount, balances.points, rules)
    if redeem_points and redeem_points > balances.points:
        raise RuleRefused(f"the member has only {balances.points} points", "redeem_points")
    if redeem_points > allowed:
        raise RuleRefused(
            f"at most {allowed} points on this bill ({rules.max_bill_percent}% of it)", "redeem_points"
        )
    if (redeem_points * 100) % rules.points_per_yuan:
        raise InvalidInput(f"must be a multiple of {rules.points_per_yuan // 100}", "redeem_points")
    points_cash = points_to_fen(redeem_points, rules)
    left = after_discount - points_cash

    if stored_value_fen > balances.stored_value_fen:
        raise RuleRefused(
            f"the member has only {format_yuan(balances.stored_value_fen)} stored value", "stored_value"
        )
    if stored_value_fen > left:
        raise RuleRefused(f"is more than the {format_yuan(left)} left to pay", "stored_value")
    bonus_part = (
        stored_value_fen * balances.stored_bonus_fen // balances.stored_value_fen
        if balances.stored_value_fen else 0
    )
    paid_part = stored_value_fen - bonus_part

    payable = left - stored_value_fen
    earned = left * tier.points_multiplier_percent // (rules.fen_per_point * 100)
    return Quote(
        total_fen=total_fen, lines=checked_lines, tier_code=tier.code, discount_fen=discount,
        max_redeemable_points=allowed, points_redeemed=redeem_points, points_cash_fen=points_cash,
        stored_value_fen=stored_value_fen, stored_paid_fen=paid_part, stored_bonus_fen=bonus_part,
        payable_fen=payable, points_earned=earned,
    )
