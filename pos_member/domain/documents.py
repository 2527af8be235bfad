"""Sales, refunds and coupons as documents of the chain: the receipt number, and the checks a sale or a refund
must pass, applied by the till when it writes one and by HQ when one is pushed (sync.hq.documents).

A document is immutable once written: its id is made where it happened (a UUID, or device + local id) and
HQ stores it exactly once. The checks are on the document's own figures: each line's shares never exceed
the line, the lines add up to the sale's totals, and a refund's lines add up to the refund.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason

# What a sale's lines carry, and the sale total each adds up to.
SALE_LINE_SHARES = {"discount_fen": "discount_fen", "coupon_fen": "coupon_fen", "points_cash_fen": "points_cash_fen",
                    "points_redeemed": "points_redeemed", "stored_paid_fen": "stored_paid_fen",
                    "stored_bonus_fen": "stored_bonus_fen", "points_earned": "points_earned"}
REFUND_LINE_PARTS = {"amount_fen": "amount_fen", "points_reversed": "points_reversed",
                     "points_restored": "points_restored", "stored_paid_fen": "stored_paid_restored_fen",
                     "stored_bonus_fen": "stored_bonus_restored_fen"}
_RECEIPT = re.compile(r"^([A-Za-z0-9]{1,16})-(\d{1,2})-(\d{1,12})$")


def receipt_number(store_code: str, device_no: int, seq: int) -> str:
    """The short number printed on a receipt, unique in the chain: store, till number and the till's own
    sale sequence (a till replacing a dead one continues after the numbers HQ holds for its till number)."""
    return f"{store_code}-{device_no}-{seq}".upper()


def is_receipt_number(text: str) -> bool:
    return _RECEIPT.match(text.strip()) is not None


def _bad(what: str, detail: str) -> InvalidInput:
    return InvalidInput(Reason.DOC_FIGURES, what, what=what, detail=detail)


def check_sale_figures(sale: Mapping[str, Any], lines: Iterable[Mapping[str, Any]]) -> None:
    """Raise InvalidInput unless the sale's lines add up to its totals, each share within its line, no figure
    negative, and the bill = discount + coupon + points cash + stored value + what was paid."""
    lines = list(lines)
    if not lines:
        raise _bad("sale", "a sale has at least one line")
    numbers = [sale.get(k) for k in ("total_fen", "payable_fen", *SALE_LINE_SHARES.values())]
    if any(type(n) is not int or n < 0 for n in numbers):
        raise _bad("sale", "every figure is a whole number, not negative")
    seen: set[int] = set()
    for line in lines:
        if line["line_no"] in seen:
            raise _bad("sale", f"line {line['line_no']} twice")
        seen.add(line["line_no"])
        if any(type(line[k]) is not int or line[k] < 0 for k in ("amount_fen", *SALE_LINE_SHARES)):
            raise _bad("sale", f"line {line['line_no']} has a negative figure")
        taken = sum(line[k] for k in ("discount_fen", "coupon_fen", "points_cash_fen", "stored_paid_fen",
                                      "stored_bonus_fen"))
        if taken > line["amount_fen"]:
            raise _bad("sale", f"line {line['line_no']} gives away more than its amount")
    if sum(line["amount_fen"] for line in lines) != sale["total_fen"]:
        raise _bad("sale", "the lines do not add up to the total")
    for share, total in SALE_LINE_SHARES.items():
        if sum(line[share] for line in lines) != sale[total]:
            raise _bad("sale", f"the lines' {share} do not add up to the sale's")
    paid_other = (sale["discount_fen"] + sale["coupon_fen"] + sale["points_cash_fen"] + sale["stored_paid_fen"]
                  + sale["stored_bonus_fen"])
    if paid_other + sale["payable_fen"] != sale["total_fen"]:
        raise _bad("sale", "the amount payable does not match the total less its deductions")


def check_refund_figures(refund: Mapping[str, Any], lines: Iterable[Mapping[str, Any]]) -> None:
    """Raise InvalidInput unless the refund's lines add up to the refund and nothing is negative. Whether the
    lines exceed what is left of the sale is HQ's question (it alone sees every till's refunds)."""
    lines = list(lines)
    if not lines:
        raise _bad("refund", "a refund has at least one line")
    figures = [refund.get(k) for k in ("amount_fen", "cash_refund_fen", "clawback_points", "clawback_fen",
                                       "negative_points", *REFUND_LINE_PARTS.values())]
    if any(type(n) is not int or n < 0 for n in figures):
        raise _bad("refund", "every figure is a whole number, not negative")
    for part, total in REFUND_LINE_PARTS.items():
        if any(type(line[part]) is not int or line[part] < 0 for line in lines):
            raise _bad("refund", f"a line has a negative {part}")
        if sum(line[part] for line in lines) != refund[total]:
            raise _bad("refund", f"the lines' {part} do not add up to the refund's")
    cash = sum(line["cash_fen"] for line in lines)
    if cash - refund["clawback_fen"] != refund["cash_refund_fen"]:
        raise _bad("refund", "the cash refunded does not match the lines less the clawback")


def over_refunded(sale_lines: Mapping[int, int], refunded: Mapping[int, int]) -> list[int]:
    """The line numbers refunded beyond their amount (line_no -> amount; line_no -> all refunds of it),
    or naming a line the sale does not have."""
    return sorted(n for n, fen in refunded.items() if fen > sale_lines.get(n, 0))
