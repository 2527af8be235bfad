"""Finding a member from whatever the till was given: QR text, card number, phone or member number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from pos_member.domain.cardno import mask_phone
from pos_member.domain.cards import card_problem, old_version_problem
from pos_member.domain.codes import parse_member_code
from pos_member.domain.errors import CardRefused, NotFound, PosError
from pos_member.domain.reasons import Reason
from pos_member.services.context import Store
from pos_member.storage import driver
from pos_member.storage import tables as t
from pos_member.storage.driver import Record


@dataclass(frozen=True)
class MemberView:
    """What the till shows about a member. The phone is masked; the full number never leaves storage."""

    id: int
    uuid: str
    member_no: str
    name: str
    phone: str  # masked
    birthday: str | None
    tier: str
    points: int
    stored_value_fen: int
    stored_paid_fen: int
    stored_bonus_fen: int
    total_spend_fen: int
    status: str
    card_no: str | None
    card_type: str | None
    card_status: str | None
    card_version: int | None
    card_expires_on: str | None
    card_problem: str | None  # why the card would be refused at the till, if it would

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("id",)}


# Driver-level SQL (storage/driver.py): the till looks members up all day, and every sale starts here.
_CARD_BY_NO = "SELECT * FROM cards WHERE card_no = :key"
_MEMBER_BY_ID = "SELECT * FROM members WHERE id = :key"
_MEMBER_BY_PHONE = "SELECT * FROM members WHERE phone = :key"
_MEMBER_BY_NO = "SELECT * FROM members WHERE member_no = :key"
_MEMBER_BY_UUID = "SELECT * FROM members WHERE uuid = :key"
_CURRENT_CARD = ("SELECT * FROM cards WHERE member_id = :key AND status != 'replaced' "
                 "ORDER BY issued_at DESC, card_no DESC LIMIT 1")


def current_card(conn: Connection, member_id: int) -> Record | None:
    return driver.first(conn, _CURRENT_CARD, {"key": member_id})


def member_view(member: Record, card: Record | None, store: Store) -> MemberView:
    problem = None
    if card is not None:
        refusal = card_problem(card.card_no, card.status, card.expires_on, store.clock().date())
        problem = refusal.message if refusal else None
    if member.status == "anonymised":
        problem = "this member was anonymised"
    return MemberView(
        id=member.id, uuid=member.uuid, member_no=member.member_no, name=member.name,
        phone=mask_phone(member.phone), birthday=member.birthday, tier=member.tier_code,
        points=member.points, stored_value_fen=member.stored_paid_fen + member.stored_bonus_fen,
        stored_paid_fen=member.stored_paid_fen, stored_bonus_fen=member.stored_bonus_fen,
        total_spend_fen=member.total_spend_fen, status=member.status,
        card_no=card.card_no if card else None, card_type=card.card_type if card else None,
        card_status=card.status if card else None, card_version=card.version if card else None,
        card_expires_on=card.expires_on if card else None, card_problem=problem,
    )


def surviving(conn: Connection, member: Record) -> Record:
    """A member HQ merged into another (status 'merged') is found as the member it was merged into."""
    for _ in range(50):
        if member.status != "merged" or not member.merged_into:
            return member
        target = driver.first(conn, _MEMBER_BY_UUID, {"key": member.merged_into})
        if target is None:
            return member  # not pulled yet: HQ forwards what is recorded on it
        member = target
    return member


def resolve(conn: Connection, store: Store, code: str, for_use: bool) -> tuple[Record, Record | None]:
    """The member and card a code names. `for_use` (a sale, a top-up) also refuses lost, frozen, replaced and
    expired cards; a forged or out-of-date QR is refused either way."""
    parsed = parse_member_code(code, store.identity.verify_keys, store.unix_time())
    card: Record | None
    if parsed.kind in ("qr", "card_no"):
        card = driver.first(conn, _CARD_BY_NO, {"key": parsed.value})
        if card is None:
            raise NotFound(Reason.NO_SUCH_CARD, "code", card=parsed.value)
        if parsed.version is not None:
            stale = old_version_problem(card.card_no, parsed.version, card.version)
            if stale:
                raise stale
        member = surviving(conn, driver.first(conn, _MEMBER_BY_ID, {"key": card.member_id}))
    else:
        query = _MEMBER_BY_PHONE if parsed.kind == "phone" else _MEMBER_BY_NO
        member = driver.first(conn, query, {"key": parsed.value})
        if member is None:
            shown = mask_phone(parsed.value) if parsed.kind == "phone" else parsed.value
            if parsed.kind == "phone":
                raise NotFound(Reason.NO_MEMBER_WITH_PHONE, "code", phone=shown)
            raise NotFound(Reason.NO_MEMBER_WITH_NO, "code", member=shown)
        member = surviving(conn, member)
        card = current_card(conn, member.id)
    if for_use:
        if member.status == "anonymised":
            raise CardRefused(Reason.ANONYMISED)
        if card is None:
            raise CardRefused(Reason.NO_CARD)
        problem = card_problem(card.card_no, card.status, card.expires_on, store.clock().date())
        if problem:
            raise problem
    return member, card


def show_member(store: Store, code: str) -> MemberView:
    with store.db.read() as conn:
        # the card that was scanned, not the member's newest: a replaced or lost card must show in red
        member, card = resolve(conn, store, code, for_use=False)
        return member_view(member, card, store)


def find_members(store: Store, fragment: str, limit: int = 20) -> list[MemberView]:
    """By any code, or else by a fragment of the name."""
    fragment = (fragment or "").strip()
    if not fragment:
        return []
    with store.db.read() as conn:
        try:
            member, card = resolve(conn, store, fragment, for_use=False)
            return [member_view(member, card, store)]
        except PosError:
            pass  # not a code (or an unknown one): search names instead
        escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            select(t.members).where(t.members.c.name.like(f"%{escaped}%", escape="\\"), t.members.c.status != "merged")
            .order_by(t.members.c.id).limit(limit)
        ).all()
        return [member_view(row, current_card(conn, row.id), store) for row in rows]
