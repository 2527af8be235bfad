import pytest
from sqlalchemy import text

from pos_member.domain.errors import NeedsManager, RuleRefused
from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale, quote_sale
from pos_member.services.lookup import show_member
from pos_member.services.refunds import refund_sale
from pos_member.services.stored_value import adjust_points, top_up
from pos_member.services.verify import verify_store
from tests.conftest import MANAGER_PIN
from tests.integration.helpers import table_counts


@pytest.fixture
def member(store):
    return members.register_member(store, "张三", "13800001234")


def test_sale_writes_sale_lines_entries_balances_and_audit_together(store, member):
    top_up(store, member.card_no, 50000)  # 500 paid + 50 bonus
    result = commit_sale(store, SaleRequest(member.card_no, 30000, (("food", 20000), ("tobacco", 10000)),
                                            stored_value_fen=11000))
    q = result.quote
    # tobacco earns nothing under the default rules
    assert (q.stored_paid_fen, q.stored_bonus_fen, q.payable_fen, q.points_earned) == (10000, 1000, 19000, 200)
    with store.db.read() as conn:
        kinds = conn.execute(text("SELECT kind, account, delta FROM ledger WHERE sale_id = :s ORDER BY local_seq"),
                             {"s": result.sale_id}).all()
        assert [tuple(k) for k in kinds] == [("spend", "stored_paid", -10000), ("spend", "stored_bonus", -1000),
                                             ("earn", "points", 200)]
        assert conn.execute(text("SELECT COUNT(*) FROM sale_lines WHERE sale_id = :s"),
                            {"s": result.sale_id}).scalar() == 2
        assert conn.execute(text("SELECT COUNT(*) FROM audit WHERE subject = :s"), {"s": result.sale_id}).scalar() == 1
    view = show_member(store, member.card_no)
    assert (view.points, view.stored_value_fen) == (200, 44000)
    assert verify_store(store).ok


def test_quote_matches_commit_and_writes_nothing(store, member):
    adjust_points(store, member.card_no, 2000, "welcome", MANAGER_PIN)
    before = table_counts(store)
    quote = quote_sale(store, SaleRequest(member.card_no, 5000, redeem_points=2000))
    assert table_counts(store) == before
    assert commit_sale(store, SaleRequest(member.card_no, 5000, redeem_points=2000)).quote == quote


def test_tier_upgrade_at_once_and_discount_from_the_next_sale(store, member):
    first = commit_sale(store, SaleRequest(member.card_no, 200000))
    assert first.tier == "silver" and first.tier_upgraded_from == "standard"
    assert first.quote.discount_fen == 0
    second = commit_sale(store, SaleRequest(member.card_no, 10000))
    assert second.quote.discount_fen == 200 and second.quote.points_earned == 9800 * 120 // 10000
    with store.db.read() as conn:
        history = conn.execute(text("SELECT from_tier, to_tier FROM tier_changes ORDER BY id")).all()
    assert [tuple(h) for h in history] == [(None, "standard"), ("standard", "silver")]


def test_over_redemption_refused_and_nothing_written(store, member):
    adjust_points(store, member.card_no, 100, "welcome", MANAGER_PIN)
    before = table_counts(store)
    with pytest.raises(RuleRefused) as caught:
        commit_sale(store, SaleRequest(member.card_no, 10000, redeem_points=101))
    assert caught.value.field == "redeem_points"
    with pytest.raises(RuleRefused):
        commit_sale(store, SaleRequest(member.card_no, 100, redeem_points=100))  # over 50% of the bill
    assert table_counts(store) == before


def test_partial_then_full_refund_reverses_exactly(store, member):
    top_up(store, member.card_no, 10000)
    adjust_points(store, member.card_no, 1000, "welcome", MANAGER_PIN)
    sale = commit_sale(store, SaleRequest(member.card_no, 15050, redeem_points=1000, stored_value_fen=5000))
    before = show_member(store, member.card_no)
    first = refund_sale(store, sale.sale_id, 5000, None)
    rest = refund_sale(store, sale.sale_id, None, None)
    assert first.figures.points_reversed + rest.figures.points_reversed == sale.quote.points_earned
    assert first.figures.points_restored + rest.figures.points_restored == 1000
    assert first.figures.stored_value_restored_fen + rest.figures.stored_value_restored_fen == 5000
    assert first.figures.cash_refund_fen + rest.figures.cash_refund_fen == sale.quote.payable_fen
    after = show_member(store, member.card_no)
    assert after.points == before.points - sale.quote.points_earned + 1000 == 1000
    assert after.stored_value_fen == 10000
    with pytest.raises(RuleRefused, match="fully refunded"):
        refund_sale(store, sale.sale_id, None, None)
    assert verify_store(store).ok


def test_refund_above_threshold_needs_a_manager(store, member):
    sale = commit_sale(store, SaleRequest(member.card_no, 30000))
    before = table_counts(store)
    with pytest.raises(NeedsManager):
        refund_sale(store, sale.sale_id, 25000, None)
    with pytest.raises(NeedsManager):
        refund_sale(store, sale.sale_id, 25000, "9999")
    assert table_counts(store) == before
    assert refund_sale(store, sale.sale_id, 25000, MANAGER_PIN).approved_by == "Manager"


def test_a_refund_of_exactly_the_threshold_needs_no_manager_and_one_fen_more_does(store, member):
    """The default rules: a manager's PIN for refunds above 200.00 (manager_pin_above_fen = 20000)."""
    sale = commit_sale(store, SaleRequest(member.card_no, 50000))
    at_threshold = refund_sale(store, sale.sale_id, 20000, None)
    assert at_threshold.approved_by is None and at_threshold.figures.amount_fen == 20000
    before = table_counts(store)
    with pytest.raises(NeedsManager) as caught:
        refund_sale(store, sale.sale_id, 20001, None)
    assert "200.00" in str(caught.value)
    assert table_counts(store) == before
    assert refund_sale(store, sale.sale_id, 20001, MANAGER_PIN).approved_by == "Manager"


def test_spent_points_are_deducted_from_the_cash_refund(store, member):
    sale = commit_sale(store, SaleRequest(member.card_no, 10000))  # earns 100
    commit_sale(store, SaleRequest(member.card_no, 10000, redeem_points=80))  # spends 80 of them, earns 99
    balance = show_member(store, member.card_no).points
    assert balance == 119
    adjust_points(store, member.card_no, -119, "test: spent elsewhere", MANAGER_PIN)
    result = refund_sale(store, sale.sale_id, None, None)
    assert (result.figures.clawback_points, result.figures.clawback_fen) == (100, 100)
    assert result.figures.cash_refund_fen == 9900 and result.points_balance == 0
    assert verify_store(store).ok


def test_shortfall_beyond_cash_needs_a_manager_and_goes_negative(store, member):
    top_up(store, member.card_no, 10000)
    sale = commit_sale(store, SaleRequest(member.card_no, 10000, stored_value_fen=10000))  # no cash part
    adjust_points(store, member.card_no, -100, "test: spent elsewhere", MANAGER_PIN)
    with pytest.raises(NeedsManager, match="below zero"):
        refund_sale(store, sale.sale_id, None, None)
    result = refund_sale(store, sale.sale_id, None, MANAGER_PIN)
    assert result.figures.negative_points == 100 and result.points_balance == -100
    assert show_member(store, member.card_no).points == -100
    commit_sale(store, SaleRequest(member.card_no, 500))  # earning still works while negative
    assert verify_store(store).ok
