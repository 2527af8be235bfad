"""Card life: report lost, replace (balances stay with the member), freeze, unfreeze, reprint, renew, QR."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Connection, Row, select

from pos_member.domain.cards import expiry_after
from pos_member.domain.codes import card_qr_text
from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import Rules
from pos_member.services.audit import append_audit
from pos_member.services.context import Store
from pos_member.services.lookup import resolve
from pos_member.services.loyalty import record_tier_change
from pos_member.services.members import issue_card_row, record_card_fee
from pos_member.services.staff import CONSOLE_STAFF_ID, require_manager
from pos_member.storage import tables as t
from pos_member.storage.driver import Record


@dataclass(frozen=True)
class CardResult:
    card_no: str
    status: str
    version: int
    expires_on: str | None
    qr: str
    fee_fen: int = 0


def _card(conn: Connection, card_no: str) -> Row:
    return conn.execute(select(t.cards).where(t.cards.c.card_no == card_no)).one()


def _result(store: Store, card: Record, fee_fen: int = 0) -> CardResult:
    return CardResult(card.card_no, card.status, card.version, card.expires_on,
                      card_qr_text(store.identity.chain_key, card.card_no, card.version), fee_fen)


def _target(conn: Connection, store: Store, code: str) -> tuple[Record, Record]:
    member, card = resolve(conn, store, code, for_use=False)
    if card is None:
        raise RuleRefused(Reason.NO_CARD, "code")
    return member, card


def _set_status(store: Store, code: str, manager_pin: str | None, action: str, allowed_from: tuple[str, ...],
                new_status: str, staff_id: int) -> CardResult:
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, f"card {action}")
        member, card = _target(conn, store, code)
        if card.status not in allowed_from:
            raise RuleRefused(Reason.CARD_STATUS_BLOCKS, "code", card=card.card_no, status=card.status, action=action)
        now = store.now()
        conn.execute(t.cards.update().where(t.cards.c.card_no == card.card_no).values(
            status=new_status, updated_at=now))
        append_audit(conn, now, staff_id, f"card.{action}", card.card_no,
                     {"member_no": member.member_no, "from": card.status, "to": new_status},
                     approved_by=manager.id)
        return _result(store, _card(conn, card.card_no))


def report_lost(store: Store, code: str, manager_pin: str | None, staff_id: int = CONSOLE_STAFF_ID) -> CardResult:
    return _set_status(store, code, manager_pin, "lost", ("active", "frozen"), "lost", staff_id)


def freeze(store: Store, code: str, manager_pin: str | None, staff_id: int = CONSOLE_STAFF_ID) -> CardResult:
    return _set_status(store, code, manager_pin, "freeze", ("active",), "frozen", staff_id)


def unfreeze(store: Store, code: str, manager_pin: str | None, staff_id: int = CONSOLE_STAFF_ID) -> CardResult:
    return _set_status(store, code, manager_pin, "unfreeze", ("frozen",), "active", staff_id)


def replace(store: Store, code: str, manager_pin: str | None, staff_id: int = CONSOLE_STAFF_ID) -> CardResult:
    """A new card number for the same member; the old card is refused from now on. Balances live on the
    member, not the card, so nothing moves in the ledger."""
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, "card replacement")
        member, card = _target(conn, store, code)
        if member.status == "anonymised":
            raise RuleRefused(Reason.ANONYMISED_NO_NEW_CARD, "code")
        if card.status == "replaced":
            raise RuleRefused(Reason.CARD_ALREADY_REPLACED, "code", card=card.card_no, new_card=str(card.replaced_by))
        _, rules = store.rules(conn)
        card_type = card.card_type if card.card_type in rules.card_types else "standard"
        new_no = issue_card_row(conn, store, rules, member.id, card_type, staff_id, expires_on=card.expires_on)
        now = store.now()
        conn.execute(t.cards.update().where(t.cards.c.card_no == card.card_no).values(
            status="replaced", replaced_by=new_no, updated_at=now))
        append_audit(conn, now, staff_id, "card.replace", card.card_no,
                     {"member_no": member.member_no, "old_status": card.status, "new_card_no": new_no},
                     approved_by=manager.id)
        return _result(store, _card(conn, new_no))


def reprint(store: Store, code: str, manager_pin: str | None, staff_id: int = CONSOLE_STAFF_ID) -> CardResult:
    """Same number, next version: a damaged card's new print works, the old print's QR is refused."""
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, "card reprint")
        member, card = _target(conn, store, code)
        if card.status != "active":
            raise RuleRefused(Reason.REPRINT_NOT_ACTIVE, "code", card=card.card_no, status=card.status)
        now = store.now()
        conn.execute(t.cards.update().where(t.cards.c.card_no == card.card_no).values(
            version=card.version + 1, updated_at=now))
        append_audit(conn, now, staff_id, "card.reprint", card.card_no,
                     {"member_no": member.member_no, "version": card.version + 1}, approved_by=manager.id)
        return _result(store, _card(conn, card.card_no))


def renew(store: Store, code: str, staff_id: int = CONSOLE_STAFF_ID) -> CardResult:
    """Extend a card that expires by one validity period from its expiry (or today, if already expired),
    charging the type's fee."""
    with store.db.write() as conn:
        member, card = _target(conn, store, code)
        if card.status in ("lost", "replaced"):
            raise RuleRefused(Reason.RENEW_NOT_ACTIVE, "code", card=card.card_no, status=card.status)
        _, rules = store.rules(conn)
        kind = rules.card_types.get(card.card_type)
        if kind is None or kind.valid_days <= 0 or card.expires_on is None:
            raise InvalidInput(Reason.NEVER_EXPIRES, "code", card=card.card_no)
        today = store.clock().date()
        start = max(today, date.fromisoformat(card.expires_on) + timedelta(days=1))
        expires_on = expiry_after(start, kind.valid_days)
        now = store.now()
        conn.execute(t.cards.update().where(t.cards.c.card_no == card.card_no).values(
            expires_on=expires_on, updated_at=now))
        fee = record_card_fee(conn, store, rules, member.id, card.card_no, card.card_type, "renew", staff_id)
        _renew_starting_tier(conn, rules, member, kind.starting_tier, today, now)
        append_audit(conn, now, staff_id, "card.renew", card.card_no,
                     {"member_no": member.member_no, "expires_on": expires_on, "fee_fen": fee})
        return _result(store, _card(conn, card.card_no), fee)


def _renew_starting_tier(conn: Connection, rules: Rules, member: Record, starting: str | None, today: date,
                         now: str) -> None:
    """A renewal buys the card type's starting tier again: a member below it is lifted to it, and one at it
    keeps it for a new retention period from today. A member above it keeps their tier and its date."""
    if not starting or rules.tier_rank(starting) == 0 or rules.tier_rank(member.tier_code) > rules.tier_rank(starting):
        return
    record_tier_change(conn, member.id, member.tier_code, starting, "card renewed", today.isoformat(), now)


def card_qr(store: Store, code: str) -> CardResult:
    with store.db.read() as conn:
        _, card = _target(conn, store, code)
        return _result(store, card)


def write_qr_png(qr_text: str, out: Path) -> Path:
    """A printable PNG: error correction M survives a scuffed card; a 4-module quiet zone as the spec asks."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(qr_text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(out))
    return out
