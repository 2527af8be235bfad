import itertools

import pytest

from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.refund import LineFigures, refund_figures, requested_amounts


def one_line(refunded=0):
    """A single-line sale of 100.01: 73.33 cash, 73 points earned, 999 redeemed, 12.01 + 1.20 stored value."""
    return [LineFigures(1, 10001, 7333, 73, 999, 1201, 120, refunded)]


def two_lines(refunded=(0, 0)):
    return [LineFigures(1, 6000, 6000, 60, 0, 0, 0, refunded[0]),
            LineFigures(2, 4001, 2001, 17, 300, 1700, 0, refunded[1])]


def refund(lines, amount=None, by_line=None, balance=10_000):
    return refund_figures(lines, requested_amounts(lines, amount, by_line), balance, 100)


@pytest.mark.parametrize("parts", [(1, 10000), (3333, 3334, 3334), (1,) * 7 + (9994,), (5000, 5001)])
def test_partial_refunds_add_up_exactly_to_the_whole(parts):
    refunded, totals = 0, {"cash": 0, "rev": 0, "res": 0, "paid": 0, "bonus": 0}
    for part in parts:
        fig = refund(one_line(refunded), part)
        refunded += part
        totals["cash"] += fig.cash_refund_fen
        totals["rev"] += fig.points_reversed
        totals["res"] += fig.points_restored
        totals["paid"] += fig.stored_paid_restored_fen
        totals["bonus"] += fig.stored_bonus_restored_fen
    assert totals == {"cash": 7333, "rev": 73, "res": 999, "paid": 1201, "bonus": 120}


def test_every_two_part_split_is_exact():
    for first in itertools.chain(range(1, 50), range(9950, 10001)):
        a = refund(one_line(), first)
        b = refund(one_line(first), 10001 - first)
        assert a.points_reversed + b.points_reversed == 73
        assert a.cash_refund_fen + b.cash_refund_fen == 7333


def test_refunding_a_line_reverses_exactly_what_that_line_earned():
    fig = refund(two_lines(), by_line={2: None})
    assert (fig.amount_fen, fig.points_reversed, fig.points_restored, fig.stored_paid_restored_fen,
            fig.cash_refund_fen) == (4001, 17, 300, 1700, 2001)
    rest = refund(two_lines((0, 4001)))
    assert (rest.amount_fen, rest.points_reversed) == (6000, 60)


def test_an_amount_is_spread_over_what_is_left_of_each_line():
    wanted = requested_amounts(two_lines((0, 4001)), 3000, None)
    assert wanted == {1: 3000, 2: 0}
    assert sum(requested_amounts(two_lines(), 5000, None).values()) == 5000


def test_refunding_more_than_remains_refused():
    with pytest.raises(RuleRefused, match="left to refund"):
        refund(one_line(10000), 2)
    with pytest.raises(RuleRefused, match="already been fully refunded"):
        refund(one_line(10001), 1)
    with pytest.raises(RuleRefused, match="line 2"):
        refund(two_lines(), by_line={2: 4002})
    with pytest.raises(InvalidInput, match="no line 3"):
        refund(two_lines(), by_line={3: None})


def test_spent_points_are_bought_back_from_the_cash_refund():
    # 10 points left, but the 999 redeemed points come back: they cover the 73 reversed, nothing bought back
    fig = refund(one_line(), balance=10)
    assert fig.clawback_points == 0 and fig.negative_points == 0
    # earned 100, spent 63 of them elsewhere (37 left): 63 points short, bought back for 0.63 of the cash
    fig = refund([LineFigures(1, 10000, 10000, 100, 0, 0, 0, 0)], balance=37)
    assert (fig.clawback_points, fig.clawback_fen, fig.cash_refund_fen, fig.negative_points) == (63, 63, 9937, 0)


def test_shortfall_beyond_the_cash_part_is_left_negative():
    # paid entirely by stored value: no cash to deduct from
    fig = refund([LineFigures(1, 10000, 0, 100, 0, 10000, 0, 0)], balance=0)
    assert (fig.clawback_points, fig.negative_points, fig.stored_paid_restored_fen) == (0, 100, 10000)


def test_the_clawback_is_rounded_up_to_the_fen_never_down():
    # 150 points = 1 yuan: each point bought back is worth 0.667 fen. A member who has spent everything:
    # 1 point short costs 1 fen (not 0), 100 points short cost 67 fen (66.67, not 66): the store is never short.
    line = [LineFigures(1, 10000, 10000, 100, 0, 0, 0, 0)]
    one = refund_figures(line, {1: 100}, 0, 150)  # 1% of the line reverses 1 of its 100 points
    assert (one.points_reversed, one.clawback_points, one.clawback_fen, one.cash_refund_fen) == (1, 1, 1, 99)
    whole = refund_figures(line, {1: 10000}, 0, 150)
    assert (whole.clawback_points, whole.clawback_fen, whole.cash_refund_fen) == (100, 67, 9933)
    assert whole.negative_points == 0


def test_a_cash_part_too_small_buys_back_what_it_can_and_leaves_the_rest_negative():
    # refund.x_refund_figures__mutmut_110 (// 101): 10.00 cash buys back 1000 of the 5000 points short
    fig = refund([LineFigures(1, 10000, 1000, 5000, 0, 9000, 0, 0)], balance=0)
    assert (fig.clawback_points, fig.clawback_fen, fig.cash_refund_fen, fig.negative_points) == (1000, 1000, 0, 4000)


def test_refund_refusals_name_their_field():
    # the till highlights the field named (refund.x_requested_amounts__mutmut_10, 15, 61; x_refund_figures
    # __mutmut_6)
    cases = [(lambda: refund(one_line(10000), 2), "amount"), (lambda: refund(one_line(10001), 1), "sale"),
             (lambda: refund(two_lines(), by_line={3: None}), "line"),
             (lambda: refund_figures(one_line(), {1: 0}, 10, 100), "amount")]
    for attempt, field in cases:
        with pytest.raises((RuleRefused, InvalidInput)) as caught:
            attempt()
        assert caught.value.field == field


def test_refund_refusals_carry_their_reason_and_figures():
    # refund.x_requested_amounts__mutmut_27..37 (a line with nothing left, named whole), 40..48 (more than is
    # left of a line), 57 and 60 (more than is left of the sale); x_refund_figures__mutmut_5 (nothing to refund)
    cases = [(lambda: refund(two_lines((0, 4001)), by_line={2: None}), Reason.LINE_FULLY_REFUNDED, "line",
              {"line": 2}),
             (lambda: refund(two_lines(), by_line={2: 4002}), Reason.LINE_REFUND_OVER, "line",
              {"left_fen": 4001, "line": 2}),
             (lambda: refund(one_line(10000), 2), Reason.REFUND_OVER, "amount", {"left_fen": 1}),
             (lambda: refund_figures(one_line(), {1: 0}, 10, 100), Reason.ZERO, "amount", {})]
    for attempt, reason, field, params in cases:
        with pytest.raises(RuleRefused) as caught:
            attempt()
        assert (caught.value.reason, caught.value.field, caught.value.params) == (reason, field, params)


def test_what_is_left_is_refunded_down_to_the_last_fen_and_no_further():
    # refund.x_requested_amounts__mutmut_28 (a line with 1 fen left named whole), 52 and 53 (everything left:
    # lines with nothing left are not named, one with 1 fen is)
    assert requested_amounts(two_lines((0, 4000)), None, {2: None}) == {2: 1}
    assert requested_amounts(two_lines((0, 4001)), None, None) == {1: 6000}
    assert requested_amounts(two_lines((0, 4000)), None, None) == {1: 6000, 2: 1}


def test_a_clawback_the_cash_part_cannot_cover_buys_whole_points_only():
    # refund.x_refund_figures__mutmut_108 (/ for //): at 150 points a yuan, 10.01 cash buys back 1501 points, not
    # 1501.5
    fig = refund_figures([LineFigures(1, 10000, 1001, 5000, 0, 8999, 0, 0)], {1: 10000}, 0, 150)
    assert (fig.clawback_points, fig.clawback_fen, fig.cash_refund_fen, fig.negative_points) == (1501, 1001, 0, 3499)
    assert type(fig.clawback_points) is int and type(fig.negative_points) is int
