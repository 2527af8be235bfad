"""The checks a sale and a refund pass at the till when written and at HQ when pushed (domain/documents.py)."""

from __future__ import annotations

import pytest

from pos_member.domain.documents import (
    check_refund_figures,
    check_sale_figures,
    is_receipt_number,
    over_refunded,
    receipt_number,
)
from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason

LINE = {"line_no": 1, "category": "food", "amount_fen": 6000, "discount_fen": 300, "coupon_fen": 0,
        "points_cash_fen": 200, "points_redeemed": 20, "stored_paid_fen": 1000, "stored_bonus_fen": 0,
        "points_earned": 45}
SALE = {"total_fen": 6000, "discount_fen": 300, "coupon_fen": 0, "points_cash_fen": 200, "points_redeemed": 20,
        "stored_paid_fen": 1000, "stored_bonus_fen": 0, "payable_fen": 4500, "points_earned": 45}
REFUND = {"amount_fen": 6000, "cash_refund_fen": 4400, "points_reversed": 45, "points_restored": 20,
          "stored_paid_restored_fen": 1000, "stored_bonus_restored_fen": 0, "clawback_points": 10,
          "clawback_fen": 100, "negative_points": 0}
REFUND_LINE = {"line_no": 1, "amount_fen": 6000, "cash_fen": 4500, "points_reversed": 45, "points_restored": 20,
               "stored_paid_fen": 1000, "stored_bonus_fen": 0}


def test_a_sale_whose_lines_add_up_passes():
    check_sale_figures(SALE, [LINE])
    check_refund_figures(REFUND, [REFUND_LINE])
    # documents.x_check_sale_figures__mutmut_109: bonus stored value is a deduction like the paid part
    bonus = {"stored_paid_fen": 600, "stored_bonus_fen": 400}
    check_sale_figures(SALE | bonus, [LINE | bonus])


# The detail is what HQ's operator reads of a rejected document: each refusal is compared whole (documents.
# x__bad__mutmut_2..8, x_check_refund_figures__mutmut_9, 30, 35, 52, 69, 74 and the other details' mutants).
@pytest.mark.parametrize(("sale", "lines", "detail"), [
    (SALE | {"total_fen": 6001}, [LINE], "the lines do not add up to the total"),
    (SALE | {"payable_fen": 4400}, [LINE], "the amount payable does not match the total less its deductions"),
    (SALE | {"points_earned": 46}, [LINE], "the lines' points_earned do not add up to the sale's"),
    (SALE, [LINE | {"stored_paid_fen": 6000}], "line 1 gives away more than its amount"),
    (SALE, [LINE, LINE | {"amount_fen": 0}], "line 1 twice"),
    (SALE, [], "a sale has at least one line"),
    (SALE | {"discount_fen": -1}, [LINE], "every figure is a whole number, not negative"),
    (SALE, [LINE | {"coupon_fen": -1}], "line 1 has a negative figure"),
])
def test_a_sale_no_till_could_have_written_is_refused(sale, lines, detail):
    with pytest.raises(InvalidInput) as refused:
        check_sale_figures(sale, lines)
    assert (refused.value.reason, refused.value.field, refused.value.params) == (
        Reason.DOC_FIGURES, "sale", {"what": "sale", "detail": detail})


@pytest.mark.parametrize(("refund", "lines", "detail"), [
    (REFUND | {"amount_fen": 5000}, [REFUND_LINE], "the lines' amount_fen do not add up to the refund's"),
    (REFUND | {"cash_refund_fen": 4500}, [REFUND_LINE],  # the clawback not taken off the cash
     "the cash refunded does not match the lines less the clawback"),
    (REFUND, [REFUND_LINE | {"points_reversed": -45}], "a line has a negative points_reversed"),
    (REFUND, [], "a refund has at least one line"),
    (REFUND | {"clawback_fen": -1}, [REFUND_LINE], "every figure is a whole number, not negative"),
])
def test_a_refund_that_does_not_add_up_is_refused(refund, lines, detail):
    with pytest.raises(InvalidInput) as refused:
        check_refund_figures(refund, lines)
    assert (refused.value.reason, refused.value.field, refused.value.params) == (
        Reason.DOC_FIGURES, "refund", {"what": "refund", "detail": detail})


def test_receipt_numbers_and_lines_refunded_beyond_their_amount():
    assert receipt_number("s01", 2, 25) == "S01-2-25" and is_receipt_number("S01-2-25")
    assert not is_receipt_number("01a22588-ed8b-77a8-a41f-9336611860e3")
    assert over_refunded({1: 6000, 2: 4000}, {1: 6000, 2: 4001, 3: 1}) == [2, 3]
