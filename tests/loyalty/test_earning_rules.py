from datetime import datetime

import pytest
from sqlalchemy import text

from pos_member.domain.errors import InvalidInput, NeedsManager, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.refunds import refund_sale
from pos_member.services.rules_admin import apply_rules, check_rules
from pos_member.services.stored_value import adjust_points
from tests.conftest import CHINA, MANAGER_PIN
from tests.loyalty.rules_text import rules_text


def test_category_store_and_tier_rates_per_line(store, apply, member):
    apply(earning_extra='[earning.categories]\ntobacco = 0\nfresh = 300\n[earning.stores]\n"001" = 150')
    sale = commit_sale(store, SaleRequest(member.card_no, 30000, (("fresh", 10000), ("tobacco", 10000),
                                                                  ("grocery", 10000))))
    # fresh: 100 yuan x 3 x 1.5 = 450; tobacco 0; grocery: 100 x 1.5 = 150
    assert [line.points_earned for line in sale.quote.line_details] == [450, 0, 150]
    assert sale.quote.points_earned == 600


def test_promotion_on_weekdays_and_dates_highest_wins(store, apply, member, clock):
    apply(earning_extra='[[earning.promotions]]\nname = "Tuesday double"\nmultiplier_percent = 200\n'
                        'weekdays = [2]\n[[earning.promotions]]\nname = "Singles day"\nmultiplier_percent = 300\n'
                        'dates = ["2026-11-11"]')
    assert commit_sale(store, SaleRequest(member.card_no, 10000)).quote.points_earned == 200  # a Tuesday
    clock.now = datetime(2026, 11, 11, 12, 0, tzinfo=CHINA)  # a Wednesday and Singles' Day
    assert commit_sale(store, SaleRequest(member.card_no, 10000)).quote.points_earned == 300
    clock.now = datetime(2026, 11, 12, 12, 0, tzinfo=CHINA)
    assert commit_sale(store, SaleRequest(member.card_no, 10000)).quote.points_earned == 100


def test_birthday_month_multiplier(store, apply, member, clock):
    apply(birthday=200)
    assert commit_sale(store, SaleRequest(member.card_no, 10000)).quote.points_earned == 100
    clock.now = datetime(2027, 3, 2, 12, 0, tzinfo=CHINA)
    assert commit_sale(store, SaleRequest(member.card_no, 10000)).quote.points_earned == 200


def test_rounding_is_down_per_line(store, member):
    sale = commit_sale(store, SaleRequest(member.card_no, 399, (("a", 199), ("b", 200))))
    assert [line.points_earned for line in sale.quote.line_details] == [1, 2]


def test_new_rules_never_reprice_a_recorded_sale(store, apply, member):
    sale = commit_sale(store, SaleRequest(member.card_no, 10000, (("grocery", 6000), ("tobacco", 4000))))
    assert sale.quote.points_earned == 60
    apply(earning_extra="[earning.categories]\ngrocery = 500")
    refund = refund_sale(store, sale.sale_id, None, None, lines={1: None})
    assert refund.figures.points_reversed == 60  # what the line earned then, not 300 under the new rules
    with store.db.read() as conn:
        versions = conn.execute(text("SELECT DISTINCT rules_version FROM ledger ORDER BY 1")).scalars().all()
    assert versions == [1, 2]  # every entry carries the version that priced it


def test_rules_check_names_the_key_and_apply_writes_nothing_when_bad(store, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(rules_text().replace("fen_per_point = 100", "fen_per_pont = 100"), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        check_rules(bad)
    assert caught.value.field == "earning.fen_per_pont" and "fen_per_point" in caught.value.message
    with pytest.raises(InvalidInput):
        apply_rules(store, bad, MANAGER_PIN)
    with store.db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM rules_versions")).scalar() == 1


def test_daily_redemption_caps(store, apply, member):
    apply(member_cap=3000, store_cap=4000)
    adjust_points(store, member.card_no, 50, "small goodwill", None)  # under the limit: no manager needed
    adjust_points(store, member.card_no, 9000, "float", MANAGER_PIN)
    with pytest.raises(NeedsManager):
        adjust_points(store, member.card_no, 101, "over the limit", None)
    commit_sale(store, SaleRequest(member.card_no, 10000, redeem_points=2500))
    with pytest.raises(RuleRefused, match="500 more points today"):
        commit_sale(store, SaleRequest(member.card_no, 10000, redeem_points=600))
    commit_sale(store, SaleRequest(member.card_no, 10000, redeem_points=500))


def test_the_store_daily_cap_counts_every_member_of_the_store_and_starts_again_the_next_day(store, apply, member,
                                                                                           clock):
    apply(member_cap=100_000, store_cap=4000)
    other = members.register_member(store, "另一位会员", "13800005678")
    for code in (member.card_no, other.card_no):
        adjust_points(store, code, 9000, "float", MANAGER_PIN)
    commit_sale(store, SaleRequest(member.card_no, 100_000, redeem_points=2500))
    with pytest.raises(RuleRefused) as caught:  # another member, the same store, the same day
        commit_sale(store, SaleRequest(other.card_no, 100_000, redeem_points=1501))
    assert caught.value.reason == Reason.POINTS_OVER_STORE_DAY_CAP and caught.value.params == {"left": 1500}
    commit_sale(store, SaleRequest(other.card_no, 100_000, redeem_points=1500))
    with pytest.raises(RuleRefused) as spent:
        commit_sale(store, SaleRequest(member.card_no, 100_000, redeem_points=100))
    assert spent.value.reason == Reason.POINTS_OVER_STORE_DAY_CAP and spent.value.params == {"left": 0}
    clock.advance(days=1)
    assert commit_sale(store, SaleRequest(other.card_no, 100_000, redeem_points=4000)).quote.points_redeemed == 4000


def test_an_adjustment_of_exactly_the_limit_needs_no_manager(store, apply, member):
    apply()  # adjust_without_manager_points = 100
    assert adjust_points(store, member.card_no, 100, "goodwill at the limit", None) == 100
    assert adjust_points(store, member.card_no, -100, "taken back at the limit", None) == 0
    with pytest.raises(NeedsManager):
        adjust_points(store, member.card_no, -101, "one point over", None)
