import itertools

import pytest

from pos_member.domain.errors import RuleRefused
from pos_member.domain.refund import SaleFigures, refund_figures


def sale(refunded=0):
    return SaleFigures(total_fen=10001, payable_fen=7333, points_earned=73, points_redeemed=999,
                       stored_paid_fen=1201, stored_bonus_fen=120, refunded_fen=refunded)


@pytest.mark.parametrize("parts", [(1, 10000), (3333, 3334, 3334), (1,) * 7 + (9994,), (5000, 5001)])
def test_partial_refunds_add_up_exactly_to_the_whole(parts):
    refunded, totals = 0, {"cash": 0, "rev": 0, "res": 0, "paid": 0, "bonus": 0}
    for part in parts:
        fig = refund_figures(sale(refunded), part, points_balance=10_000, points_per_yuan=100)
        refunded += part
        totals["cash"] += fig.cash_refund_fen
        totals["rev"] += fig.points_reversed
        totals["res"] += fig.points_restored
        totals["paid"] += fig.stored_paid_restored_fen
        totals["bonus"] += fig.stored_bonus_restored_fen
    assert totals == {"cash": 7333, "rev": 73, "res": 999, "paid": 1201, "bonus": 120}


def test_every_two_part_split_is_exact():
    for first in itertools.chain(range(1, 50), range(9950, 10001)):
        a = refund_figures(sale(), first, 10_000, 100)
        b = refund_figures(sale(first), 10001 - first, 10_000, 100)
        assert a.points_reversed + b.points_reversed == 73
        assert a.cash_refund_fen + b.cash_refund_fen == 7333


def test_refunding_more_than_remains_refused():
    with pytest.raises(RuleRefused, match="left to refund"):
        refund_figures(sale(10000), 2, 10_000, 100)
    with pytest.raises(RuleRefused, match="already been fully refunded"):
        refund_figures(sale(10001), 1, 10_000, 100)


def test_spent_points_are_bought_back_from_the_cash_refund():
    # 10 points left, but the 999 redeemed points come back: they cover the 73 reversed, nothing bought back
    fig = refund_figures(sale(), 10001, points_balance=10, points_per_yuan=100)
    assert fig.clawback_points == 0 and fig.negative_points == 0
    # earned 100, spent 63 of them elsewhere (37 left): 63 points short, bought back for 0.63 of the cash
    fig = refund_figures(SaleFigures(10000, 10000, 100, 0, 0, 0, 0), 10000, points_balance=37, points_per_yuan=100)
    assert (fig.clawback_points, fig.clawback_fen, fig.cash_refund_fen, fig.negative_points) == (63, 63, 9937, 0)


def test_shortfall_beyond_the_cash_part_is_left_negative():
    # paid entirely by stored value: no cash to deduct from
    fig = refund_figures(SaleFigures(10000, 0, 100, 0, 10000, 0, 0), 10000, points_balance=0, points_per_yuan=100)
    assert (fig.clawback_points, fig.negative_points, fig.stored_paid_restored_fen) == (0, 100, 10000)
