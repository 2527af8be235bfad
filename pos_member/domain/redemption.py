"""How many points a bill may take: one function for the quote's maximum and the commit's check.

The limits, each with the reason that names it when it bites (ARCHITECTURE "Offline spending" for the last
three, which hold only once the store is enrolled in a chain):
- the member's balance;
- `max_bill_percent` of the bill left after discount and coupon;
- the member's and the store's daily redemption caps (`risk.max_redeem_points_per_*_day`), less what was
  redeemed today;
- the balance HQ has confirmed less this till's unconfirmed debits of the member;
- `risk.offline_redeem_points_per_member` less the member's unconfirmed redemptions here;
- `risk.offline_redeem_points_per_store_day` less this till's unconfirmed redemptions today.
The maximum is the least of them, in whole redemption steps, and 0 when below the minimum redemption; a
redemption is accepted exactly when it is at most every limit, at least the minimum and a whole step, so the
maximum the till shows is always accepted and one point more is refused naming the limit that applied.
The service gathers the figures in the quote's (or the sale's) one read; this module only decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import Rules


@dataclass(frozen=True)
class OfflinePosition:
    """An enrolled store's view of one member's points against what HQ has acknowledged."""

    confirmed: int  # other devices' entries (they came from HQ) + this device's acknowledged ones
    pending_debits: int  # this device's unacknowledged debits of the member
    pending_redeemed: int  # of which redemptions
    till_redeemed_today: int  # this device's unacknowledged redemptions today, all members


@dataclass(frozen=True)
class RedemptionFigures:
    balance: int
    member_redeemed_today: int = 0
    store_redeemed_today: int = 0
    offline: OfflinePosition | None = None  # None: a store on its own (its ledger is the whole truth)


@dataclass(frozen=True)
class Limit:
    reason: Reason
    points: int  # the most this limit lets through
    params: dict[str, int | str]


def fen_to_points(fen: int, rules: Rules) -> int:
    return fen * rules.points_per_yuan // 100


def step(rules: Rules) -> int:
    """Points that convert to a whole fen: redemptions are whole steps."""
    return max(1, rules.points_per_yuan // 100)


def limits(bill_fen: int, figures: RedemptionFigures, rules: Rules) -> list[Limit]:
    unit = step(rules)
    bill_cap = fen_to_points(bill_fen * rules.max_bill_percent // 100, rules) // unit * unit
    found = [
        Limit(Reason.POINTS_OVER_BALANCE, figures.balance, {"points": figures.balance}),
        Limit(Reason.POINTS_OVER_BILL_CAP, bill_cap, {"allowed": bill_cap, "percent": rules.max_bill_percent}),
    ]
    risk = rules.risk
    member_left = max(0, risk.max_redeem_points_per_member_day - figures.member_redeemed_today)
    store_left = max(0, risk.max_redeem_points_per_store_day - figures.store_redeemed_today)
    found.append(Limit(Reason.POINTS_OVER_MEMBER_DAY_CAP, member_left, {"left": member_left}))
    found.append(Limit(Reason.POINTS_OVER_STORE_DAY_CAP, store_left, {"left": store_left}))
    offline = figures.offline
    if offline is not None:
        available = max(0, offline.confirmed - offline.pending_debits)
        member_offline = max(0, risk.offline_redeem_points_per_member - offline.pending_redeemed)
        till_offline = max(0, risk.offline_redeem_points_per_store_day - offline.till_redeemed_today)
        found.append(Limit(Reason.POINTS_OVER_CONFIRMED, available, {"available": available}))
        found.append(Limit(Reason.POINTS_OVER_OFFLINE_MEMBER_CAP, member_offline, {"left": member_offline}))
        found.append(Limit(Reason.POINTS_OVER_OFFLINE_TILL_CAP, till_offline, {"left": till_offline}))
    return found


def max_redeemable(bill_fen: int, figures: RedemptionFigures, rules: Rules) -> int:
    unit = step(rules)
    most = max(0, min(limit.points for limit in limits(bill_fen, figures, rules)) // unit * unit)
    return most if most >= rules.min_redeem_points else 0


def check_redemption(points: int, bill_fen: int, figures: RedemptionFigures, rules: Rules) -> None:
    """Refuse `points` on this bill, naming the first limit it passes; accept exactly up to max_redeemable."""
    if points < 0:
        raise InvalidInput(Reason.NEGATIVE, "redeem_points", text=str(points))
    if not points:
        return
    found = limits(bill_fen, figures, rules)
    balance, others = found[0], found[1:]
    if points > balance.points:
        raise RuleRefused(balance.reason, "redeem_points", **balance.params)
    if points < rules.min_redeem_points:
        raise RuleRefused(Reason.POINTS_BELOW_MIN, "redeem_points", min=rules.min_redeem_points)
    for limit in others:
        if points > limit.points:
            raise RuleRefused(limit.reason, "redeem_points", **limit.params)
    if points % step(rules):
        raise InvalidInput(Reason.POINTS_NOT_MULTIPLE, "redeem_points", step=step(rules))
