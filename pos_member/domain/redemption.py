"""How many points and how much stored value a bill may take: one function for the quote's maximum and the
commit's check.

Which rule bounds the spending (ARCHITECTURE "Money across stores"), `SpendRule`:
- a store on its own (not enrolled): its ledger is the whole truth, the balance suffices;
- authorised by HQ: HQ answered within the timeout with what it allows (the member's chain balance less other
  tills' open holds less this till's spends not yet pushed): `HqAvailable`;
- offline limit: HQ did not answer (or this till has no address for it): the balance HQ last confirmed less
  this till's unconfirmed spends, within per-member and per-till offline caps (rules `[risk]`), for points AND
  stored value: `OfflinePosition`.

The points limits, each with the reason that names it when it bites:
- the member's balance;
- `max_bill_percent` of the bill left after discount and coupon;
- the member's and the store's daily redemption caps (`risk.max_redeem_points_per_*_day`), less what was
  redeemed today;
- authorised by HQ: what HQ allows;
- offline: the balance HQ has confirmed less this till's unconfirmed debits of the member,
  `risk.offline_redeem_points_per_member` less the member's unconfirmed redemptions here, and
  `risk.offline_redeem_points_per_store_day` less this till's unconfirmed redemptions today.
Stored value likewise: the balance, what is left to pay, then HQ's allowance or the offline limit
(`risk.offline_stored_fen_per_member`, `risk.offline_stored_fen_per_till_day`).
The maximum is the least of them (points in whole redemption steps, and 0 when below the minimum redemption); a
spend is accepted exactly when it is at most every limit, so the maximum the till shows is always accepted and
one point (or fen) more is refused naming the limit that applied.
The service gathers the figures in the quote's (or the sale's) one read; this module only decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import Rules


class SpendRule(StrEnum):
    LOCAL = "local"  # a store on its own
    HQ = "hq"  # authorised by HQ
    OFFLINE = "offline"  # HQ did not answer: the offline limit


@dataclass(frozen=True)
class OfflinePosition:
    """An enrolled store's view of one member's points and stored value against what HQ has acknowledged."""

    confirmed: int  # other devices' entries (they came from HQ) + this device's acknowledged ones
    pending_debits: int  # this device's unacknowledged debits of the member
    pending_redeemed: int  # of which redemptions
    till_redeemed_today: int  # this device's unacknowledged redemptions today, all members
    stored_confirmed_fen: int = 0  # the same for stored value (paid + bonus)
    stored_pending_debits_fen: int = 0
    stored_pending_spent_fen: int = 0  # of which spent on sales
    till_stored_spent_today_fen: int = 0
    # this till's unacknowledged top-ups (paid + bonus) of the member: money taken at this till, which no other
    # till knows of and so cannot spend; a member who tops up while HQ is down can spend it here at once
    stored_pending_topups_fen: int = 0


@dataclass(frozen=True)
class HqAvailable:
    """What HQ allows this sale: the chain balance plus this till's unpushed entries less other tills' open holds."""

    points: int
    stored_fen: int


@dataclass(frozen=True)
class RedemptionFigures:
    balance: int
    member_redeemed_today: int = 0
    store_redeemed_today: int = 0
    offline: OfflinePosition | None = None  # used when HQ did not answer; None: a store on its own
    hq: HqAvailable | None = None  # HQ answered: its allowance replaces the offline limit

    @property
    def rule(self) -> SpendRule:
        if self.hq is not None:
            return SpendRule.HQ
        return SpendRule.LOCAL if self.offline is None else SpendRule.OFFLINE


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
    if figures.hq is not None:
        found.append(Limit(Reason.POINTS_OVER_HQ_AVAILABLE, figures.hq.points, {"available": figures.hq.points}))
    elif offline is not None:
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


def stored_limits(balance_fen: int, left_fen: int, figures: RedemptionFigures, rules: Rules) -> list[Limit]:
    """Stored value's limits (in fen), in the order a refusal names them."""
    found = [Limit(Reason.STORED_OVER_BALANCE, balance_fen, {"balance_fen": balance_fen}),
             Limit(Reason.STORED_OVER_LEFT, left_fen, {"left_fen": left_fen})]
    offline = figures.offline
    if figures.hq is not None:
        found.append(Limit(Reason.STORED_OVER_HQ_AVAILABLE, figures.hq.stored_fen,
                           {"available_fen": figures.hq.stored_fen}))
    elif offline is not None:
        risk = rules.risk
        available = max(0, offline.stored_confirmed_fen + offline.stored_pending_topups_fen
                        - offline.stored_pending_debits_fen)
        member_left = max(0, risk.offline_stored_fen_per_member - offline.stored_pending_spent_fen)
        till_left = max(0, risk.offline_stored_fen_per_till_day - offline.till_stored_spent_today_fen)
        found.append(Limit(Reason.STORED_OVER_CONFIRMED, available, {"available_fen": available}))
        found.append(Limit(Reason.STORED_OVER_OFFLINE_MEMBER_CAP, member_left, {"left_fen": member_left}))
        found.append(Limit(Reason.STORED_OVER_OFFLINE_TILL_CAP, till_left, {"left_fen": till_left}))
    return found


def max_stored(balance_fen: int, left_fen: int, figures: RedemptionFigures, rules: Rules) -> int:
    return max(0, min(limit.points for limit in stored_limits(balance_fen, left_fen, figures, rules)))


def check_stored(fen: int, balance_fen: int, left_fen: int, figures: RedemptionFigures, rules: Rules) -> None:
    """Refuse `fen` of stored value naming the first limit it passes; accept exactly up to max_stored."""
    if fen < 0:
        raise InvalidInput(Reason.NEGATIVE, "stored_value", text=str(fen))
    if not fen:
        return
    for limit in stored_limits(balance_fen, left_fen, figures, rules):
        if fen > limit.points:
            raise RuleRefused(limit.reason, "stored_value", **limit.params)
