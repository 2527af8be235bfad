"""Registering, editing and anonymising members."""

from __future__ import annotations

from sqlalchemy import Connection, select

from pos_member.domain.cardno import make_card_no, make_member_no, mask_phone, normalise_phone
from pos_member.domain.cards import expiry_after
from pos_member.domain.errors import InvalidInput, NotFound, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import Rules
from pos_member.domain.validate import check_birthday, check_name
from pos_member.services.audit import append_audit
from pos_member.services.context import Store, new_id
from pos_member.services.ledger import next_counter
from pos_member.services.lookup import MemberView, current_card, member_view, resolve
from pos_member.services.staff import CONSOLE_STAFF_ID, require_manager
from pos_member.storage import tables as t
from pos_member.storage.sync_apply import scrub_set_aside


def _check_phone_free(conn: Connection, phone: str, member_id: int | None = None) -> None:
    owner = conn.execute(select(t.members.c.id, t.members.c.member_no).where(t.members.c.phone == phone)).first()
    if owner is not None and owner.id != member_id:
        raise RuleRefused(Reason.PHONE_TAKEN, "phone", phone=mask_phone(phone), member=owner.member_no)


def issue_card_row(conn: Connection, store: Store, rules: Rules, member_id: int, card_type: str,
                   staff_id: int, expires_on: str | None = None) -> str:
    """Insert a new active card (and its fee, if the type has one); returns the card number."""
    if card_type not in rules.card_types:
        raise InvalidInput(Reason.NOT_ONE_OF, "card_type", choices=", ".join(rules.card_types))
    kind = rules.card_types[card_type]
    identity = store.identity
    card_no = make_card_no(identity.store_code, identity.device_no, next_counter(conn, "card_seq"))
    now = store.now()
    if expires_on is None:
        expires_on = expiry_after(store.clock().date(), kind.valid_days)
    conn.execute(t.cards.insert().values(
        card_no=card_no, member_id=member_id, version=1, card_type=card_type, status="active",
        issued_at=now, expires_on=expires_on, updated_at=now,
    ))
    return card_no


def record_card_fee(conn: Connection, store: Store, rules: Rules, member_id: int, card_no: str,
                    card_type: str, kind: str, staff_id: int) -> int:
    fee = rules.card_types[card_type].fee_fen
    if fee:
        conn.execute(t.card_fees.insert().values(
            member_id=member_id, card_no=card_no, kind=kind, fee_fen=fee, staff_id=staff_id,
            business_time=store.now()))
    return fee


def register_member(store: Store, name: str, phone: str, birthday: str | None = None,
                    referrer: str | None = None, card_type: str = "standard",
                    staff_id: int = CONSOLE_STAFF_ID, manager_pin: str | None = None) -> MemberView:
    """Register a member and issue a card. With `manager_pin` (the till asks for one) the manager's approval
    is checked in the same transaction and recorded in the audit row."""
    name = check_name(name)
    phone = normalise_phone(phone)
    birthday = check_birthday(birthday, store.clock().date())
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, "registering a member") if manager_pin else None
        _, rules = store.rules(conn)
        if card_type not in rules.card_types:
            raise InvalidInput(Reason.NOT_ONE_OF, "card_type", choices=", ".join(rules.card_types))
        _check_phone_free(conn, phone)
        referrer_id = None
        if referrer:
            referrer_row, _ = resolve(conn, store, referrer, for_use=False)
            referrer_id = referrer_row.id
        identity = store.identity
        member_no = make_member_no(identity.store_code, identity.device_no, next_counter(conn, "member_seq"))
        tier = rules.card_types[card_type].starting_tier or rules.tiers[0].code
        now = store.now()
        # a card type's starting tier counts as reached today: retention keeps it from registration on
        reached = store.clock().date().isoformat() if rules.tier_rank(tier) > 0 else None
        member_id = conn.execute(t.members.insert().values(
            uuid=new_id(), member_no=member_no, home_store=identity.store_code, name=name, phone=phone,
            birthday=birthday, referrer_id=referrer_id, tier_code=tier, tier_reached_on=reached,
            created_at=now, updated_at=now,
        )).inserted_primary_key[0]
        card_no = issue_card_row(conn, store, rules, member_id, card_type, staff_id)
        fee = record_card_fee(conn, store, rules, member_id, card_no, card_type, "issue", staff_id)
        conn.execute(t.tier_changes.insert().values(
            member_id=member_id, from_tier=None, to_tier=tier, reason="registered", business_time=now))
        append_audit(conn, now, staff_id, "member.register", member_no,
                     {"card_no": card_no, "card_type": card_type, "fee_fen": fee, "referrer_id": referrer_id},
                     approved_by=manager.id if manager else None)
        member = conn.execute(select(t.members).where(t.members.c.id == member_id)).one()
        return member_view(member, current_card(conn, member_id), store)


def edit_member(store: Store, code: str, name: str | None = None, phone: str | None = None,
                birthday: str | None = None, staff_id: int = CONSOLE_STAFF_ID) -> MemberView:
    changes: dict[str, str | None] = {}
    if name is not None:
        changes["name"] = check_name(name)
    if phone is not None:
        changes["phone"] = normalise_phone(phone)
    if birthday is not None:
        changes["birthday"] = check_birthday(birthday, store.clock().date())
    if not changes:
        raise InvalidInput(Reason.NOTHING_TO_CHANGE, "member")
    with store.db.write() as conn:
        member, _ = resolve(conn, store, code, for_use=False)
        if member.status == "anonymised":
            raise RuleRefused(Reason.ANONYMISED_NO_EDIT, "member")
        if "phone" in changes:
            _check_phone_free(conn, changes["phone"], member.id)
        now = store.now()
        conn.execute(t.members.update().where(t.members.c.id == member.id).values(**changes, updated_at=now))
        # the audit names the fields changed, never their values: the log must not become a PII store
        append_audit(conn, now, staff_id, "member.edit", member.member_no, {"fields": sorted(changes)})
        member = conn.execute(select(t.members).where(t.members.c.id == member.id)).one()
        return member_view(member, current_card(conn, member.id), store)


def anonymise_member(store: Store, code: str, manager_pin: str | None,
                     staff_id: int = CONSOLE_STAFF_ID) -> MemberView:
    """Scrub name, phone and birthday; keep the member number, balances and the whole ledger."""
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, "anonymising a member")
        member, _ = resolve(conn, store, code, for_use=False)
        if member.status == "anonymised":
            raise RuleRefused(Reason.ALREADY_ANONYMISED, "member")
        now = store.now()
        conn.execute(t.members.update().where(t.members.c.id == member.id).values(
            name="(anonymised)", phone=None, birthday=None, status="anonymised", updated_at=now))
        # the cards stop working: nobody may identify as this person any more
        conn.execute(t.cards.update().where(t.cards.c.member_id == member.id,
                                            t.cards.c.status.in_(("active", "frozen"))).values(
            status="frozen", updated_at=now))
        scrub_set_aside(conn, member.uuid)  # a pulled snapshot of theirs set aside here keeps no name either
        append_audit(conn, now, staff_id, "member.anonymise", member.member_no, {}, approved_by=manager.id)
        member = conn.execute(select(t.members).where(t.members.c.id == member.id)).one()
        return member_view(member, current_card(conn, member.id), store)


def member_by_id(conn: Connection, member_id: int):
    row = conn.execute(select(t.members).where(t.members.c.id == member_id)).first()
    if row is None:
        raise NotFound(Reason.NO_MEMBER_ID, "member", id=member_id)
    return row
