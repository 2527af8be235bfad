"""Refunds: reverse a recorded sale, by lines or by an amount, from the sale's own figures, as new entries.

See domain/refund.py for the arithmetic and the rule for points the member has already spent. A refund above
the rules' threshold, or one that would leave the member with negative points, needs a manager's PIN.
The clawback rate and thresholds come from the rules version that priced the sale: new rules never reprice
a recorded sale. A sale refunded in full gives its coupon back if the coupon is still within its dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from pos_member.domain.documents import check_refund_figures
from pos_member.domain.errors import InvalidInput, NeedsManager, NotFound
from pos_member.domain.money import format_yuan
from pos_member.domain.reasons import Reason
from pos_member.domain.refund import LineFigures, RefundFigures, refund_figures, requested_amounts
from pos_member.domain.rules import Rules, parse_rules_toml
from pos_member.services.audit import append_audit
from pos_member.services.chain_sales import sale_for_refund
from pos_member.services.context import Store, new_id
from pos_member.services.ledger import Posting, post
from pos_member.services.loyalty import reverse_referral
from pos_member.services.members import member_by_id
from pos_member.services.staff import CONSOLE_STAFF_ID, require_manager
from pos_member.storage import tables as t


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    sale_id: str
    figures: RefundFigures
    points_balance: int
    approved_by: str | None
    coupon_restored: str | None = None
    member_no: str = ""  # whose sale: the refund receipt names the member
    stored_value_balance_fen: int = 0  # after the refund, for the receipt

    def as_dict(self) -> dict[str, Any]:
        f = self.figures
        return {
            "refund_id": self.refund_id, "sale_id": self.sale_id, "amount_fen": f.amount_fen,
            "cash_refund_fen": f.cash_refund_fen, "points_reversed": f.points_reversed,
            "points_restored": f.points_restored, "stored_value_restored_fen": f.stored_value_restored_fen,
            "clawback_points": f.clawback_points, "clawback_fen": f.clawback_fen,
            "negative_points": f.negative_points, "points_balance": self.points_balance,
            "approved_by": self.approved_by, "coupon_restored": self.coupon_restored,
            "member_no": self.member_no, "stored_value_balance_fen": self.stored_value_balance_fen,
            "lines": [{"line_no": line.line_no, "amount_fen": line.amount_fen,
                       "points_reversed": line.points_reversed} for line in f.lines],
        }


def refunded_so_far(conn: Connection, sale_id: str) -> int:
    return conn.execute(select(func.coalesce(func.sum(t.refunds.c.amount_fen), 0)).where(
        t.refunds.c.sale_id == sale_id)).scalar_one()


def refunded_spend(conn: Connection, sale_id: str) -> int:
    """The qualifying spend given back by a sale's refunds (cash, clawback and stored value restored)."""
    r = t.refunds.c
    return conn.execute(select(func.coalesce(func.sum(
        r.cash_refund_fen + r.clawback_fen + r.stored_paid_restored_fen + r.stored_bonus_restored_fen), 0)).where(
        r.sale_id == sale_id)).scalar_one()


def _rules_of(conn: Connection, version: int) -> Rules:
    return parse_rules_toml(conn.execute(select(t.rules_versions.c.toml).where(
        t.rules_versions.c.version == version)).scalar_one())


def _line_figures(conn: Connection, sale_id: str) -> list[LineFigures]:
    done = dict(conn.execute(select(t.refund_lines.c.line_no, func.sum(t.refund_lines.c.amount_fen)).where(
        t.refund_lines.c.sale_id == sale_id).group_by(t.refund_lines.c.line_no)).all())
    lines = []
    for row in conn.execute(select(t.sale_lines).where(t.sale_lines.c.sale_id == sale_id).order_by(
            t.sale_lines.c.line_no)):
        cash = (row.amount_fen - row.discount_fen - row.coupon_fen - row.points_cash_fen - row.stored_paid_fen
                - row.stored_bonus_fen)
        lines.append(LineFigures(row.line_no, row.amount_fen, cash, row.points_earned, row.points_redeemed,
                                 row.stored_paid_fen, row.stored_bonus_fen, done.get(row.line_no, 0)))
    return lines


def _restore_coupon(conn: Connection, store: Store, sale: Any, fully_refunded: bool) -> str | None:
    if not (fully_refunded and sale.coupon_code):
        return None
    today = store.clock().date().isoformat()
    restored = conn.execute(t.coupons.update().where(
        t.coupons.c.code == sale.coupon_code, t.coupons.c.status == "used", t.coupons.c.valid_to >= today,
    ).values(status="issued", used_at=None, used_sale_id=None)).rowcount
    return sale.coupon_code if restored else None


def refund_sale(store: Store, sale_id: str, amount_fen: int | None, manager_pin: str | None,
                staff_id: int = CONSOLE_STAFF_ID, lines: dict[int, int | None] | None = None) -> RefundResult:
    """Refund named lines (None amount = the rest of that line), or `amount_fen` spread over the lines,
    or (neither) whatever is left of the sale."""
    if not (sale_id or "").strip():
        raise InvalidInput(Reason.NO_SALE_ID, "sale_id")
    sale_id = sale_for_refund(store, sale_id)  # any sale of the chain, by id or receipt number (chain_sales)
    with store.db.write() as conn:
        sale = conn.execute(select(t.sales).where(t.sales.c.sale_id == sale_id)).first()
        if sale is None:
            raise NotFound(Reason.NO_SUCH_SALE, "sale_id", sale=sale_id)
        current_version, current = store.rules(conn)
        rules = current if sale.rules_version == current_version else _rules_of(conn, sale.rules_version)
        member = member_by_id(conn, sale.member_id)
        line_figures = _line_figures(conn, sale_id)
        wanted = requested_amounts(line_figures, amount_fen, lines)
        figures = refund_figures(line_figures, wanted, member.points, rules.points_per_yuan)
        manager = None
        if figures.amount_fen > rules.refund_manager_above_fen or figures.negative_points:
            reason = (f"a refund above {format_yuan(rules.refund_manager_above_fen)}" if not figures.negative_points
                      else f"a refund leaving the member {figures.negative_points} points below zero")
            manager = require_manager(conn, store, manager_pin, reason)
        elif manager_pin:
            manager = require_manager(conn, store, manager_pin, "this refund")
        refund_id, now = new_id(), store.now()
        refund_row = {
            "refund_id": refund_id, "sale_id": sale_id, "staff_id": staff_id,
            "approved_by": manager.id if manager else None, "business_time": now, "amount_fen": figures.amount_fen,
            "cash_refund_fen": figures.cash_refund_fen, "points_reversed": figures.points_reversed,
            "points_restored": figures.points_restored,
            "stored_paid_restored_fen": figures.stored_paid_restored_fen,
            "stored_bonus_restored_fen": figures.stored_bonus_restored_fen,
            "clawback_points": figures.clawback_points, "clawback_fen": figures.clawback_fen,
            "negative_points": figures.negative_points,
        }
        line_rows = [{
            "refund_id": refund_id, "sale_id": sale_id, "line_no": line.line_no, "amount_fen": line.amount_fen,
            "cash_fen": line.cash_fen, "points_reversed": line.points_reversed,
            "points_restored": line.points_restored, "stored_paid_fen": line.stored_paid_fen,
            "stored_bonus_fen": line.stored_bonus_fen} for line in figures.lines]
        check_refund_figures(refund_row, line_rows)  # the check HQ applies to the pushed refund
        conn.execute(t.refunds.insert(), refund_row)
        conn.execute(t.refund_lines.insert(), line_rows)
        # reversed points leave the lot they were earned in, so they carry that lot's expiry
        lot = conn.execute(select(t.ledger.c.expires_on).where(
            t.ledger.c.ref_id == sale_id, t.ledger.c.kind == "earn")).scalar()
        entries = post(conn, store, member.id, [
            Posting("points", "reverse", -figures.points_reversed, expires_on=lot),
            Posting("points", "refund", figures.points_restored),
            Posting("stored_paid", "refund", figures.stored_paid_restored_fen),
            Posting("stored_bonus", "refund", figures.stored_bonus_restored_fen),
            Posting("points", "adjust", figures.clawback_points,
                    note=f"spent points bought back from the cash refund ({format_yuan(figures.clawback_fen)})"),
        ], staff_id=staff_id, rules_version=current_version, business_time=now, sale_id=sale_id, ref_id=refund_id,
            allow_negative_points=manager is not None)
        net_spend = (sale.payable_fen + sale.stored_paid_fen + sale.stored_bonus_fen
                     - refunded_spend(conn, sale_id))
        entries += reverse_referral(conn, store, current, current_version, member, sale, net_spend, staff_id)
        spend_back = figures.cash_refund_fen + figures.clawback_fen + figures.stored_value_restored_fen
        conn.execute(t.members.update().where(t.members.c.id == member.id).values(
            total_spend_fen=func.max(0, t.members.c.total_spend_fen - spend_back)))
        fully = refunded_so_far(conn, sale_id) >= sale.total_fen
        coupon = _restore_coupon(conn, store, sale, fully)
        append_audit(conn, now, staff_id, "sale.refund", refund_id,
                     {"sale_id": sale_id, "amount_fen": figures.amount_fen,
                      "cash_refund_fen": figures.cash_refund_fen, "coupon_restored": coupon},
                     approved_by=manager.id if manager else None, entries=entries)
        balance = member.points - figures.points_reversed + figures.points_restored + figures.clawback_points
        if balance < 0 and manager is None:  # refund_figures guarantees this; kept as a guard
            raise NeedsManager(Reason.REFUND_NEEDS_MANAGER, "manager_pin")
        stored = member.stored_paid_fen + member.stored_bonus_fen + figures.stored_value_restored_fen
        return RefundResult(refund_id, sale_id, figures, balance, manager.name if manager else None, coupon,
                            member.member_no, stored)
