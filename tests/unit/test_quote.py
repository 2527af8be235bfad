from datetime import date, timedelta

import pytest

from pos_member.domain.coupons import CouponOffer
from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.quote import Balances, make_quote
from pos_member.domain.redemption import OfflinePosition, RedemptionFigures, SpendRule
from pos_member.domain.rules import default_rules_text, parse_rules_toml

RULES = parse_rules_toml(default_rules_text())
STANDARD, SILVER, GOLD = RULES.tier("standard"), RULES.tier("silver"), RULES.tier("gold")
RICH = Balances(points=100_000, stored_paid_fen=100_000, stored_bonus_fen=10_000)


def test_plain_sale_earns_one_point_per_whole_yuan_paid():
    quote = make_quote(12850, [], STANDARD, Balances(0, 0, 0), RULES)
    assert (quote.discount_fen, quote.payable_fen, quote.points_earned) == (0, 12850, 128)
    assert quote.lines == (("general", 12850),)


def test_gold_discount_then_points_cash_then_multiplier():
    # 200.00 bill, gold 5% off -> 190.00; 5,000 points -> 50.00; earn on 140.00 at 1.5x = 210
    quote = make_quote(20000, [], GOLD, RICH, RULES, redeem_points=5000)
    assert quote.discount_fen == 1000
    assert quote.points_cash_fen == 5000
    assert quote.payable_fen == 14000
    assert quote.points_earned == 210


def test_discount_rounds_down_in_the_stores_favour_by_under_a_fen():
    quote = make_quote(999, [], SILVER, Balances(0, 0, 0), RULES)  # 2% of 9.99 = 0.1998
    assert quote.discount_fen == 19


def test_points_cash_capped_at_half_the_bill_and_by_balance():
    quote = make_quote(10000, [], STANDARD, RICH, RULES)
    assert quote.max_redeemable_points == 5000
    with pytest.raises(RuleRefused) as caught:
        make_quote(10000, [], STANDARD, RICH, RULES, redeem_points=5001)
    assert caught.value.field == "redeem_points" and "at most 5000" in caught.value.message
    with pytest.raises(RuleRefused, match="only 300 points"):
        make_quote(10000, [], STANDARD, Balances(300, 0, 0), RULES, redeem_points=400)


def test_stored_value_split_between_paid_and_bonus_in_proportion():
    quote = make_quote(11000, [], STANDARD, RICH, RULES, stored_value_fen=11000)
    assert (quote.stored_paid_fen, quote.stored_bonus_fen, quote.payable_fen) == (10000, 1000, 0)
    assert quote.points_earned == 110  # paid from stored value still earns: the member paid for it


def test_stored_value_beyond_balance_or_bill_refused():
    with pytest.raises(RuleRefused, match="only 1100.00"):
        make_quote(500_000, [], STANDARD, RICH, RULES, stored_value_fen=120_000)
    with pytest.raises(RuleRefused, match="left to pay"):
        make_quote(1000, [], STANDARD, RICH, RULES, stored_value_fen=2000)


def test_lines_must_add_up():
    quote = make_quote(3000, [("food", 2000), ("tobacco", 1000)], STANDARD, RICH, RULES)
    assert quote.lines == (("food", 2000), ("tobacco", 1000))
    with pytest.raises(InvalidInput) as caught:
        make_quote(3000, [("food", 2000)], STANDARD, RICH, RULES)
    assert caught.value.field == "line"


def test_sale_above_store_limit_refused():
    with pytest.raises(InvalidInput, match="limit"):
        make_quote(RULES.max_sale_fen + 1, [], STANDARD, RICH, RULES)


def test_negative_points_to_redeem_are_refused_naming_the_field():
    # quote.x_make_quote__mutmut_25 (no reason), 28 (field)
    with pytest.raises(InvalidInput) as caught:
        make_quote(20000, [], GOLD, RICH, RULES, redeem_points=-5)
    assert (caught.value.reason.name, caught.value.field, caught.value.params) == (
        "NEGATIVE", "redeem_points", {"text": "-5"})


@pytest.mark.parametrize(("total", "lines", "stored", "reason", "field", "params"), [
    (0, [], 0, "ZERO", "amount", {}),
    (RULES.max_sale_fen + 1, [], 0, "ABOVE_SALE_LIMIT", "amount", {"limit_fen": RULES.max_sale_fen}),
    (20000, [], -1, "NEGATIVE", "stored_value", {"text": "-1"}),
    (3000, [("food", 2000)], 0, "LINES_MISMATCH", "line", {"lines_fen": 2000, "amount_fen": 3000}),
])
def test_a_bill_the_till_cannot_quote_is_refused_by_reason_field_and_figures(total, lines, stored, reason, field,
                                                                           params):
    # quote.x_make_quote__mutmut_3 (a bill of 0), 5-10, 13-19, 33-39 (reason, field, figures);
    # x_check_lines__mutmut_7-14
    with pytest.raises(InvalidInput) as caught:
        make_quote(total, lines, GOLD, RICH, RULES, stored_value_fen=stored)
    assert (caught.value.reason.name, caught.value.field, caught.value.params) == (reason, field, params)


def test_a_bill_of_exactly_the_store_limit_is_quoted():
    # quote.x_make_quote__mutmut_11
    assert make_quote(RULES.max_sale_fen, [], STANDARD, RICH, RULES).payable_fen == RULES.max_sale_fen


def test_a_coupon_is_judged_on_today_when_the_quote_names_no_day():
    # quote.x_make_quote__mutmut_48: without an EarnContext the quote is for today, not for no day
    today = date.today()
    offer = CouponOffer("ABCDEFGHIJ", "amount_off", "10 off", 1000, 0, 0, 0, (today - timedelta(days=1)).isoformat(),
                        (today + timedelta(days=1)).isoformat(), "issued", True)
    quote = make_quote(5000, [], STANDARD, RICH, RULES, coupon=offer)
    assert (quote.coupon_fen, quote.payable_fen) == (1000, 4000)


def test_an_offline_quote_tells_the_multiplier_the_rule_and_the_most_stored_value_it_allows():
    # quote.x_make_quote__mutmut_140, 144, 153 (the stored-value limits without their rules), 242-244, 261-263
    # (the receipt's multiplier, the rule that bounded the spend and the most stored value, lost)
    offline = RedemptionFigures(100_000, offline=OfflinePosition(10**6, 0, 0, 0, stored_confirmed_fen=80_000))
    quote = make_quote(100_000, [], GOLD, RICH, RULES, stored_value_fen=30_000, figures=offline)
    # gold: 5% off and 1.5x points; offline, a member may spend at most 500 yuan of stored value
    assert (quote.earn_multiplier_percent, quote.spend_rule, quote.max_stored_value_fen, quote.payable_fen) == (
        150, SpendRule.OFFLINE, 50_000, 65_000)
    with pytest.raises(RuleRefused) as caught:
        make_quote(100_000, [], GOLD, RICH, RULES, stored_value_fen=50_001, figures=offline)
    assert caught.value.params == {"left_fen": 50_000}
