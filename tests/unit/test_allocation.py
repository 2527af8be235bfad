"""Splitting an amount over a sale's lines (pos_member.domain.allocation): largest remainder, ties to the
earlier line. Discounts, points and refunds of an amount are spread with it, so a line's share must not
depend on anything but the figures: the same sale gives the same split on every till and at every refund."""

from __future__ import annotations

import itertools

import pytest

from pos_member.domain.allocation import allocate


def test_the_fen_left_after_the_floors_goes_to_the_largest_remainder():
    # 7 over 5:3:2 -> 3.5, 2.1, 1.4: floors 3, 2, 1 and one fen left, which goes to 0.5 (not 0.1 or 0.4)
    assert allocate(7, [5, 3, 2]) == [4, 2, 1]
    # 11 over 1:1:4 -> 1.83, 1.83, 7.33: two fen left go to the two 0.83s
    assert allocate(11, [1, 1, 4]) == [2, 2, 7]
    # the largest remainder on the last line: 7 over 2:3:5 -> 1.4, 2.1, 3.5
    assert allocate(7, [2, 3, 5]) == [1, 2, 4]
    assert allocate(8, [1, 3, 6]) == [1, 2, 5]  # 0.8, 2.4, 4.8: the two .8s, wherever they stand


def test_equal_remainders_go_to_the_earlier_line():
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    # 1.875, 0.625, 1.875, 0.625: floors 1, 0, 1, 0; three fen left: both .875s, then the earlier .625
    assert allocate(5, [3, 1, 3, 1]) == [2, 1, 2, 0]


@pytest.mark.parametrize("weights", [[1, 2, 3], [9999, 1], [7, 0, 7], [3, 3, 3, 3, 3, 3, 3]])
def test_the_shares_always_add_up_to_the_amount_and_stay_within_one_fen_of_exact(weights):
    total = sum(weights)
    for amount in itertools.chain(range(0, 60), (9_999, 10_001, 123_456_789)):
        shares = allocate(amount, weights)
        assert sum(shares) == amount
        for share, weight in zip(shares, weights, strict=True):
            assert amount * weight // total <= share <= -(-amount * weight // total)


def test_nothing_to_weigh_by_splits_evenly_earlier_lines_first():
    assert allocate(5, [0, 0]) == [3, 2]
    assert allocate(0, [0, 0, 0]) == [0, 0, 0]
    assert allocate(0, []) == []  # no lines, nothing to split (and no division by their count)
