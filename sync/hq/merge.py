"""Merging what stores send into HQ's view: member and card snapshots, and the checks on each entry.

Rules (documented for both sides in sync.protocol):
- cards: lost and replaced are terminal; a stale active/frozen snapshot never revives such a card; the
  version never goes down. A card must belong to a member HQ knows.
- members: last arrival wins, except that an anonymised member stays anonymised (PII stays scrubbed) and a
  member HQ merged stays merged (status, merged_into, no phone): only HQ merges (sync.hq.member_merge).
  A phone already held by another member is accepted and flagged `duplicate_phone` for HQ to merge.
- a card sent for a merged member belongs to the member it was merged into.
- If HQ's merged state differs from what the device sent, the change is fed back to that device too.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from sync import protocol as p
from sync.hq import tables as t
from sync.hq.privacy import scrub_member_feed

if TYPE_CHECKING:
    from sync.hq.service import Device

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


def _utf8_ok(*values: str | None) -> bool:
    # JSON may carry lone surrogates, which no database column can store: refuse them as data, not crash.
    try:
        for value in values:
            if value is not None:
                value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def entry_problem(entry: dict[str, Any]) -> str | None:
    """Why a new entry (an EntryIn as a dict) cannot be stored, as far as the entry alone tells, or None.
    Whether HQ knows its member is checked under the feed lock (sync.hq.push)."""
    if entry["account"] not in p.ACCOUNTS:
        return f"unknown account {entry['account']!r}"
    if entry["kind"] not in p.KINDS:
        return f"unknown kind {entry['kind']!r}"
    if not _utf8_ok(entry["entry_id"], entry["sale_id"], entry["ref_id"], entry["note"], entry["business_time"],
                    entry["expires_on"]):
        return "text is not valid UTF-8"
    try:
        datetime.fromisoformat(entry["business_time"])
        if entry["expires_on"]:
            date.fromisoformat(entry["expires_on"])
    except ValueError:
        return "business_time or expires_on is not an ISO date"
    return None


def apply_records(conn: Connection, device: Device, records: list[p.RecordIn], now: str
                  ) -> tuple[list[p.RecordStatus], list[dict[str, Any]]]:
    """Upsert members (first) and cards; return per-record statuses and the feed rows to add."""
    statuses: list[p.RecordStatus] = []
    changes: list[dict[str, Any]] = []
    ordered = sorted(records, key=lambda r: 0 if r.kind == "member" else 1)
    for record in ordered:
        if record.kind == "member" and record.member is not None:
            key, problem, change = _member(conn, device, record.member, now)
        elif record.kind == "card" and record.card is not None:
            key, problem, change = _card(conn, device, record.card)
        else:
            key, problem, change = "", f"a {record.kind} record without its {record.kind}", None
        statuses.append(p.RecordStatus(kind=record.kind, key=key, status="rejected" if problem else "ok",
                                       reason=problem))
        if change is not None:
            changes.append(change)
    return statuses, changes


def _feed_row(kind: str, key: str, data: dict[str, Any], sent: dict[str, Any], device: Device) -> dict[str, Any]:
    origin = device.device_id if all(sent.get(k) == v for k, v in data.items()) else None
    return {"kind": kind, "key": key, "origin_device": origin, "data": json.dumps(data, ensure_ascii=False)}


def _member(conn: Connection, device: Device, member: p.MemberRecord, now: str
            ) -> tuple[str, str | None, dict[str, Any] | None]:
    sent = member.model_dump()
    if member.status not in MEMBER_STATUSES:
        return member.uuid, f"unknown member status {member.status!r}", None
    if not _utf8_ok(*[v for v in sent.values() if isinstance(v, str)]):
        return member.uuid, "text is not valid UTF-8", None
    old = conn.execute(select(t.members).where(t.members.c.uuid == member.uuid)).first()
    data = dict(sent)
    if member.status == "merged" and (old is None or old.status != "merged"):
        return member.uuid, "only HQ merges members (pos-hq member merge)", None
    if old is not None and old.status == "anonymised":
        data.update(status="anonymised", name=old.name, phone=None, birthday=None)
    if old is not None and old.status == "merged":  # a stale snapshot from a till that has not pulled yet
        data.update(status="merged", phone=None, merged_into=old.merged_into)
    if old is not None and old.status == "merged":
        data["birthday"] = None  # the person lives on as the member it was merged into
    if old is None:
        conn.execute(t.members.insert().values(**data))
    else:
        conn.execute(t.members.update().where(t.members.c.uuid == member.uuid).values(**data))
    if data["status"] == "anonymised" and (old is None or old.status != "anonymised"):
        scrub_member_feed(conn, member.uuid, data)  # no till pulling from the start sees the old snapshots
    if data["phone"] and (old is None or old.phone != data["phone"]):
        _flag_duplicate_phone(conn, member.uuid, data["phone"], now)
    return member.uuid, None, _feed_row("member", member.uuid, data, sent, device)


def _flag_duplicate_phone(conn: Connection, uuid: str, phone: str, now: str) -> None:
    others = [r.uuid for r in conn.execute(select(t.members.c.uuid).where(
        t.members.c.phone == phone, t.members.c.uuid != uuid))]
    if not others:
        return
    subject = ",".join(sorted([uuid, *others]))
    exists = conn.execute(select(t.flags.c.id).where(
        t.flags.c.kind == "duplicate_phone", t.flags.c.subject == subject)).first()
    if exists is None:
        masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
        conn.execute(t.flags.insert().values(kind="duplicate_phone", subject=subject, created_at=now,
                                             detail=json.dumps({"phone": masked, "members": sorted([uuid, *others])})))


def _card(conn: Connection, device: Device, card: p.CardRecord) -> tuple[str, str | None, dict[str, Any] | None]:
    sent = card.model_dump()
    if not _utf8_ok(*[v for v in sent.values() if isinstance(v, str)]):
        return card.card_no, "text is not valid UTF-8", None
    owner = conn.execute(select(t.members.c.merged_into).where(t.members.c.uuid == card.member_uuid)).first()
    if owner is None:
        return card.card_no, f"unknown member {card.member_uuid}", None
    old = conn.execute(select(t.cards).where(t.cards.c.card_no == card.card_no)).first()
    data = dict(sent)
    if owner.merged_into is not None:  # issued or changed offline for a member HQ has merged since
        data["member_uuid"] = final_members(conn, {card.member_uuid})[card.member_uuid]
    if old is not None:
        data = merge_card(old._asdict(), data)
        conn.execute(t.cards.update().where(t.cards.c.card_no == card.card_no).values(**data))
    else:
        conn.execute(t.cards.insert().values(**data))
    return card.card_no, None, _feed_row("card", card.card_no, data, sent, device)


def merge_card(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The card after `new` arrives on top of `old`: terminal statuses win, the version never goes down."""
    merged = {name: new.get(name, old.get(name)) for name in _CARD_FIELDS}
    if p.CARD_STATUS_RANK[old["status"]] > p.CARD_STATUS_RANK[new["status"]]:
        merged["status"] = old["status"]
        merged["replaced_by"] = old["replaced_by"] or new.get("replaced_by")
    merged["version"] = max(old["version"], new["version"])
    return merged
