"""The checkout quote: a pure function from a bill, a member's balances and the rules to what is paid how.

Order of application (each step on what the previous left):
1. tier discount on the bill, rounded down to the fen (the member never pays more than the stated price);
2. the coupon, judged on the discounted bill (the quote says why it applies or not);
3. points paid as cash, capped by the balance and by `max_bill_percent` of what is left;
4. stored value, capped by the balance and by what is left; taken from paid and bonus value in proportion;
5. the rest is payable in cash or by card.
Every amount is split across the lines in proportion (largest remainder), and points are earned per line on
what that line actually paid (after discount, coupon and points-cash; stored value counts as paid):
  points = paid_fen x category% x store% x tier% x promotion% x birthday% / (fen_per_point x 100^5),
rounded down per line. Of several promotions on one day the highest applies; they do not stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pos_member.domain.allocation import allocate
from pos_member.domain.coupons import CouponOffer, CouponVerdict, evaluate
from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.domain.redemption import (
    RedemptionFigures,
    SpendRule,
    check_redemption,
    check_stored,
    fen_to_points,
    max_redeemable,
    max_stored,
)
from pos_member.domain.rules import Rules, Tier

__all__ = ["Balances", "EarnContext", "Quote", "QuoteLine", "fen_to_points", "make_quote", "points_to_fen"]


@dataclass(frozen=True)
class Balances:
    points: int
    stored_paid_fen: int
    stored_bonus_fen: int

    @property
    def stored_value_fen(self) -> int:
        return self.stored_paid_fen + self.stored_bonus_fen


@dataclass(frozen=True)
class EarnContext:
    store_code: str
    day: date
    birthday_month: bool = False


@dataclass(frozen=True)
class QuoteLine:
    line_no: int
    category: str
    amount_fen: int
    discount_fen: int
    coupon_fen: int
    points_cash_fen: int
    points_redeemed: int
    stored_paid_fen: int
    stored_bonus_fen: int
    points_earned: int

    @property
    def paid_fen(self) -> int:
        """What the member paid for this line: cash plus stored value."""
        return self.amount_fen - self.discount_fen - self.coupon_fen - self.points_cash_fen


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
    coupon_code: str | None = None
    coupon_fen: int = 0
    coupon_verdict: CouponVerdict | None = None  # applied or not, and why: a reason, never a sentence
    earn_multiplier_percent: int = 100  # tier x promotion x birthday, for the receipt
    spend_rule: SpendRule = SpendRule.LOCAL  # which rule bounded points and stored value (redemption.py)
    max_stored_value_fen: int = 0  # the most stored value this bill allows after its points
    line_details: tuple[QuoteLine, ...] = field(default=(), compare=False)

    @property
    def spend_fen(self) -> int:
        """What the member really paid, for tier qualification: cash plus stored value."""
        return self.payable_fen + self.stored_value_fen

    @property
    def coupon_applied(self) -> bool:
        return self.coupon_verdict is not None and self.coupon_verdict.applies

    @property
    def coupon_note(self) -> str | None:
        """The English note (CLI, logs); the till makes its own from `coupon_verdict`."""
        return self.coupon_verdict.note if self.coupon_verdict else None


def points_to_fen(points: int, rules: Rules) -> int:
    return points * 100 // rules.points_per_yuan


def check_lines(total_fen: int, lines: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    if not lines:
        return (("general", total_fen),)
    line_sum = sum(fen for _, fen in lines)
    if line_sum != total_fen:
        raise InvalidInput(Reason.LINES_MISMATCH, "line", lines_fen=line_sum, amount_fen=total_fen)
    return tuple(lines)


def earn_multiplier_percent(tier: Tier, rules: Rules, context: EarnContext) -> tuple[int, int]:
    """(tier x promotion x birthday as a percent, the store's rate as a percent)."""
    promotion = max((p.multiplier_percent for p in rules.earning.promotions if p.applies(context.day)), default=100)
    birthday = rules.earning.birthday_month_multiplier_percent if context.birthday_month else 100
    store = rules.earning.stores.get(context.store_code, 100)
    return tier.points_multiplier_percent * promotion * birthday // 10_000, store


def _line_points(paid_fen: int, category: str, rules: Rules, multiplier: int, store: int) -> int:
    rate = rules.earning.category_percent(category)
    return paid_fen * rate * store * multiplier // (rules.earning.fen_per_point * 1_000_000)


def make_quote(
    total_fen: int,
    lines: list[tuple[str, int]],
    tier: Tier,
    balances: Balances,
    rules: Rules,
    redeem_points: int = 0,
    stored_value_fen: int = 0,
    coupon: CouponOffer | None = None,
    context: EarnContext | None = None,
    figures: RedemptionFigures | None = None,
) -> Quote:
    """`figures` are what limits the points beyond the balance (daily and offline caps, see redemption.py);
    without them only the balance and the bill cap apply."""
    if total_fen <= 0:
        raise InvalidInput(Reason.ZERO, "amount")
    if total_fen > rules.max_sale_fen:
        raise InvalidInput(Reason.ABOVE_SALE_LIMIT, "amount", limit_fen=rules.max_sale_fen)
    if redeem_points < 0:
        raise InvalidInput(Reason.NEGATIVE, "redeem_points", text=str(redeem_points))
    if stored_value_fen < 0:
        raise InvalidInput(Reason.NEGATIVE, "stored_value", text=str(stored_value_fen))
    figures = figures or RedemptionFigures(balances.points)
    context = context or EarnContext("", date.today())
    checked = check_lines(total_fen, lines)
    amounts = [fen for _, fen in checked]

    discount = total_fen * tier.discount_percent // 100
    discounts = allocate(discount, amounts)
    after_discount = total_fen - discount

    coupon_fen, verdict = 0, None
    if coupon is not None:
        verdict = evaluate(coupon, after_discount, context.day)
        coupon_fen = verdict.off_fen if verdict.applies else 0
    left_lines = [a - d for a, d in zip(amounts, discounts, strict=True)]
    coupons = allocate(coupon_fen, left_lines)
    after_coupon = after_discount - coupon_fen

    allowed = max_redeemable(after_coupon, figures, rules)
    check_redemption(redeem_points, after_coupon, figures, rules)
    points_cash = points_to_fen(redeem_points, rules)
    left_lines = [left - c for left, c in zip(left_lines, coupons, strict=True)]
    points_cash_lines = allocate(points_cash, left_lines)
    points_lines = allocate(redeem_points, left_lines)
    left = after_coupon - points_cash

    most_stored = max_stored(balances.stored_value_fen, left, figures, rules)
    check_stored(stored_value_fen, balances.stored_value_fen, left, figures, rules)
    bonus_part = (stored_value_fen * balances.stored_bonus_fen // balances.stored_value_fen
                  if balances.stored_value_fen else 0)
    paid_part = stored_value_fen - bonus_part
    left_lines = [left_ - p for left_, p in zip(left_lines, points_cash_lines, strict=True)]
    paid_lines, bonus_lines = allocate(paid_part, left_lines), allocate(bonus_part, left_lines)

    multiplier, store_rate = earn_multiplier_percent(tier, rules, context)
    details = tuple(
        QuoteLine(index + 1, category, amounts[index], discounts[index], coupons[index], points_cash_lines[index],
                  points_lines[index], paid_lines[index], bonus_lines[index],
                  _line_points(left_lines[index], category, rules, multiplier, store_rate))
        for index, (category, _) in enumerate(checked)
    )
    return Quote(
        total_fen=total_fen, lines=checked, tier_code=tier.code, discount_fen=discount,
        max_redeemable_points=allowed, points_redeemed=redeem_points, points_cash_fen=points_cash,
        stored_value_fen=stored_value_fen, stored_paid_fen=paid_part, stored_bonus_fen=bonus_part,
        payable_fen=left - stored_value_fen, points_earned=sum(line.points_earned for line in details),
        coupon_code=coupon.code if coupon else None, coupon_fen=coupon_fen, coupon_verdict=verdict,
        earn_multiplier_percent=multiplier, spend_rule=figures.rule, max_stored_value_fen=most_stored,
        line_details=details,
    )
