"""The chain's ledger at HQ: the fingerprint of an entry, the entries HQ writes on its own behalf (member
merges, forwarding to a merged member) and the members' chain balances those entries move."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, func, select, text

from sync import protocol as p
from sync.hq import tables as t
from sync.hq.flags import OVERDRAFT, raise_flag
from sync.hq.merge import final_members
from sync.hq.service import sha256

ENTRY_FIELDS = tuple(p.EntryIn.model_fields)
# One encoder made once: json.dumps(separators=...) builds a new encoder on every call, which was a third of
# the cost of hashing a 500-entry batch. The output is byte-for-byte that of json.dumps(..., separators=...).
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


def entry_values_json(entry: dict[str, Any]) -> str:
    """An entry's values (an EntryIn as a dict) in the protocol's field order, as compact JSON: what its
    fingerprint is taken over, and the row HQ sends PostgreSQL (sync.hq.push)."""
    return _COMPACT_JSON.encode([entry[name] for name in ENTRY_FIELDS])


def entry_hash(entry: dict[str, Any], device_id: str, values_json: str | None = None) -> str:
    """The payload's fingerprint: same entry_id with another hash is a conflict. Taken over the JSON text
    of [device_id, values] (values in field order, so no key sorting is needed); `values_json` is
    entry_values_json(entry) when the caller has it already."""
    values = entry_values_json(entry) if values_json is None else values_json
    return sha256(f"[{_COMPACT_JSON.encode(device_id)},{values}]")


HQ_DEVICE_ID = "HQ"  # the device and store of entries HQ writes; never a till's id (those are UUIDs)
HQ_STORE_CODE = "HQ"
MERGE_RULES_VERSION = 0  # a transfer is not priced by any rules version


def hq_entries(conn: Connection, postings: list[dict[str, Any]], head: int, now: str
               ) -> tuple[list[dict[str, Any]], int]:
    """Entry rows HQ writes on its own behalf (device HQ): a UUID entry_id, the next gap-free HQ local_seq
    and feed seq each. Call under the feed lock (it serialises HQ's local_seq too). Each posting gives
    member_uuid, account, delta and optionally ref_id, note, expires_on, and kind (a transfer unless said),
    rules_version and business_time (HQ's nightly jobs: an `expire` priced by the chain's rules)."""
    last = conn.execute(select(func.max(t.entries.c.local_seq)).where(
        t.entries.c.device_id == HQ_DEVICE_ID)).scalar() or 0
    rows = []
    for posting in postings:
        last += 1
        head += 1
        entry = p.EntryIn(entry_id=str(uuid4()), local_seq=last, member_uuid=posting["member_uuid"],
                          account=posting["account"], kind=posting.get("kind", "transfer"), delta=posting["delta"],
                          ref_id=posting.get("ref_id"),
                          rules_version=posting.get("rules_version", MERGE_RULES_VERSION),
                          business_time=posting.get("business_time", now), note=posting.get("note"),
                          expires_on=posting.get("expires_on")).model_dump()
        rows.append(entry | {"device_id": HQ_DEVICE_ID, "store_code": HQ_STORE_CODE, "seq": head,
                             "received_at": now, "payload_hash": entry_hash(entry, HQ_DEVICE_ID)})
    return rows, head


def transfer_pair(source: str, target: str, account: str, amount: int, **extra: Any) -> list[dict[str, Any]]:
    """-amount on `source`, +amount on `target`: both ledgers stay whole and the chain total is unchanged."""
    return [{"member_uuid": source, "account": account, "delta": -amount, **extra},
            {"member_uuid": target, "account": account, "delta": amount, **extra}]


def forward_merged(conn: Connection, stored: list[dict[str, Any]], head: int, now: str
                   ) -> tuple[list[dict[str, Any]], int]:
    """An entry a till recorded offline for a member HQ has since merged is stored as the till sent it (on
    the merged member: the till's ledger and HQ's agree, and a re-push is still a duplicate) and its amount
    moves on to the surviving member with a transfer pair, lot expiry kept (see sync.protocol)."""
    targets = final_members(conn, {row["member_uuid"] for row in stored})
    if not targets:
        return [], head
    postings = []
    for row in stored:
        target = targets.get(row["member_uuid"])
        if target is not None and row["delta"]:
            postings += transfer_pair(row["member_uuid"], target, row["account"], row["delta"],
                                      ref_id=row["entry_id"], expires_on=row.get("expires_on"),
                                      note="forwarded: member merged at HQ")
    return hq_entries(conn, postings, head, now) if postings else ([], head)


_BALANCE = {"points": "points", "stored_paid": "stored_paid_fen", "stored_bonus": "stored_bonus_fen"}


def move_balances(conn: Connection, rows: list[dict[str, Any]], now: str) -> dict[str, str]:
    """Add the entries' deltas to their members' chain balances; flag a balance these entries took down and
    left below zero (an overdraft). Entries that leave a balance below zero but raise it (an earn after an
    overdraft) are no new overdraft: a flag closed by an operator stays closed. Returns each member's home
    store (read by the same UPDATE), for the report roll-ups (sync.hq.rollups)."""
    totals: dict[str, dict[str, int]] = {}
    stores = {row["member_uuid"]: row.get("store_code") for row in rows}
    for row in rows:
        member = totals.setdefault(row["member_uuid"], dict.fromkeys(_BALANCE.values(), 0))
        member[_BALANCE[row["account"]]] += row["delta"]
    if conn.dialect.name == "postgresql":
        # one statement for the whole batch: 500 single-row UPDATEs were most of a push's time. Pushes are
        # serialised by the feed lock, so the order rows are locked in cannot deadlock.
        uuids = sorted(totals)
        balances = conn.execute(_BULK_MOVE, {
            "uuids": uuids, "points": [totals[u]["points"] for u in uuids],
            "paid": [totals[u]["stored_paid_fen"] for u in uuids],
            "bonus": [totals[u]["stored_bonus_fen"] for u in uuids]}).all()
        for balance in balances:
            if _overdrawn(totals[balance.uuid], balance._mapping):
                _flag_overdraft(conn, balance.uuid, balance, now, stores.get(balance.uuid))
        return {balance.uuid: balance.home_store for balance in balances}
    homes = {}
    for uuid, change in sorted(totals.items()):  # a fixed order: no deadlock between two pushes
        balance = conn.execute(t.members.update().where(t.members.c.uuid == uuid).values(
            {t.members.c[col]: t.members.c[col] + delta for col, delta in change.items()}).returning(
            t.members.c.points, t.members.c.stored_paid_fen, t.members.c.stored_bonus_fen,
            t.members.c.home_store)).one()
        homes[uuid] = balance.home_store
        if _overdrawn(change, balance._mapping):
            _flag_overdraft(conn, uuid, balance, now, stores.get(uuid))
    return homes


def _overdrawn(change: dict[str, int], balance: Any) -> bool:
    return any(change[column] < 0 and balance[column] < 0 for column in _BALANCE.values())


_BULK_MOVE = text(
    "UPDATE members AS m SET points = m.points + v.points, stored_paid_fen = m.stored_paid_fen + v.paid, "
    "stored_bonus_fen = m.stored_bonus_fen + v.bonus "
    "FROM unnest(CAST(:uuids AS varchar[]), CAST(:points AS bigint[]), CAST(:paid AS bigint[]), "
    "CAST(:bonus AS bigint[])) AS v(uuid, points, paid, bonus) "
    "WHERE m.uuid = v.uuid RETURNING m.uuid, m.points, m.stored_paid_fen, m.stored_bonus_fen, m.home_store")


def _flag_overdraft(conn: Connection, uuid: str, balance: Any, now: str, store_code: str | None) -> None:
    """HQ flags a member whose chain balance went below zero (e.g. spent at two offline stores): one open
    flag per member carries the latest balances and a history of them (sync.hq.flags); once it is closed,
    the next overdraft opens a new one. `store_code`: the store whose entries took it below zero."""
    raise_flag(conn, kind=OVERDRAFT, subject=uuid, store_code=store_code, now=now, figures={
        "points": balance.points, "stored_paid_fen": balance.stored_paid_fen,
        "stored_bonus_fen": balance.stored_bonus_fen})
