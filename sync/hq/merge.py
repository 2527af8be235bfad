"""Merging what stores send into HQ's view: member and card snapshots, and the checks on each entry.

Rules (documented for both sides in sync.protocol):
- cards: lost and replaced are terminal; a stale active/frozen snapshot never revives such a card; the
  version never goes down. A card must belong to a member HQ knows.
- members: last arrival wins, except that an anonymised member stays anonymised (PII stays scrubbed) and a
  member HQ merged stays merged (status, merged_into, no phone): only HQ merges (sync.hq.member_merge).
  Fields are checked as the till checks them when typed (pos_member.domain.validate); any store may change
  contact fields, only the home store the tier and anonymisation; each change records its device.
- cards: a card's member never changes except by HQ's merge.
- identity: a member_no belongs to one member (uuid) and never changes; a card_no belongs to one member,
  moved only by HQ's merge. A record that would give a number to another member is rejected with a typed
  reason (Reason.MEMBER_NO_TAKEN, MEMBER_NO_CHANGED, CARD_NO_TAKEN), never stored and never fed.
- tiers: a tier HQ set later (its evaluation: a newer tier_reached_on) stays against a stale snapshot.
- sales (for HQ's tier evaluation, sync.hq.member_sales): a sale belongs to the till that made it.
  A phone already held by another member is accepted and flagged `duplicate_phone` for HQ to merge.
- a card sent for a merged member belongs to the member it was merged into.
- If HQ's merged state differs from what the device sent, the change is fed back to that device too.
"""

from __future__ import annotations

import json
import logging
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError

from pos_member.domain.cardno import is_card_no, is_phone
from pos_member.domain.errors import InvalidInput, PosError
from pos_member.domain.reasons import Reason
from pos_member.domain.validate import (
    aware_time,
    check_birthday,
    check_name,
    check_tier_code,
    is_uuid,
)
from sync import protocol as p
from sync.hq import tables as t
from sync.hq.documents import KIND_ORDER, record_key, store_document
from sync.hq.flags import DUPLICATE_PHONE, raise_flag
from sync.hq.intake import is_permanent, utf8_ok
from sync.hq.member_sales import store_sale, store_sales
from sync.hq.privacy import scrub_member_feed
from sync.hq.sale_docs import bulk_eligible, store_sale_docs

if TYPE_CHECKING:
    from sync.hq.service import Device

log = logging.getLogger("sync.hq")
BIRTHDAY_SLACK = timedelta(days=2)
MEMBER_STATUSES = ("active", "anonymised", "merged")
_MEMBER_FIELDS = [c.name for c in t.members.c if c.name not in ("points", "stored_paid_fen", "stored_bonus_fen")]
_CARD_FIELDS = [c.name for c in t.cards.c]
_MAX_MERGE_HOPS = 50


def final_members(conn: Connection, uuids: set[str]) -> dict[str, str]:
    """For each of `uuids` that HQ merged into another member: the member that holds its balances now
    (following merge after merge). Members never merged are left out."""
    found: dict[str, str] = {}
    step = {r.uuid: r.merged_into for r in conn.execute(select(t.members.c.uuid, t.members.c.merged_into).where(
        t.members.c.uuid.in_(uuids), t.members.c.merged_into.is_not(None)))} if uuids else {}
    for uuid, target in step.items():
        for _ in range(_MAX_MERGE_HOPS):
            nxt = conn.execute(select(t.members.c.merged_into).where(t.members.c.uuid == target)).scalar()
            if nxt is None:
                break
            target = nxt
        found[uuid] = target
    return found


def apply_records(conn: Connection, device: Device, records: list[p.RecordIn], now: str, careful: bool = False
                  ) -> tuple[list[p.RecordStatus], list[dict[str, Any]]]:
    """Upsert members (first) and cards; return per-record statuses and the feed rows to add. `careful`: each
    record in a savepoint of its own, so a database error on one (a value a column cannot hold) rejects that
    record alone instead of failing the whole push again and again (sync.hq.push retries a push so)."""
    statuses: list[p.RecordStatus] = []
    changes: list[dict[str, Any]] = []
    ordered = sorted(records, key=lambda r: KIND_ORDER.get(r.kind, 9))
    # sale records (last in KIND_ORDER) in one statement (sync.hq.member_sales.store_sales); when careful, one
    # by one below
    sales = [] if careful else [r.sale for r in ordered if r.kind == "sale" and r.sale is not None]
    if sales:
        ordered = [r for r in ordered if not (r.kind == "sale" and r.sale is not None)]
    moment = datetime.fromisoformat(now)
    # sale documents without a coupon in a few statements for the batch (sync.hq.sale_docs), stored where
    # the first of them comes in KIND_ORDER: after members and cards, before refunds that may name them
    bulk = [] if careful else [r for r in ordered if bulk_eligible(r)]
    for record in ordered:
        if bulk and record is bulk[0]:
            for key, duplicate, problem in store_sale_docs(conn, device, [r.sale_doc for r in bulk if r.sale_doc],
                                                           now, moment):
                statuses.append(_status("sale_doc", key, problem, duplicate))
            continue
        if bulk and bulk_eligible(record):
            continue
        key = (record.member.uuid if record.member else record.card.card_no if record.card
               else record.sale.sale_id if record.sale else record_key(record))
        duplicate, fed = False, []
        try:
            with conn.begin_nested() if careful or record.kind in p.DOC_KINDS else nullcontext():
                if record.kind in p.DOC_KINDS:
                    key, duplicate, fed = store_document(conn, device, record, now, moment)
                    change = None
                else:
                    key, change = _apply_one(conn, device, record, now, moment)
            problem = None
        except PosError as exc:
            problem, change = exc, None
        except DBAPIError as exc:
            if not careful or not is_permanent(exc):
                raise
            log.error("HQ could not store %s record %s from device %s", record.kind, key, device.device_id,
                      exc_info=exc)
            problem, change = InvalidInput(Reason.HQ_NOT_STORED, record.kind, what=f"{record.kind} record"), None
        changes.extend(fed)
        statuses.append(p.RecordStatus(kind=record.kind, key=key, status="rejected" if problem else
                                       "duplicate" if duplicate else "ok",
                                       reason=str(problem) if problem else None,
                                       code=problem.reason.value if problem else None,
                                       params=problem.params if problem else {}))
        if change is not None:
            changes.append(change)
    for sale, stored in zip(sales, store_sales(conn, device, sales, now) if sales else [], strict=True):
        problem = None if stored else InvalidInput(Reason.SALE_NOT_YOURS, "sale_id", sale=sale.sale_id)
        statuses.append(p.RecordStatus(kind="sale", key=sale.sale_id, status="rejected" if problem else "ok",
                                       reason=str(problem) if problem else None,
                                       code=problem.reason.value if problem else None,
                                       params=problem.params if problem else {}))
    return statuses, changes


def _status(kind: str, key: str, problem: PosError | None, duplicate: bool) -> p.RecordStatus:
    return p.RecordStatus(kind=kind, key=key, status="rejected" if problem else "duplicate" if duplicate else "ok",
                          reason=str(problem) if problem else None, code=problem.reason.value if problem else None,
                          params=problem.params if problem else {})


def _apply_one(conn: Connection, device: Device, record: p.RecordIn, now: str, moment: datetime
               ) -> tuple[str, dict[str, Any] | None]:
    if record.kind == "member" and record.member is not None:
        return record.member.uuid, _member(conn, device, record.member, now, moment)
    if record.kind == "card" and record.card is not None:
        return record.card.card_no, _card(conn, device, record.card, moment)
    if record.kind == "sale" and record.sale is not None:
        key, problem, _ = store_sale(conn, device, record.sale, now)
        if problem is not None:
            raise InvalidInput(Reason.SALE_NOT_YOURS, "sale_id", sale=key)
        return key, None
    raise InvalidInput(Reason.ENTRY_BAD_TYPE, record.kind, expected=f"a {record.kind}", got="nothing")


def _feed_row(kind: str, key: str, data: dict[str, Any], sent: dict[str, Any], device: Device) -> dict[str, Any]:
    origin = device.device_id if all(sent.get(k) == v for k, v in data.items()) else None
    return {"kind": kind, "key": key, "origin_device": origin, "data": json.dumps(data, ensure_ascii=False)}


def _member(conn: Connection, device: Device, member: p.MemberRecord, now: str, moment: datetime
            ) -> dict[str, Any]:
    """Any enrolled store may change a member's contact fields (name, phone, birthday: members shop all over
    the chain), recorded with its device; the tier comes from the home store only (HQ keeps its own tier for
    a snapshot from elsewhere); only the home store anonymises; member_no, home store and created_at never
    change; only HQ merges."""
    sent = member.model_dump()
    _check_member_fields(member, moment)
    old = conn.execute(select(t.members).where(t.members.c.uuid == member.uuid)).first()
    data = dict(sent)
    if member.status == "merged" and (old is None or old.status != "merged"):
        raise InvalidInput(Reason.ONLY_HQ_MERGES, "status")
    if old is not None and old.member_no != member.member_no:
        raise InvalidInput(Reason.MEMBER_NO_CHANGED, "member_no", held=old.member_no)
    if old is None and conn.execute(select(t.members.c.uuid).where(
            t.members.c.member_no == member.member_no).limit(1)).first() is not None:
        raise InvalidInput(Reason.MEMBER_NO_TAKEN, "member_no", member_no=member.member_no)
    if old is not None:
        for name in ("member_no", "home_store", "created_at"):
            if getattr(old, name) != sent[name]:
                raise InvalidInput(Reason.MEMBER_FIELD_FIXED, name, member=old.member_no)
    home = old.home_store if old is not None else member.home_store
    anonymising = member.status == "anonymised" and (old is None or old.status == "active")
    if anonymising and device.store_code != home:
        raise InvalidInput(Reason.ANONYMISE_HOME_ONLY, "status", store=home)
    if old is not None and device.store_code != home:  # the home store's (and HQ's) tier stands
        data.update(tier_code=old.tier_code, tier_reached_on=old.tier_reached_on)
    if old is not None and (old.tier_reached_on or "") > (member.tier_reached_on or ""):
        # HQ evaluated the tier since this snapshot was made (a till that has not pulled yet): HQ's tier stays
        data.update(tier_code=old.tier_code, tier_reached_on=old.tier_reached_on)
    if old is not None and old.status == "anonymised":
        data.update(status="anonymised", name=old.name, phone=None, birthday=None)
    if old is not None and old.status == "merged":  # a stale snapshot from a till that has not pulled yet
        data.update(status="merged", phone=None, merged_into=old.merged_into)
    if old is not None and old.status == "merged":
        data["birthday"] = None  # the person lives on as the member it was merged into
    who = {"changed_by": device.device_id} | ({"anonymised_by": device.device_id} if anonymising else {})
    if old is None:
        conn.execute(t.members.insert().values(**data, **who))
    else:
        conn.execute(t.members.update().where(t.members.c.uuid == member.uuid).values(**data, **who))
    if data["status"] == "anonymised" and (old is None or old.status != "anonymised"):
        scrub_member_feed(conn, member.uuid, data)  # no till pulling from the start sees the old snapshots
    if data["phone"] and (old is None or old.phone != data["phone"]):
        _flag_duplicate_phone(conn, device, member.uuid, data["phone"], now)
    return _feed_row("member", member.uuid, data, sent, device)


def _check_member_fields(member: p.MemberRecord, moment: datetime) -> None:
    """The checks the till applies when the fields are typed (pos_member.domain.validate)."""
    if not utf8_ok(*[v for v in member.model_dump().values() if isinstance(v, str)]):
        raise InvalidInput(Reason.ENTRY_BAD_TEXT, "member")
    if not is_uuid(member.uuid):
        raise InvalidInput(Reason.ENTRY_BAD_ID, "uuid", text=member.uuid)
    if member.status not in MEMBER_STATUSES:
        raise InvalidInput(Reason.NOT_ONE_OF, "status", choices=", ".join(MEMBER_STATUSES))
    check_name(member.name)
    if member.phone is not None and not is_phone(member.phone):
        raise InvalidInput(Reason.NOT_A_PHONE, "phone", text=member.phone)
    check_birthday(member.birthday, (moment + BIRTHDAY_SLACK).date())  # a till's date may run ahead of HQ's
    check_tier_code(member.tier_code)
    if member.tier_reached_on is not None:
        _day(member.tier_reached_on, "tier_reached_on")
    aware_time(member.created_at, "created_at", moment)
    aware_time(member.updated_at, "updated_at", moment)


def _day(text: str, field: str) -> None:
    try:
        date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(Reason.NOT_A_DATE, field, text=text) from exc


def _flag_duplicate_phone(conn: Connection, device: Device, uuid: str, phone: str, now: str) -> None:
    """A flag per set of members sharing a phone (sync.hq.flags). A set HQ was already told about (open, or
    closed: dismissed as two people, or merged) is not raised again; a new member joining it is a new set."""
    others = [r.uuid for r in conn.execute(select(t.members.c.uuid).where(
        t.members.c.phone == phone, t.members.c.uuid != uuid))]
    if not others:
        return
    members = sorted([uuid, *others])
    subject = ",".join(members)
    if conn.execute(select(t.flags.c.id).where(
            t.flags.c.kind == DUPLICATE_PHONE, t.flags.c.subject == subject).limit(1)).first() is not None:
        return
    masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
    raise_flag(conn, kind=DUPLICATE_PHONE, subject=subject, figures={"phone": masked, "members": len(members)},
               store_code=device.store_code, now=now)


def _card(conn: Connection, device: Device, card: p.CardRecord, moment: datetime) -> dict[str, Any]:
    """A card's member never changes, except by HQ's merge; its status moves only along its lifecycle (see
    merge_card: a lost or replaced card stays so, whatever snapshot arrives)."""
    sent = card.model_dump()
    if not utf8_ok(*[v for v in sent.values() if isinstance(v, str)]):
        raise InvalidInput(Reason.ENTRY_BAD_TEXT, "card")
    if not is_card_no(card.card_no):
        raise InvalidInput(Reason.UNKNOWN_CODE_FORMAT, "card_no", text=card.card_no)
    if card.replaced_by is not None and not is_card_no(card.replaced_by):  # the refusal names what is wrong
        raise InvalidInput(Reason.UNKNOWN_CODE_FORMAT, "replaced_by", text=card.replaced_by)
    aware_time(card.issued_at, "issued_at", moment)
    aware_time(card.updated_at, "updated_at", moment)
    if card.expires_on is not None:
        _day(card.expires_on, "expires_on")
    owner = conn.execute(select(t.members.c.merged_into).where(t.members.c.uuid == card.member_uuid)).first()
    if owner is None:
        raise InvalidInput(Reason.ENTRY_UNKNOWN_MEMBER, "member_uuid", member=card.member_uuid)
    old = conn.execute(select(t.cards).where(t.cards.c.card_no == card.card_no)).first()
    data = dict(sent)
    holder = final_members(conn, {card.member_uuid}).get(card.member_uuid, card.member_uuid)
    data["member_uuid"] = holder  # issued or changed offline for a member HQ has merged since
    if old is not None:
        if final_members(conn, {old.member_uuid}).get(old.member_uuid, old.member_uuid) != holder:
            raise InvalidInput(Reason.CARD_NO_TAKEN, "member_uuid", card=card.card_no)
        data = merge_card(old._asdict(), data)
        conn.execute(t.cards.update().where(t.cards.c.card_no == card.card_no).values(**data))
    else:
        conn.execute(t.cards.insert().values(**data))
    return _feed_row("card", card.card_no, data, sent, device)


def merge_card(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The card after `new` arrives on top of `old`: terminal statuses win, the version never goes down."""
    merged = {name: new.get(name, old.get(name)) for name in _CARD_FIELDS}
    if p.CARD_STATUS_RANK[old["status"]] > p.CARD_STATUS_RANK[new["status"]]:
        merged["status"] = old["status"]
        merged["replaced_by"] = old["replaced_by"] or new.get("replaced_by")
    merged["version"] = max(old["version"], new["version"])
    return merged
