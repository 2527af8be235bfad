"""What a receipt says, as rows of (label, value), built from a sale's or refund's result.

The labels come in as a mapping so the caller supplies them in the cashier's language (the till passes Qt
translations; ENGLISH_LABELS serves the CLI and tests). Amounts are formatted here, from integer fen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pos_member.domain.money import format_yuan
from pos_member.services.checkout import SaleResult
from pos_member.services.refunds import RefundResult

ENGLISH_LABELS: dict[str, str] = {
    "cashier": "Cashier", "member": "Member", "sale": "Sale", "refund": "Refund",
    "refund_title": "REFUND", "of_sale": "Refund of sale {0}",
    "bill": "Bill", "tier_discount": "Tier discount", "coupon": "Coupon {0}", "points_used": "Points used ({0})",
    "stored_value": "Stored value", "to_pay": "To pay",
    "refunded": "Refunded", "cash_back": "Cash back", "stored_value_back": "Stored value back",
    "points_back": "Points given back", "clawback": "Spent points bought back ({0})",
    "points_earned": "Points earned", "points_reversed": "Points reversed", "points_balance": "Points balance",
    "stored_value_balance": "Stored value balance", "card": "Card", "receipt_no": "Receipt no.",
}


@dataclass(frozen=True)
class Row:
    label: str
    value: str = ""
    strong: bool = False


@dataclass(frozen=True)
class Heading:
    """Who, where and when, the same on every receipt."""

    store_name: str
    staff_name: str
    business_time: str  # "YYYY-MM-DD HH:MM:SS", the store's time
    member_name: str
    member_no: str
    phone: str = ""  # masked


@dataclass(frozen=True)
class ReceiptDoc:
    kind: str  # "sale" | "refund"
    receipt_id: str  # the sale's or the refund's id: names the saved PDF
    store_name: str
    title: str  # "" on a sale, "REFUND" on a refund
    header: tuple[str, ...]  # time, cashier
    member: tuple[str, ...]  # name and number, masked phone
    items: tuple[Row, ...]
    totals: tuple[Row, ...]
    after: tuple[Row, ...]  # points and balances after the sale or refund
    footer: str  # the sale or refund id, so a receipt can be found again
    qr_text: str | None  # the member's card QR, scannable at the next visit
    cash_fen: int  # cash taken (sale) or given back (refund): the drawer opens only for cash

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.items + self.totals + self.after


def _label(labels: Mapping[str, str], key: str) -> str:
    return labels.get(key) or ENGLISH_LABELS[key]


def _heading(h: Heading, labels: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    header = (h.business_time, f"{_label(labels, 'cashier')}: {h.staff_name}")
    member = (f"{_label(labels, 'member')}: {h.member_name} ({h.member_no})",) + ((h.phone,) if h.phone else ())
    return header, member


def _balances(labels: Mapping[str, str], points_key: str, points: str, balance: int,
              stored_fen: int) -> tuple[Row, ...]:
    return (Row(_label(labels, points_key), points), Row(_label(labels, "points_balance"), f"{balance:,}"),
            Row(_label(labels, "stored_value_balance"), format_yuan(stored_fen)))


def sale_receipt(heading: Heading, sale: SaleResult, labels: Mapping[str, str],
                 qr_text: str | None = None, category_names: Mapping[str, str] | None = None) -> ReceiptDoc:
    """`category_names` maps a line's category code to its name in the receipt's language (the rules'
    labels); a code without one is printed as it is."""
    q, names = sale.quote, category_names or {}
    items = tuple(Row(f"{line.line_no}. {names.get(line.category, line.category)}", format_yuan(line.amount_fen))
                  for line in q.line_details)
    totals = [Row(_label(labels, "bill"), format_yuan(q.total_fen))]
    if q.discount_fen:
        totals.append(Row(_label(labels, "tier_discount"), "-" + format_yuan(q.discount_fen)))
    if q.coupon_code:
        totals.append(Row(_label(labels, "coupon").format(q.coupon_code), "-" + format_yuan(q.coupon_fen)))
    if q.points_redeemed:
        totals.append(Row(_label(labels, "points_used").format(q.points_redeemed), "-" + format_yuan(q.points_cash_fen)))
    if q.stored_value_fen:
        totals.append(Row(_label(labels, "stored_value"), "-" + format_yuan(q.stored_value_fen)))
    totals.append(Row(_label(labels, "to_pay"), format_yuan(q.payable_fen), strong=True))
    header, member = _heading(heading, labels)
    if sale.receipt_no:  # any till of the chain finds the sale by it, for a refund
        header += (f"{_label(labels, 'receipt_no')}: {sale.receipt_no}",)
    return ReceiptDoc("sale", sale.sale_id, heading.store_name, "", header, member, items, tuple(totals),
                      _balances(labels, "points_earned", f"+{q.points_earned}", sale.points_balance,
                                sale.stored_value_balance_fen),
                      f"{_label(labels, 'sale')} {sale.sale_id}", qr_text, q.payable_fen)


def refund_receipt(heading: Heading, refund: RefundResult, labels: Mapping[str, str],
                   qr_text: str | None = None) -> ReceiptDoc:
    f = refund.figures
    totals = [Row(_label(labels, "refunded"), format_yuan(f.amount_fen))]
    if f.stored_value_restored_fen:
        totals.append(Row(_label(labels, "stored_value_back"), format_yuan(f.stored_value_restored_fen)))
    if f.points_restored:
        totals.append(Row(_label(labels, "points_back"), f"+{f.points_restored}"))
    if f.clawback_fen:
        totals.append(Row(_label(labels, "clawback").format(f.clawback_points), "-" + format_yuan(f.clawback_fen)))
    totals.append(Row(_label(labels, "cash_back"), format_yuan(f.cash_refund_fen), strong=True))
    header, member = _heading(heading, labels)
    items = (Row(_label(labels, "of_sale").format(refund.sale_id)),)
    return ReceiptDoc("refund", refund.refund_id, heading.store_name, _label(labels, "refund_title"), header, member,
                      items, tuple(totals),
                      _balances(labels, "points_reversed", f"-{f.points_reversed}", refund.points_balance,
                                refund.stored_value_balance_fen),
                      f"{_label(labels, 'refund')} {refund.refund_id}", qr_text, f.cash_refund_fen)
