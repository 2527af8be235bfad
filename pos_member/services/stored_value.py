"""Stored value: top-ups with bonus steps, and manual points adjustments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.services.audit import append_audit
from pos_member.services.context import Store, new_id
from pos_member.services.ledger import Posting, post
from pos_member.services.lookup import resolve
from pos_member.services.loyalty import lot_expires_on
from pos_member.services.staff import CONSOLE_STAFF_ID, require_manager
from pos_member.storage import tables as t


@dataclass(frozen=True)
class TopupResult:
    topup_id: str
    member_no: str
    paid_fen: int
    bonus_fen: int
    stored_value_fen: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def top_up(store: Store, code: str, paid_fen: int, staff_id: int = CONSOLE_STAFF_ID,
           manager_pin: str | None = None) -> TopupResult:
    """Add paid stored value and its bonus. With `manager_pin` (the till asks for one) the approval is
    checked in the same transaction and recorded in the audit row."""
    if paid_fen <= 0:
        raise InvalidInput(Reason.ZERO, "amount")
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, "a top-up") if manager_pin else None
        member, _ = resolve(conn, store, code, for_use=True)
        rules_version, rules = store.rules(conn)
        if paid_fen > rules.max_topup_fen:
            raise InvalidInput(Reason.ABOVE_TOPUP_LIMIT, "amount", limit_fen=rules.max_topup_fen)
        bonus = rules.topup_bonus(paid_fen)
        topup_id, now = new_id(), store.now()
        conn.execute(t.topups.insert().values(topup_id=topup_id, member_id=member.id, staff_id=staff_id,
                                              business_time=now, paid_fen=paid_fen, bonus_fen=bonus))
        entries = post(conn, store, member.id, [
            Posting("stored_paid", "topup", paid_fen), Posting("stored_bonus", "bonus", bonus),
        ], staff_id=staff_id, rules_version=rules_version, business_time=now, ref_id=topup_id)
        append_audit(conn, now, staff_id, "stored_value.topup", topup_id,
                     {"member_no": member.member_no, "paid_fen": paid_fen, "bonus_fen": bonus}, entries=entries,
                     approved_by=manager.id if manager else None)
        balance = member.stored_paid_fen + member.stored_bonus_fen + paid_fen + bonus
        return TopupResult(topup_id, member.member_no, paid_fen, bonus, balance)


def adjust_points(store: Store, code: str, delta: int, reason: str, manager_pin: str | None,
                  staff_id: int = CONSOLE_STAFF_ID) -> int:
    """A manual correction (goodwill, a mistake) as a new `adjust` entry; returns the new balance. Above the
    rules' limit it needs a manager's PIN. Points given are a lot of their own, expiring under the rules."""
    if delta == 0:
        raise InvalidInput(Reason.NOT_ZERO, "points")
    if abs(delta) > 10_000_000:
        raise InvalidInput(Reason.POINTS_TOO_LARGE, "points", text=str(delta))
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(Reason.NO_REASON_GIVEN, "reason")
    with store.db.write() as conn:
        rules_version, rules = store.rules(conn)
        manager = None
        if abs(delta) > rules.risk.adjust_without_manager_points or manager_pin:
            manager = require_manager(conn, store, manager_pin, f"a points adjustment of {delta}")
        member, _ = resolve(conn, store, code, for_use=False)
        if member.points + delta < 0:
            raise RuleRefused(Reason.POINTS_OVER_BALANCE, "points", points=member.points)
        now = store.now()
        expires_on = lot_expires_on(rules, store.clock().date()) if delta > 0 else None
        entries = post(conn, store, member.id, [Posting("points", "adjust", delta, note=reason[:200],
                                                        expires_on=expires_on)],
                       staff_id=staff_id, rules_version=rules_version, business_time=now, ref_id=new_id())
        append_audit(conn, now, staff_id, "points.adjust", member.member_no, {"delta": delta, "reason": reason},
                     approved_by=manager.id if manager else None, entries=entries)
        return member.points + delta
