"""EntryLimits.of: the largest entry of each kind a till's rules allow, figure by figure. Each test picks rules
whose product is not a round number where a mutated divisor, an off-by-one floor (100 -> 101) or a true
division would show, and states the arithmetic."""

from __future__ import annotations

from dataclasses import replace

from pos_member.domain.rules import Promotion, Rules, TopupStep, default_rules_text, parse_rules_toml
from pos_member.domain.validate import EntryLimits

DEFAULT = parse_rules_toml(default_rules_text())


def rules(*, tiers: tuple[int, ...] = (100,), promotions: tuple[int, ...] = (), birthday: int = 100,
          categories: dict[str, int] | None = None, stores: dict[str, int] | None = None, fen_per_point: int = 1,
          max_sale_fen: int = 1_000_000, **figures: int | tuple[TopupStep, ...]) -> Rules:
    """The default rules with these multipliers (tier percents, promotion percents, ...) and figures."""
    earning = replace(DEFAULT.earning, fen_per_point=fen_per_point, birthday_month_multiplier_percent=birthday,
                      categories=categories or {}, stores=stores or {},
                      promotions=tuple(Promotion(f"p{i}", percent) for i, percent in enumerate(promotions)))
    return replace(DEFAULT, earning=earning, max_sale_fen=max_sale_fen,
                   tiers=tuple(replace(DEFAULT.tiers[0], code=f"t{i}", points_multiplier_percent=percent)
                               for i, percent in enumerate(tiers)),
                   **figures)  # type: ignore[arg-type]


def test_the_default_rules_give_the_documented_limits():
    # 100,000 yuan a sale at 1 point a yuan, x2 for diamond; 50% of a bill at 100 points a yuan
    assert EntryLimits.of(DEFAULT) == EntryLimits(max_sale_fen=10_000_000, max_topup_fen=5_000_000,
                                                  max_bonus_fen=30_000, max_earn_points=200_000,
                                                  max_redeem_points=5_000_000)


def test_plain_rules_earn_one_point_a_fen_exactly():
    # 10^6 fen * (100 * 100) rate * (100 * 100 * 100) multiplier // (1 * 10^10) = 10^6: no floor above 100 adds 1%
    assert EntryLimits.of(rules(referrer_points=0)).max_earn_points == 1_000_000


def test_promotion_birthday_category_and_store_percents_below_100_never_lower_the_limit():
    # each factor is at least 100%: a 50% promotion, category or store is a lower rate, never the highest
    limits = EntryLimits.of(rules(promotions=(50,), birthday=50, categories={"tobacco": 0, "milk": 50},
                                  stores={"001": 50}, referrer_points=0))
    assert limits.max_earn_points == 1_000_000


def test_every_multiplier_above_100_multiplies_the_earn_limit():
    # 10^6 * (150 * 120) * (200 * 130 * 110) // 10^10 = 10^6 * 18_000 * 2_860_000 // 10^10 = 5_148_000
    limits = EntryLimits.of(rules(tiers=(100, 200), promotions=(90, 130), birthday=110,
                                  categories={"a": 150}, stores={"001": 120}, referrer_points=0))
    assert limits.max_earn_points == 5_148_000


def test_the_earn_limit_is_floored_to_whole_points_per_fen_per_point():
    # 1_000_000 fen at 3 fen a point: 333_333 whole points (a true division would give 333_333.33...)
    limits = EntryLimits.of(rules(max_sale_fen=1_000_000, fen_per_point=3, referrer_points=0))
    assert limits.max_earn_points == 333_333 and type(limits.max_earn_points) is int


def test_a_referral_larger_than_any_sale_earns_is_the_earn_limit():
    assert EntryLimits.of(rules(max_sale_fen=1000, referrer_points=5000)).max_earn_points == 5000
    assert EntryLimits.of(rules(max_sale_fen=1000, referrer_points=999)).max_earn_points == 1000


def test_the_redeem_limit_is_the_points_of_the_largest_share_of_the_largest_sale():
    # 1_000_000 fen * 50% * 100 points a yuan // 10_000 = 500_000 points, exactly
    assert EntryLimits.of(rules(max_sale_fen=1_000_000, max_bill_percent=50, points_per_yuan=100)
                          ).max_redeem_points == 500_000


def test_the_redeem_limit_is_floored_to_whole_points():
    # 12_345 * 33 * 7 = 2_851_695 // 10_000 = 285 (a true division would give 285.1695)
    limits = EntryLimits.of(rules(max_sale_fen=12_345, max_bill_percent=33, points_per_yuan=7))
    assert limits.max_redeem_points == 285 and type(limits.max_redeem_points) is int


def test_sale_topup_and_bonus_limits_come_from_the_rules():
    steps = (TopupStep(50_000, 5_000), TopupStep(100_000, 12_345), TopupStep(200_000, 9_000))
    limits = EntryLimits.of(rules(max_sale_fen=7_654_321, max_topup_fen=1_234_567, topup_steps=steps))
    assert (limits.max_sale_fen, limits.max_topup_fen, limits.max_bonus_fen) == (7_654_321, 1_234_567, 12_345)


def test_rules_without_topup_steps_allow_no_bonus():
    assert EntryLimits.of(rules(topup_steps=())).max_bonus_fen == 0
