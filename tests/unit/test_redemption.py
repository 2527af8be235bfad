"""The points limit: whichever limit is lowest sets the maximum, the maximum is accepted, one more is refused
naming that limit and its figure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.redemption import (
    HqAvailable,
    OfflinePosition,
    RedemptionFigures,
    SpendRule,
    check_redemption,
    check_stored,
    max_redeemable,
    max_stored,
)
from pos_member.domain.rules import default_rules_text, parse_rules_toml

RULES = parse_rules_toml(default_rules_text())  # 100 points = 1 yuan, half the bill, per day 50,000 / 2,000,000
BILL = 1_000_000  # 10,000 yuan: the bill allows 500,000 points


@pytest.mark.parametrize(("figures", "reason", "most"), [
    (RedemptionFigures(3000), Reason.POINTS_OVER_BALANCE, 3000),
    (RedemptionFigures(10**9), Reason.POINTS_OVER_MEMBER_DAY_CAP, 50_000),
    (RedemptionFigures(10**9, member_redeemed_today=49_000), Reason.POINTS_OVER_MEMBER_DAY_CAP, 1000),
    (RedemptionFigures(10**9, store_redeemed_today=1_999_500), Reason.POINTS_OVER_STORE_DAY_CAP, 500),
    (RedemptionFigures(10**9, offline=OfflinePosition(1130, 0, 0, 0)), Reason.POINTS_OVER_CONFIRMED, 1130),
    (RedemptionFigures(10**9, offline=OfflinePosition(3000, 300, 300, 300)), Reason.POINTS_OVER_CONFIRMED, 2700),
    (RedemptionFigures(10**9, offline=OfflinePosition(10**6, 4800, 4800, 4800)),
     Reason.POINTS_OVER_OFFLINE_MEMBER_CAP, 200),
    (RedemptionFigures(10**9, offline=OfflinePosition(10**6, 0, 0, 99_900)), Reason.POINTS_OVER_OFFLINE_TILL_CAP, 100),
])
def test_the_lowest_limit_sets_the_maximum_and_names_the_refusal(figures, reason, most):
    assert max_redeemable(BILL, figures, RULES) == most
    check_redemption(most, BILL, figures, RULES)  # the maximum shown is accepted
    with pytest.raises(RuleRefused) as caught:
        check_redemption(most + 1, BILL, figures, RULES)
    assert caught.value.reason == reason and caught.value.field == "redeem_points"
    assert str(most) in caught.value.message


def test_the_bill_cap():
    figures = RedemptionFigures(10**6)
    assert max_redeemable(10_000, figures, RULES) == 5000
    with pytest.raises(RuleRefused) as caught:
        check_redemption(5001, 10_000, figures, RULES)
    assert caught.value.reason == Reason.POINTS_OVER_BILL_CAP and caught.value.params["allowed"] == 5000


def test_steps_and_minimum():
    rules = replace(RULES, points_per_yuan=200, min_redeem_points=100)  # 2 points a fen
    figures = RedemptionFigures(1001)
    assert max_redeemable(1_000_000, figures, rules) == 1000
    with pytest.raises(InvalidInput) as caught:
        check_redemption(999, 1_000_000, figures, rules)
    assert caught.value.reason == Reason.POINTS_NOT_MULTIPLE
    with pytest.raises(RuleRefused) as below:
        check_redemption(50, 1_000_000, figures, rules)
    assert below.value.reason == Reason.POINTS_BELOW_MIN
    assert max_redeemable(1_000_000, RedemptionFigures(99), rules) == 0


OFFLINE = OfflinePosition(10**6, 0, 0, 0, stored_confirmed_fen=80_000)


@pytest.mark.parametrize(("figures", "reason", "most"), [
    (RedemptionFigures(0, offline=OFFLINE), Reason.STORED_OVER_OFFLINE_MEMBER_CAP, 50_000),  # rules: 500 yuan
    (RedemptionFigures(0, offline=replace(OFFLINE, stored_pending_debits_fen=40_000)),
     Reason.STORED_OVER_CONFIRMED, 40_000),
    # a top-up taken at this till and not yet at HQ: no other till knows it, so this till may spend it offline
    (RedemptionFigures(0, offline=replace(OFFLINE, stored_confirmed_fen=0, stored_pending_topups_fen=30_000)),
     Reason.STORED_OVER_CONFIRMED, 30_000),
    (RedemptionFigures(0, offline=replace(OFFLINE, stored_confirmed_fen=10_000, stored_pending_topups_fen=30_000,
                                          stored_pending_debits_fen=25_000)), Reason.STORED_OVER_CONFIRMED, 15_000),
    (RedemptionFigures(0, offline=replace(OFFLINE, stored_pending_spent_fen=45_000)),
     Reason.STORED_OVER_OFFLINE_MEMBER_CAP, 5_000),
    (RedemptionFigures(0, offline=replace(OFFLINE, till_stored_spent_today_fen=499_000)),
     Reason.STORED_OVER_OFFLINE_TILL_CAP, 1_000),
    (RedemptionFigures(0, offline=OFFLINE, hq=HqAvailable(0, 70_000)), Reason.STORED_OVER_HQ_AVAILABLE, 70_000),
    (RedemptionFigures(0), Reason.STORED_OVER_BALANCE, 90_000),
])
def test_stored_value_the_lowest_limit_sets_the_maximum_and_names_the_refusal(figures, reason, most):
    """Balance 900 yuan, 1,000 yuan left to pay: HQ's allowance, else the offline limit, else the balance."""
    assert max_stored(90_000, 100_000, figures, RULES) == most
    check_stored(most, 90_000, 100_000, figures, RULES)
    with pytest.raises(RuleRefused) as caught:
        check_stored(most + 1, 90_000, 100_000, figures, RULES)
    assert caught.value.reason == reason and caught.value.field == "stored_value"


def test_the_rule_that_applied():
    assert RedemptionFigures(5).rule == SpendRule.LOCAL
    assert RedemptionFigures(5, offline=OFFLINE).rule == SpendRule.OFFLINE
    assert RedemptionFigures(5, offline=OFFLINE, hq=HqAvailable(5, 0)).rule == SpendRule.HQ
    # HQ answered: the offline caps no longer bind (they refused while HQ was reachable, "offline cap")
    capped = OfflinePosition(10**6, 4800, 4800, 4800)
    assert max_redeemable(BILL, RedemptionFigures(10**9, offline=capped), RULES) == 200
    assert max_redeemable(BILL, RedemptionFigures(10**9, offline=capped, hq=HqAvailable(30_000, 0)), RULES) == 30_000


def refused(check, *args) -> tuple[Reason, str | None, dict]:
    with pytest.raises((InvalidInput, RuleRefused)) as caught:
        check(*args)
    return caught.value.reason, caught.value.field, caught.value.params


def test_refusals_carry_their_field_and_whole_figures():
    # redemption.x_check_redemption__mutmut_4, 54, x_check_stored__mutmut_9 (field); x_limits__mutmut_30,
    # x_stored_limits__mutmut_28 (figure names); x_fen_to_points__mutmut_1 (/ made the cap 5000.0 points)
    figures = RedemptionFigures(10**6)
    assert refused(check_redemption, -1, BILL, figures, RULES) == (Reason.NEGATIVE, "redeem_points", {"text": "-1"})
    cap = refused(check_redemption, 5001, 10_000, figures, RULES)
    assert cap == (Reason.POINTS_OVER_BILL_CAP, "redeem_points", {"allowed": 5000, "percent": 50})
    assert all(type(figure) is int for figure in cap[2].values())
    steps = replace(RULES, points_per_yuan=200)
    assert refused(check_redemption, 999, BILL, figures, steps) == (
        Reason.POINTS_NOT_MULTIPLE, "redeem_points", {"step": 2})
    assert refused(check_stored, -5, 90_000, 100_000, figures, RULES) == (
        Reason.NEGATIVE, "stored_value", {"text": "-5"})
    hq = RedemptionFigures(0, offline=OFFLINE, hq=HqAvailable(0, 70_000))
    assert refused(check_stored, 70_001, 90_000, 100_000, hq, RULES) == (
        Reason.STORED_OVER_HQ_AVAILABLE, "stored_value", {"available_fen": 70_000})


def test_nothing_confirmed_beyond_the_pending_debits_allows_no_points_offline():
    # redemption.x_limits__mutmut_82: max(1, ...) let one point through
    assert max_redeemable(BILL, RedemptionFigures(10**9, offline=OfflinePosition(300, 300, 0, 0)), RULES) == 0
    assert max_redeemable(BILL, RedemptionFigures(10**9, offline=OfflinePosition(300, 500, 0, 0)), RULES) == 0


def test_each_stored_value_refusal_names_its_figure():
    # redemption.x_stored_limits__mutmut_16, 17, 60, 61, 69, 70, 78, 79 (figure names)
    cases = [
        (RedemptionFigures(0), 100_000, 5_000, Reason.STORED_OVER_LEFT, {"left_fen": 5_000}),
        (RedemptionFigures(0, offline=replace(OFFLINE, stored_pending_debits_fen=40_000)), 100_000, 100_000,
         Reason.STORED_OVER_CONFIRMED, {"available_fen": 40_000}),
        (RedemptionFigures(0, offline=replace(OFFLINE, stored_pending_spent_fen=45_000)), 100_000, 100_000,
         Reason.STORED_OVER_OFFLINE_MEMBER_CAP, {"left_fen": 5_000}),
        (RedemptionFigures(0, offline=replace(OFFLINE, till_stored_spent_today_fen=499_000)), 100_000, 100_000,
         Reason.STORED_OVER_OFFLINE_TILL_CAP, {"left_fen": 1_000}),
    ]
    for figures, balance, left, reason, params in cases:
        most = max_stored(balance, left, figures, RULES)
        assert refused(check_stored, most + 1, balance, left, figures, RULES) == (reason, "stored_value", params)


def test_nothing_left_offline_allows_no_stored_value_and_nothing_at_all_is_zero():
    # redemption.x_stored_limits__mutmut_36, 44, 51 and x_max_stored__mutmut_5: max(1, ...) let one fen through
    spent = [replace(OFFLINE, stored_confirmed_fen=300, stored_pending_debits_fen=500),
             replace(OFFLINE, stored_pending_spent_fen=60_000), replace(OFFLINE, till_stored_spent_today_fen=600_000)]
    for offline in spent:
        assert max_stored(90_000, 100_000, RedemptionFigures(0, offline=offline), RULES) == 0
    assert max_stored(0, 100_000, RedemptionFigures(0), RULES) == 0


def test_the_minimum_redemption_itself_is_allowed_and_less_is_refused_naming_it():
    # redemption.x_max_redeemable__mutmut_20 (exactly the minimum), x_check_redemption__mutmut_33..39
    rules = replace(RULES, min_redeem_points=100)
    assert max_redeemable(1_000_000, RedemptionFigures(100), rules) == 100
    check_redemption(100, 1_000_000, RedemptionFigures(100), rules)
    assert refused(check_redemption, 99, 1_000_000, RedemptionFigures(1000), rules) == (
        Reason.POINTS_BELOW_MIN, "redeem_points", {"min": 100})


def test_a_step_of_points_is_whole():
    # redemption.x_step__mutmut_6: 250 points a yuan is 2.5 a fen; redemptions go in whole steps of 2
    rules = replace(RULES, points_per_yuan=250)
    most = max_redeemable(1_000_000, RedemptionFigures(1001), rules)
    assert (most, type(most)) == (1000, int)
    assert refused(check_redemption, 999, 1_000_000, RedemptionFigures(1001), rules) == (
        Reason.POINTS_NOT_MULTIPLE, "redeem_points", {"step": 2})


def test_a_cap_used_up_allows_no_points_and_hqs_allowance_is_named_when_passed():
    # redemption.x_limits__mutmut_38, 89, 96 (max(1, ...) let one point through a cap used up), 68, 70, 74, 75
    # (HQ's allowance refused without its reason or figure)
    used_up = [RedemptionFigures(10**9, member_redeemed_today=50_000),
               RedemptionFigures(10**9, offline=OfflinePosition(10**6, 0, 5000, 0)),
               RedemptionFigures(10**9, offline=OfflinePosition(10**6, 0, 0, 100_000))]
    for figures in used_up:
        assert max_redeemable(BILL, figures, RULES) == 0
    hq = RedemptionFigures(10**9, hq=HqAvailable(1200, 0))
    assert max_redeemable(BILL, hq, RULES) == 1200
    assert refused(check_redemption, 1201, BILL, hq, RULES) == (
        Reason.POINTS_OVER_HQ_AVAILABLE, "redeem_points", {"available": 1200})
