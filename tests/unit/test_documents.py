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


@pytest.mark.parametrize(("sale", "lines"), [
    (SALE | {"total_fen": 6001}, [LINE]),  # lines short of the total
    (SALE | {"payable_fen": 4400}, [LINE]),  # payable is not the total less its deductions
    (SALE | {"points_earned": 46}, [LINE]),  # a share that does not add up
    (SALE, [LINE | {"stored_paid_fen": 6000}]),  # a line giving away more than its amount
    (SALE, [LINE, LINE | {"amount_fen": 0}]),  # a line twice
    (SALE, []),
    (SALE | {"discount_fen": -1}, [LINE]),
])
def test_a_sale_no_till_could_have_written_is_refused(sale, lines):
    with pytest.raises(InvalidInput) as refused:
        check_sale_figures(sale, lines)
    assert refused.value.reason == Reason.DOC_FIGURES


@pytest.mark.parametrize(("refund", "lines"), [
    (REFUND | {"amount_fen": 5000}, [REFUND_LINE]),
    (REFUND | {"cash_refund_fen": 4500}, [REFUND_LINE]),  # the clawback not taken off the cash
    (REFUND, [REFUND_LINE | {"points_reversed": -45}]),
    (REFUND, []),
])
def test_a_refund_that_does_not_add_up_is_refused(refund, lines):
    with pytest.raises(InvalidInput) as refused:
        check_refund_figures(refund, lines)
    assert refused.value.reason == Reason.DOC_FIGURES


def test_receipt_numbers_and_lines_refunded_beyond_their_amount():
    assert receipt_number("s01", 2, 25) == "S01-2-25" and is_receipt_number("S01-2-25")
    assert not is_receipt_number("01a22588-ed8b-77a8-a41f-9336611860e3")
    assert over_refunded({1: 6000, 2: 4000}, {1: 6000, 2: 4001, 3: 1}) == [2, 3]
