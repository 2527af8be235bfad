"""Merging two members at HQ (`pos-hq member merge KEEP OTHER`): the answer to a `duplicate_phone` flag,
when two stores registered one person offline.

One HQ write transaction under the feed lock, like every HQ write:
- OTHER's balances move to KEEP as `transfer` entries written by HQ itself (device and store "HQ", a UUID
  entry_id and HQ's own gap-free local_seq each): -x on OTHER, +x on KEEP per account. Points move lot by
  lot (the part of each lot not yet consumed, FIFO by expiry, the rule the stores' expiry job uses) with
  the lot's expires_on, so merged points expire when they would have. Nothing is deleted or rewritten:
  both ledgers stay whole and each member's balance is still the sum of its own entries.
- OTHER gets status 'merged' and merged_into = KEEP and loses its phone (KEEP keeps its own phone, or takes
  OTHER's if it had none); members merged into OTHER earlier now point at KEEP.
- OTHER's cards (numbers unchanged) now belong to KEEP; open duplicate_phone flags that only OTHER and KEEP
  shared are resolved, and so is an overdraft flag of OTHER (its debt moved to KEEP, flagged there if due).
- Everything goes out through the change feed: OTHER's snapshot before KEEP's (a till frees the phone before
  it gives it to KEEP), then the cards, then the entries.
Entries a till pushes later for OTHER are forwarded to KEEP by every push (sync.hq.chain_ledger.forward_merged).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, Engine, Row, func, select

from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t
from sync.hq.chain_ledger import hq_entries, move_balances, transfer_pair
from sync.hq.flags import close_flag
from sync.hq.privacy import scrub_member_feed
from sync.hq.rollups import add_entries
from sync.hq.service import utc_now


class MergeRefused(Exception):
    """A merge HQ will not do; the message is one line for the operator."""


_WIRE_MEMBER = [*p.MemberRecord.model_fields, "merged_into"]


def member_data(row: Row) -> dict[str, Any]:
    """A member as the change feed carries it (the push schema's fields plus merged_into)."""
    return {name: getattr(row, name) for name in _WIRE_MEMBER}


def _member(conn: Connection, uuid: str, role: str) -> Row:
    row = conn.execute(select(t.members).where(t.members.c.uuid == uuid)).first()
    if row is None:
        raise MergeRefused(f"no member {uuid} at HQ ({role}); see `pos-hq member duplicates`")
    if row.status == "merged":
        raise MergeRefused(f"member {row.member_no} ({role}) was already merged into {row.merged_into}")
    if row.status == "anonymised":
        raise MergeRefused(f"member {row.member_no} ({role}) is anonymised; it cannot be merged")
    return row


def points_lots(conn: Connection, uuid: str, balance: int) -> list[tuple[str | None, int]]:
    """The member's points balance as (expires_on, amount) parts: what is left of each lot after consumption
    (redeem, expire, undated debits) is taken from the earliest-expiring lots first, and an undated rest.
    The parts always add up to `balance`."""
    by_date = conn.execute(select(t.entries.c.expires_on, func.sum(t.entries.c.delta)).where(
        t.entries.c.member_uuid == uuid, t.entries.c.account == "points").group_by(t.entries.c.expires_on)).all()
    flow = sum(int(total) for day, total in by_date if day is None)
    lots = sorted((day, int(total)) for day, total in by_date if day is not None)
    consumed = max(0, -flow) + sum(-total for _, total in lots if total < 0)
    parts: list[tuple[str | None, int]] = []
    for day, total in lots:
        if total <= 0:
            continue
        used = min(total, consumed)
        consumed -= used
        if total - used:
            parts.append((day, total - used))
    rest = balance - sum(amount for _, amount in parts)
    if rest:
        parts.append((None, rest))
    return parts


def _feed(kind: str, key: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "key": key, "origin_device": None, "data": json.dumps(data, ensure_ascii=False)}


def merge_members(engine: Engine, keep_uuid: str, other_uuid: str) -> dict[str, Any]:
    keep_uuid, other_uuid = keep_uuid.strip(), other_uuid.strip()
    if keep_uuid == other_uuid:
        raise MergeRefused(f"cannot merge member {keep_uuid} into itself")
    with db.write(engine) as conn:
        head = db.lock_feed(conn)
        keep = _member(conn, keep_uuid, "KEEP")
        other = _member(conn, other_uuid, "OTHER")
        now, merge_id = utc_now(), str(uuid4())
        note = f"merge {other.member_no} into {keep.member_no}"
        extra = {"ref_id": merge_id, "note": note}

        postings: list[dict[str, Any]] = []
        for expires_on, amount in points_lots(conn, other.uuid, other.points):
            postings += transfer_pair(other.uuid, keep.uuid, "points", amount, expires_on=expires_on, **extra)
        for account, amount in (("stored_paid", other.stored_paid_fen), ("stored_bonus", other.stored_bonus_fen)):
            if amount:
                postings += transfer_pair(other.uuid, keep.uuid, account, amount, **extra)

        # members: OTHER (frees its phone) first, then KEEP, then any merged into OTHER before
        conn.execute(t.members.update().where(t.members.c.uuid == other.uuid).values(
            status="merged", merged_into=keep.uuid, phone=None, birthday=None, updated_at=now))
        conn.execute(t.members.update().where(t.members.c.uuid == keep.uuid).values(
            phone=keep.phone or other.phone, updated_at=now))
        earlier = [r[0] for r in conn.execute(select(t.members.c.uuid).where(
            t.members.c.merged_into == other.uuid).order_by(t.members.c.uuid))]
        if earlier:
            conn.execute(t.members.update().where(t.members.c.uuid.in_(earlier)).values(
                merged_into=keep.uuid, updated_at=now))
        # OTHER's earlier snapshots lose its phone and birthday too: a till pulling from the start never
        # receives them (sync.hq.privacy)
        scrub_member_feed(conn, other.uuid, {"phone": None, "birthday": None}, ("phone", "birthday"))
        changes = []
        for uuid in [other.uuid, keep.uuid, *earlier]:
            row = conn.execute(select(t.members).where(t.members.c.uuid == uuid)).one()
            changes.append(_feed("member", uuid, member_data(row)))

        cards = [r[0] for r in conn.execute(select(t.cards.c.card_no).where(
            t.cards.c.member_uuid == other.uuid).order_by(t.cards.c.card_no))]
        if cards:
            conn.execute(t.cards.update().where(t.cards.c.card_no.in_(cards)).values(
                member_uuid=keep.uuid, updated_at=now))
            for row in conn.execute(select(t.cards).where(t.cards.c.card_no.in_(cards)).order_by(t.cards.c.card_no)):
                changes.append(_feed("card", row.card_no, dict(row._mapping)))
        for change in changes:
            head += 1
            change["seq"] = head
        conn.execute(t.changes.insert(), changes)

        entries, head = hq_entries(conn, postings, head, now)
        if entries:
            conn.execute(t.entries.insert(), entries)
            add_entries(conn, entries, move_balances(conn, entries, now))
        resolved = _resolve_flags(conn, other.uuid, now, f"{other.member_no} into {keep.member_no}")
        db.set_feed_head(conn, head)
    return {"merge_id": merge_id, "kept": keep.uuid, "kept_member_no": keep.member_no, "merged": other.uuid,
            "merged_member_no": other.member_no,
            "moved": {"points": other.points, "stored_paid_fen": other.stored_paid_fen,
                      "stored_bonus_fen": other.stored_bonus_fen},
            "cards_moved": cards, "transfer_entries": len(entries), "flags_resolved": resolved}


MERGE_OPERATOR = "HQ (member merge)"


def _resolve_flags(conn: Connection, other_uuid: str, now: str, note: str) -> list[int]:
    resolved = []
    for flag in conn.execute(select(t.flags).where(t.flags.c.resolved_at.is_(None), t.flags.c.kind.in_(
            ("duplicate_phone", "overdraft")), t.flags.c.subject.contains(other_uuid))).all():
        subjects = flag.subject.split(",")
        if other_uuid not in subjects:
            continue
        if flag.kind == "duplicate_phone":
            live = conn.execute(select(func.count()).select_from(t.members).where(
                t.members.c.uuid.in_(subjects), t.members.c.status != "merged")).scalar_one()
            if live > 1:
                continue  # others still share the phone: the flag stays open for them
        close_flag(conn, flag.id, status="resolved", operator=MERGE_OPERATOR, note=f"members merged at HQ ({note})",
                   now=now)
        resolved.append(flag.id)
    return resolved


def duplicates(engine: Engine) -> list[dict[str, Any]]:
    """Open duplicate_phone flags with the members behind each: the candidates for a merge."""
    with db.read(engine) as conn:
        out = []
        for flag in conn.execute(select(t.flags).where(t.flags.c.kind == "duplicate_phone",
                                                       t.flags.c.resolved_at.is_(None)).order_by(t.flags.c.id)):
            members = conn.execute(select(
                t.members.c.uuid, t.members.c.member_no, t.members.c.name, t.members.c.home_store,
                t.members.c.status, t.members.c.points, t.members.c.stored_paid_fen, t.members.c.stored_bonus_fen,
                t.members.c.created_at).where(t.members.c.uuid.in_(flag.subject.split(",")))
                .order_by(t.members.c.created_at, t.members.c.uuid)).mappings().all()
            out.append({"flag_id": flag.id, "phone": json.loads(flag.detail).get("phone"),
                        "created_at": flag.created_at, "members": [dict(m) for m in members]})
        return out
