"""Checkout: quote a sale for a member, then commit it.

The commit writes the sale, its lines (each with its share of discount, coupon, points and stored value, and
the points it earned), its ledger entries, the cached balances, the coupon's use, any tier upgrade, any
referral reward and the audit row in ONE BEGIN IMMEDIATE transaction: after a crash the sale is whole or
absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select

from pos_member.domain.coupons import CouponOffer, parse_coupon_code
from pos_member.domain.documents import check_sale_figures, receipt_number
from pos_member.domain.errors import NotFound, RuleRefused
from pos_member.domain.quote import Balances, EarnContext, Quote, make_quote
from pos_member.domain.reasons import Reason
from pos_member.domain.redemption import HqAvailable, RedemptionFigures
from pos_member.domain.rules import Rules
from pos_member.services.audit import append_audit
from pos_member.services.context import Store, new_id
from pos_member.services.ledger import Posting, next_counter, post
from pos_member.services.lookup import resolve
from pos_member.services.loyalty import award_referral, lot_expires_on, redeemed_today, upgrade_at_once
from pos_member.services.spend_auth import HqHold, authorise, give_back
from pos_member.services.staff import CONSOLE_STAFF_ID
from pos_member.services.sync_service import offline_position
from pos_member.storage import driver
from pos_member.storage import tables as t
from pos_member.storage.driver import Record

_SET_SPEND = "UPDATE members SET total_spend_fen = :spend WHERE id = :member_id"  # driver-level: every sale
_COUPON = select(t.coupons).where(t.coupons.c.code == bindparam("key"))

@dataclass(frozen=True)
class SaleRequest:
    code: str
    amount_fen: int
    lines: tuple[tuple[str, int], ...] = ()
    redeem_points: int = 0
    stored_value_fen: int = 0
    coupon: str | None = None


@dataclass(frozen=True)
class SaleResult:
    sale_id: str
    member_no: str
    quote: Quote
    points_balance: int
    stored_value_balance_fen: int
    tier: str
    tier_upgraded_from: str | None
    receipt_no: str = ""  # printed on the receipt; any till of the chain finds the sale by it

    def as_dict(self) -> dict[str, Any]:
        q = self.quote
        return {
            "sale_id": self.sale_id, "member_no": self.member_no, "total_fen": q.total_fen,
            "discount_fen": q.discount_fen, "coupon": q.coupon_code, "coupon_fen": q.coupon_fen,
            "points_redeemed": q.points_redeemed, "points_cash_fen": q.points_cash_fen,
            "stored_value_fen": q.stored_value_fen, "payable_fen": q.payable_fen, "points_earned": q.points_earned,
            "points_balance": self.points_balance, "stored_value_balance_fen": self.stored_value_balance_fen,
            "tier": self.tier, "tier_upgraded_from": self.tier_upgraded_from, "receipt_no": self.receipt_no,
            # local | hq (authorised by HQ) | offline (the offline limit); none when the sale spent nothing
            "spend_rule": q.spend_rule.value if (q.points_redeemed or q.stored_value_fen or q.coupon_code) else None,
        }


def coupon_offer(conn: Connection, store: Store, text_code: str, member_id: int) -> CouponOffer:
    code = parse_coupon_code(text_code, store.identity.verify_keys)
    row = conn.execute(_COUPON, {"key": code}).first()
    if row is None:
        raise NotFound(Reason.NO_SUCH_COUPON, "coupon", code=code)
    return CouponOffer(row.code, row.kind, row.name, row.amount_off_fen, row.min_spend_fen, row.percent_off,
                       row.max_off_fen, row.valid_from, row.valid_to, row.status, row.member_id == member_id,
                       row.template)


def redemption_figures(conn: Connection, store: Store, member: Record, hq: HqAvailable | None = None,
                       spends: bool = True) -> RedemptionFigures:
    """What limits this member's points and stored value today, read in the caller's transaction: HQ's
    allowance when it answered (`hq`), else the offline position of an enrolled store. With nothing to spend
    (no balance, or a sale that `spends` neither) there is nothing to limit, and the ledger sums are skipped:
    most members at a till, most of the time."""
    if hq is None and (not spends or (member.points <= 0 and member.stored_paid_fen + member.stored_bonus_fen <= 0)):
        return RedemptionFigures(member.points)
    by_member, in_store = redeemed_today(conn, store, member.id) if member.points > 0 else (0, 0)
    offline = None if hq is not None else offline_position(conn, store, member.id)
    return RedemptionFigures(member.points, by_member, in_store, offline, hq)


def _quote_for(conn: Connection, store: Store, member: Record, rules: Rules, request: SaleRequest,
               hold: HqHold | None = None, spends: bool = True) -> Quote:
    """The quote shown reads every limit, for the most points and stored value the bill allows; the commit
    passes `spends` False for a sale that spends nothing (no points, stored value or coupon): no limit can
    refuse nothing, and the spending rule is reported only for a sale that spent."""
    balances = Balances(member.points, member.stored_paid_fen, member.stored_bonus_fen)
    today = store.clock().date()
    birthday_month = bool(member.birthday) and int(member.birthday[5:7]) == today.month
    offer = coupon_offer(conn, store, request.coupon, member.id) if request.coupon else None
    return make_quote(request.amount_fen, list(request.lines), rules.tier(member.tier_code), balances, rules,
                      request.redeem_points, request.stored_value_fen, offer,
                      EarnContext(store.identity.store_code, today, birthday_month),
                      redemption_figures(conn, store, member, hold.available if hold else None, spends))


def _authorise(store: Store, request: SaleRequest, sale_id: str, dry_run: bool) -> HqHold | None:
    return authorise(store, request.code, request.redeem_points, request.stored_value_fen, request.coupon,
                     sale_id, dry_run)


def quote_sale(store: Store, request: SaleRequest) -> Quote:
    """The quote the till shows before confirming: HQ is asked what it would allow (nothing is held), then
    the quote is made in one read."""
    hold = _authorise(store, request, new_id(), dry_run=True)
    with store.db.read() as conn:
        member, _ = resolve(conn, store, request.code, for_use=True)
        _, rules = store.rules(conn)
        return _quote_for(conn, store, member, rules, request, hold)


def _line_rows(sale_id: str, quote: Quote) -> list[dict[str, Any]]:
    return [{"sale_id": sale_id, "line_no": line.line_no, "category": line.category, "amount_fen": line.amount_fen,
             "discount_fen": line.discount_fen, "coupon_fen": line.coupon_fen,
             "points_cash_fen": line.points_cash_fen, "points_redeemed": line.points_redeemed,
             "stored_paid_fen": line.stored_paid_fen, "stored_bonus_fen": line.stored_bonus_fen,
             "points_earned": line.points_earned} for line in quote.line_details]


def commit_sale(store: Store, request: SaleRequest, staff_id: int = CONSOLE_STAFF_ID) -> SaleResult:
    """An enrolled till asks HQ to hold what the sale spends first (outside the transaction); HQ's refusal is
    final, no answer in time means the offline limit. A sale that then fails gives its hold back."""
    sale_id = new_id()
    hold = _authorise(store, request, sale_id, dry_run=False)
    try:
        return _commit(store, request, staff_id, sale_id, hold)
    except BaseException:
        give_back(store, hold)
        raise


def _commit(store: Store, request: SaleRequest, staff_id: int, sale_id: str, hold: HqHold | None) -> SaleResult:
    with store.db.write() as conn:
        member, card = resolve(conn, store, request.code, for_use=True)
        rules_version, rules = store.rules(conn)
        quote = _quote_for(conn, store, member, rules, request, hold,
                           spends=bool(request.redeem_points or request.stored_value_fen or request.coupon))
        verdict = quote.coupon_verdict
        if verdict is not None and not verdict.applies:
            raise RuleRefused(Reason.COUPON_NOT_APPLICABLE, "coupon", why=verdict.reason, **verdict.params)
        now = store.now()
        identity = store.identity
        receipt_no = receipt_number(identity.store_code, identity.device_no, next_counter(conn, "receipt_seq"))
        lines = _line_rows(sale_id, quote)
        sale_row = {
            "sale_id": sale_id, "member_id": member.id, "card_no": card.card_no if card else None,
            "staff_id": staff_id, "rules_version": rules_version, "business_time": now,
            "tier_code": quote.tier_code, "total_fen": quote.total_fen, "discount_fen": quote.discount_fen,
            "points_redeemed": quote.points_redeemed, "points_cash_fen": quote.points_cash_fen,
            "stored_paid_fen": quote.stored_paid_fen, "stored_bonus_fen": quote.stored_bonus_fen,
            "payable_fen": quote.payable_fen, "points_earned": quote.points_earned,
            "coupon_code": quote.coupon_code, "coupon_fen": quote.coupon_fen, "receipt_no": receipt_no,
        }
        check_sale_figures(sale_row, lines)  # the check HQ applies to the pushed sale (domain.documents)
        driver.insert(conn, "sales", [sale_row])
        driver.insert(conn, "sale_lines", lines)
        if quote.coupon_code:
            conn.execute(t.coupons.update().where(t.coupons.c.code == quote.coupon_code).values(
                status="used", used_at=now, used_sale_id=sale_id))
        entries = post(conn, store, member.id, [
            Posting("points", "redeem", -quote.points_redeemed),
            Posting("stored_paid", "spend", -quote.stored_paid_fen),
            Posting("stored_bonus", "spend", -quote.stored_bonus_fen),
            Posting("points", "earn", quote.points_earned, expires_on=lot_expires_on(rules, store.clock().date())),
        ], staff_id=staff_id, rules_version=rules_version, business_time=now, sale_id=sale_id, ref_id=sale_id)
        new_spend = member.total_spend_fen + quote.spend_fen
        driver.execute(conn, _SET_SPEND, {"member_id": member.id, "spend": new_spend})
        upgraded = upgrade_at_once(conn, store, rules, member)
        entries += award_referral(conn, store, rules, rules_version, member, staff_id, sale_id, quote.spend_fen)
        append_audit(conn, now, staff_id, "sale.commit", sale_id,
                     {"member_no": member.member_no, "total_fen": quote.total_fen, "payable_fen": quote.payable_fen,
                      "coupon": quote.coupon_code, "tier_upgrade": upgraded}, entries=entries)
        return SaleResult(
            sale_id=sale_id, member_no=member.member_no, quote=quote,
            points_balance=member.points - quote.points_redeemed + quote.points_earned,
            stored_value_balance_fen=member.stored_paid_fen + member.stored_bonus_fen - quote.stored_value_fen,
            tier=upgraded or member.tier_code, tier_upgraded_from=member.tier_code if upgraded else None,
            receipt_no=receipt_no,
        )
