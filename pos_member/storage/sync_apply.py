"""Applying one page of HQ's change feed inside the caller's write transaction.

- member snapshots: upsert by uuid. A phone this store already has on another member is left off the pulled
  member here (the phone index is unique at the till) and counted as `phone_conflicts`; HQ has flagged it.
  A phone the page itself takes off a member (HQ merged it) is free for another member of the same page.
- merges (HQ merged OTHER into KEEP): OTHER's snapshot arrives with status 'merged', merged_into = KEEP's
  uuid and no phone, before KEEP's snapshot (which may now carry the phone), OTHER's cards re-pointed to
  KEEP, and HQ's transfer entries; applied like any other snapshot, card and entry, so the cached balances
  move with the entries. A merged member stays merged whatever a later snapshot says, and its unused
  coupons move to KEEP here (coupons live only in the store file).
- card snapshots: upsert by number; lost and replaced are terminal, the version never goes down.
- entries of other devices: inserted as they are (their device_id, local_seq, entry_id; entry_id UNIQUE makes
  a re-applied page a no-op) and the members' cached balances move by the same amounts.
- rules: appended as this store's newest rules version, unless this app cannot parse them.
- coupons (issue 11): upserted by code with HQ's status; a use made here stays used unless HQ released
  that very use (a full refund of its sale).

A row this till cannot apply never aborts the page (issue 10): each run of rows is applied under a SAVEPOINT;
if it fails, its rows are applied one by one, each under its own SAVEPOINT, and a row that still fails is set
aside in `pull_quarantine` (migration 0006) with a typed reason: a member or card number held here by another
member, a card or entry whose member is not known here, anything else the database refuses. The rest of the
page is applied and the cursor moves on; `sync status` and the F11 panel show what was set aside.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from pos_member.domain.reasons import Reason, english
from pos_member.storage import tables as t
from pos_member.storage.chain_rules import APPLIED_KEY, set_state

log = logging.getLogger(__name__)

# The copies of an anonymised member's pulled snapshots that were set aside here lose the personal fields as
# the member row does (PIPL): a till keeps no name, phone or birthday of someone who asked to be forgotten.
_SCRUB_SET_ASIDE = text(
    "UPDATE pull_quarantine SET data = json_set(data, '$.name', '(anonymised)', '$.phone', NULL, '$.birthday', NULL) "
    "WHERE kind = 'member' AND json_extract(data, '$.uuid') = :uuid")


def scrub_set_aside(conn: Connection, member_uuid: str) -> None:
    """Scrub the member's snapshots set aside in pull_quarantine (anonymised here, or at HQ and pulled)."""
    conn.execute(_SCRUB_SET_ASIDE, {"uuid": member_uuid})


# Same rule as HQ (sync.protocol.CARD_STATUS_RANK; storage must not import sync): lost and replaced are
# terminal, so a stale snapshot never revives a card.
_CARD_RANK = {"active": 0, "frozen": 0, "lost": 1, "replaced": 2}
_BALANCE = {"points": "d_points", "stored_paid": "d_paid", "stored_bonus": "d_bonus"}
_CHUNK = 500
_MOVE = text("UPDATE members SET points = points + :d_points, stored_paid_fen = stored_paid_fen + :d_paid, "
             "stored_bonus_fen = stored_bonus_fen + :d_bonus WHERE id = :member_id")
_MEMBER_COLUMNS = ("member_no", "home_store", "name", "phone", "birthday", "tier_code", "tier_reached_on", "status",
                   "updated_at", "merged_into")
_COUPON_TERMS = ("code", "template", "kind", "name", "amount_off_fen", "min_spend_fen", "percent_off", "max_off_fen",
                 "valid_from", "valid_to", "issued_at")
_UPDATE_MEMBER = t.members.update().where(t.members.c.id == bindparam("id_")).values(
    {c: bindparam(c) for c in _MEMBER_COLUMNS})


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


class CannotApply(Exception):
    """A pulled row this till cannot apply, and why (a reason and its figures)."""

    def __init__(self, reason: Reason, **params: int | str) -> None:
        super().__init__(english(reason, params))
        self.reason, self.params = reason, params


# What the database refuses about a row (its constraint names the column): the number is taken here.
_TAKEN = {"members.member_no": "member_no", "cards.card_no": "card_no"}


def _why(exc: Exception, data: dict[str, Any]) -> CannotApply:
    if isinstance(exc, CannotApply):
        return exc
    if isinstance(exc, DBAPIError):
        said = str(exc.orig)  # the driver's own line: no SQL parameters (a member's phone) in it
        for column, field in _TAKEN.items():
            if column in said and data.get(field):
                return CannotApply(Reason.PULL_NUMBER_TAKEN, number=str(data[field]))
    return CannotApply(Reason.PULL_NOT_APPLIED, error=type(exc).__name__)


def _key(kind: str, data: dict[str, Any]) -> str:
    """How a person finds the row: member and card numbers, entry ids, rules versions."""
    name = {"member": "member_no", "card": "card_no", "entry": "entry_id", "rules": "version",
            "coupon": "code"}.get(kind, "")
    return str(data.get(name, ""))


class PageApplier:
    def __init__(self, conn: Connection, now: str, rules_check: Callable[[str], str | None]) -> None:
        self.conn = conn
        self._failure: Exception | None = None
        self.now = now
        self.rules_check = rules_check
        self.counts = {"members": 0, "cards": 0, "coupons": 0, "entries_applied": 0, "entries_already_held": 0,
                       "phone_conflicts": 0, "merges": 0, "rules": 0, "skipped": 0, "set_aside": 0}

    def apply(self, changes: list[dict[str, Any]]) -> dict[str, int]:
        # Feed order matters only between kinds that depend on each other (a member before its card and its
        # entries); HQ's order already guarantees it, and runs of one kind are applied in bulk.
        run: list[dict[str, Any]] = []
        for change in changes:
            if run and run[-1]["kind"] != change["kind"]:
                self._apply_run(run)
                run = []
            run.append(change)
        if run:
            self._apply_run(run)
        return self.counts

    def _apply_run(self, run: list[dict[str, Any]]) -> None:
        for chunk in _chunks(run):
            if self._attempt(chunk):
                continue
            for change in chunk:  # one row of the chunk cannot be applied: find it, set it aside, go on
                if not self._attempt([change]):
                    self._set_aside(change)

    def _attempt(self, changes: list[dict[str, Any]]) -> bool:
        """Apply `changes` (one kind) under a savepoint: all of them, or none and False."""
        counts = dict(self.counts)
        try:
            with self.conn.begin_nested():
                self._apply_chunk(changes[0]["kind"], [c["data"] for c in changes])
        # a constraint this row breaks here, or a row this app cannot read; not a fault of the file itself
        # (disk full, locked, damaged: OperationalError), which fails the sync and keeps the cursor
        except (CannotApply, IntegrityError, KeyError, TypeError, ValueError) as exc:
            self.counts = counts
            self._failure = exc
            return False
        return True

    def _apply_chunk(self, kind: str, chunk: list[dict[str, Any]]) -> None:
        if kind == "member":
            self._members(chunk)
        elif kind == "card":
            self._cards(chunk)
        elif kind == "entry":
            self._entries(chunk)
        elif kind == "rules":
            for item in chunk:
                self._rules(item)
        elif kind == "coupon":
            self._coupons(chunk)
        else:
            self.counts["skipped"] += len(chunk)  # a kind from a newer HQ: ignored, not fatal

    def _set_aside(self, change: dict[str, Any]) -> None:
        kind, data = change["kind"], change["data"]
        why = _why(self._failure or ValueError(), data)
        key = _key(kind, data)
        log.warning("pulled %s %s (feed seq %s) set aside: %s", kind, key, change.get("seq"), why)
        self.conn.execute(text(
            "INSERT OR IGNORE INTO pull_quarantine (seq, kind, key, reason, params, data, at) "
            "VALUES (:seq, :kind, :key, :reason, :params, :data, :at)"),
            {"seq": int(change.get("seq") or 0), "kind": kind, "key": key, "reason": why.reason.value,
             "params": json.dumps(why.params, ensure_ascii=False), "data": json.dumps(data, ensure_ascii=False),
             "at": self.now})
        if kind == "member" and data.get("status") == "anonymised" and data.get("uuid"):
            scrub_set_aside(self.conn, data["uuid"])  # an earlier snapshot of theirs may be set aside too
        self.counts["set_aside"] += 1

    def _member_ids(self, uuids: set[str]) -> dict[str, int]:
        rows = self.conn.execute(select(t.members.c.uuid, t.members.c.id).where(t.members.c.uuid.in_(uuids)))
        return {row.uuid: row.id for row in rows}

    def _members(self, items: list[dict[str, Any]]) -> None:
        existing = {row.uuid: row for row in self.conn.execute(select(
            t.members.c.uuid, t.members.c.id, t.members.c.tier_code, t.members.c.status, t.members.c.merged_into
        ).where(t.members.c.uuid.in_([m["uuid"] for m in items])))}
        phones = {m["phone"] for m in items if m.get("phone")}
        page_phone = {m["uuid"]: m.get("phone") for m in items}  # a member's last snapshot in the page wins
        # a phone held here by a member whose snapshot in this page drops it is free for the page
        phone_owner = {row.phone: row.uuid for row in self.conn.execute(select(
            t.members.c.phone, t.members.c.uuid).where(t.members.c.phone.in_(phones)))
            if page_phone.get(row.uuid, row.phone) == row.phone} if phones else {}
        inserts, updates, tier_moves, merges = [], [], [], []
        for member in items:
            row = {c: member.get(c) for c in _MEMBER_COLUMNS}
            phone = row["phone"]
            if phone and phone_owner.get(phone, member["uuid"]) != member["uuid"]:
                row["phone"] = None
                self.counts["phone_conflicts"] += 1
            elif phone:
                phone_owner[phone] = member["uuid"]
            old = existing.get(member["uuid"])
            if old is None:
                inserts.append(row | {"uuid": member["uuid"], "created_at": member["created_at"]})
            else:
                if old.status == "anonymised":  # stays scrubbed whatever a stale snapshot says
                    row.update(status="anonymised", name="(anonymised)", phone=None, birthday=None)
                elif old.status == "merged":  # stays merged whatever a stale snapshot says
                    row.update(status="merged", phone=None, merged_into=row["merged_into"] or old.merged_into)
                elif row["status"] == "merged" and row["merged_into"]:
                    merges.append((old.id, row["merged_into"]))
                updates.append(row | {"id_": old.id})
                if old.tier_code != row["tier_code"]:
                    tier_moves.append({"member_id": old.id, "from_tier": old.tier_code, "to_tier": row["tier_code"],
                                       "reason": "synced from HQ", "business_time": self.now})
            if row["status"] == "anonymised":  # as sent, or kept so against a stale snapshot
                scrub_set_aside(self.conn, member["uuid"])  # a snapshot of theirs set aside earlier, if any
        if updates:
            # phones first released, then taken: clear the changed phones so a swap between two members works
            self.conn.execute(t.members.update().where(t.members.c.id == bindparam("id_")).values(phone=None),
                              [{"id_": u["id_"]} for u in updates])
            self.conn.execute(_UPDATE_MEMBER, updates)
        if inserts:
            self.conn.execute(t.members.insert(), inserts)
        if tier_moves:
            self.conn.execute(t.tier_changes.insert(), tier_moves)
        if merges:
            self._move_coupons(merges)
        self.counts["members"] += len(items)

    def _move_coupons(self, merges: list[tuple[int, str]]) -> None:
        keep_ids = self._member_ids({uuid for _, uuid in merges})
        for other_id, keep_uuid in merges:
            if keep_uuid in keep_ids:
                self.conn.execute(t.coupons.update().where(t.coupons.c.member_id == other_id,
                                                           t.coupons.c.status == "issued").values(
                    member_id=keep_ids[keep_uuid]))
            self.counts["merges"] += 1

    def _cards(self, items: list[dict[str, Any]]) -> None:
        ids = self._member_ids({c["member_uuid"] for c in items})
        existing = {row.card_no: row for row in self.conn.execute(select(t.cards).where(
            t.cards.c.card_no.in_([c["card_no"] for c in items])))}
        for card in items:
            member_id = ids.get(card["member_uuid"])
            if member_id is None:  # its member was set aside here (HQ's feed order puts members first)
                raise CannotApply(Reason.PULL_NO_MEMBER, member=card["member_uuid"])
            row = {k: card.get(k) for k in ("card_type", "status", "issued_at", "expires_on", "replaced_by",
                                            "updated_at")} | {"version": card["version"], "member_id": member_id}
            old = existing.get(card["card_no"])
            if old is None:
                self.conn.execute(t.cards.insert().values(card_no=card["card_no"], **row))
            else:
                if _CARD_RANK.get(old.status, 0) > _CARD_RANK.get(row["status"], 0):
                    row["status"], row["replaced_by"] = old.status, old.replaced_by or row["replaced_by"]
                row["version"] = max(old.version, row["version"])
                self.conn.execute(t.cards.update().where(t.cards.c.card_no == card["card_no"]).values(**row))
            self.counts["cards"] += 1

    def _coupons(self, items: list[dict[str, Any]]) -> None:
        """A coupon issued at another till, or HQ's news of a use or a release. A use this till made stays
        used unless HQ released that very use (a full refund of its sale): a stale snapshot never frees it."""
        ids = self._member_ids({c["member_uuid"] for c in items})
        existing = {row.code: row for row in self.conn.execute(select(
            t.coupons.c.code, t.coupons.c.status, t.coupons.c.used_sale_id).where(
            t.coupons.c.code.in_([c["code"] for c in items])))}
        for coupon in items:
            member_id = ids.get(coupon["member_uuid"])
            if member_id is None:
                raise CannotApply(Reason.PULL_NO_MEMBER, member=coupon["member_uuid"])
            use = {"status": coupon["status"], "used_at": coupon.get("used_at"),
                   "used_sale_id": coupon.get("used_sale_id")}
            old = existing.get(coupon["code"])
            if old is None:
                self.conn.execute(t.coupons.insert().values(
                    **{c: coupon[c] for c in _COUPON_TERMS}, member_id=member_id, campaign_id=None, issue_key=None,
                    **use))
            elif old.status == "used" and coupon["status"] != "used":
                if coupon.get("released_sale_id") and coupon["released_sale_id"] == old.used_sale_id:
                    self.conn.execute(t.coupons.update().where(t.coupons.c.code == coupon["code"]).values(**use))
            elif old.status != "used" and coupon["status"] == "used":
                self.conn.execute(t.coupons.update().where(t.coupons.c.code == coupon["code"]).values(**use))
            self.counts["coupons"] += 1

    def _entries(self, items: list[dict[str, Any]]) -> None:
        held = {row[0] for row in self.conn.execute(select(t.ledger.c.entry_id).where(
            t.ledger.c.entry_id.in_([e["entry_id"] for e in items])))}
        ids = self._member_ids({e["member_uuid"] for e in items})
        rows, moves = [], {}
        for entry in items:
            member_id = ids.get(entry["member_uuid"])
            if member_id is None:  # its member was set aside here
                raise CannotApply(Reason.PULL_NO_MEMBER, member=entry["member_uuid"])
            if entry["entry_id"] in held:
                self.counts["entries_already_held"] += 1
                continue
            held.add(entry["entry_id"])
            rows.append({
                "entry_id": entry["entry_id"], "device_id": entry["device_id"], "local_seq": entry["local_seq"],
                "store_code": entry["store_code"], "staff_id": None,  # staff ids are local to their store
                "member_id": member_id, "account": entry["account"], "kind": entry["kind"],
                "delta": entry["delta"], "sale_id": entry.get("sale_id"), "ref_id": entry.get("ref_id"),
                "rules_version": entry["rules_version"], "business_time": entry["business_time"],
                "note": entry.get("note"), "expires_on": entry.get("expires_on"),
            })
            move = moves.setdefault(member_id, {"member_id": member_id, "d_points": 0, "d_paid": 0, "d_bonus": 0})
            move[_BALANCE[entry["account"]]] += entry["delta"]
        if rows:
            self.conn.execute(t.ledger.insert(), rows)
            self.conn.execute(_MOVE, list(moves.values()))
        self.counts["entries_applied"] += len(rows)

    def _rules(self, item: dict[str, Any]) -> None:
        applied = self.conn.execute(select(t.sync_state.c.value).where(
            t.sync_state.c.key == "hq_rules_version")).scalar()
        if applied is not None and int(applied) >= int(item["version"]):
            return
        problem = self.rules_check(item["toml"])
        if problem is None:
            latest = self.conn.execute(select(t.rules_versions.c.version).order_by(
                t.rules_versions.c.version.desc()).limit(1)).scalar() or 0
            self.conn.execute(t.rules_versions.insert().values(
                version=latest + 1, label=item["label"], toml=item["toml"], applied_at=self.now, applied_by=None))
            set_state(self.conn, APPLIED_KEY, f"{int(item['version'])}:{latest + 1}")  # the version in force is HQ's
            self.counts["rules"] += 1
        else:
            self.counts["skipped"] += 1
        self.conn.execute(text("INSERT INTO sync_state (key, value) VALUES ('hq_rules_version', :v) ON CONFLICT "
                               "(key) DO UPDATE SET value = excluded.value"), {"v": str(item["version"])})
