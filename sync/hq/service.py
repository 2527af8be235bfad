"""HQ's use cases behind the HTTP endpoints: enrol, authenticate, push, pull, status.

Each runs in one transaction. Every write transaction first takes the feed lock (sync.hq.db.lock_feed), so
feed sequence numbers are handed out in commit order, two copies of one batch arriving at once are handled
one after the other (the second sees the first's rows as duplicates), and the reply never claims more than
was committed.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, Engine, func, or_, select, text, union_all

from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t
from sync.hq.merge import apply_records, entry_problem, final_members


class HQRefused(Exception):
    """A request HQ understood and declines; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Device:
    device_id: str
    store_code: str


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---- enrolment and auth -------------------------------------------------------------------------------

def enrol(engine: Engine, request: p.EnrolRequest, token: str) -> p.EnrolResponse:
    """Trade a one-time code for `token` (made by the caller); HQ keeps only hashes of both."""
    now = utc_now()
    with db.write(engine) as conn:
        db.lock_feed(conn)
        code = conn.execute(select(t.enrol_codes).where(
            t.enrol_codes.c.code_hash == sha256(request.code.strip().upper()))).first()
        if code is None or code.used_at is not None or code.expires_at < now:
            raise HQRefused(403, "this enrolment code is unknown, used or expired; ask HQ for a new one")
        store = conn.execute(select(t.stores).where(t.stores.c.code == code.store_code)).one()
        if request.store_code != store.code:
            raise HQRefused(409, f"this code is for store {store.code}, but this till is set up as store "
                                 f"{request.store_code}")
        chain_key = db.get_setting(conn, "chain_key")
        assert chain_key is not None
        # A store that printed cards with its own key before joining keeps that key for them (see the
        # store's save_enrolment); HQ only ever hands out the chain key.
        existing = conn.execute(select(t.devices).where(t.devices.c.device_id == request.device_id)).first()
        if existing is not None and existing.store_code != store.code:
            raise HQRefused(409, "this device is enrolled for another store")
        twin = conn.execute(select(t.devices.c.device_id).where(
            t.devices.c.store_code == store.code, t.devices.c.device_no == request.device_no,
            t.devices.c.device_id != request.device_id, t.devices.c.revoked_at.is_(None))).first()
        if twin is not None:
            raise HQRefused(409, f"till number {request.device_no} is already enrolled in store {store.code}; "
                                 "card numbers would collide")
        if existing is None:
            conn.execute(t.devices.insert().values(
                device_id=request.device_id, store_code=store.code, device_no=request.device_no,
                token_hash=sha256(token), enrolled_at=now))
        else:  # re-enrolment (e.g. after a revocation): a new token, the same device and its history
            conn.execute(t.devices.update().where(t.devices.c.device_id == request.device_id).values(
                token_hash=sha256(token), revoked_at=None, device_no=request.device_no, enrolled_at=now))
        conn.execute(t.enrol_codes.update().where(t.enrol_codes.c.code_hash == code.code_hash).values(
            used_at=now, used_by=request.device_id))
    return p.EnrolResponse(token=token, store_code=store.code, store_name=store.name,
                           device_id=request.device_id, chain_key=chain_key)


def authenticate(engine: Engine, token: str | None) -> Device:
    if not token:
        raise HQRefused(401, "missing device token")
    with db.read(engine) as conn:
        row = conn.execute(select(t.devices.c.device_id, t.devices.c.store_code, t.devices.c.revoked_at).where(
            t.devices.c.token_hash == sha256(token))).first()
    if row is None or row.revoked_at is not None:
        raise HQRefused(401, "this device token is unknown or revoked; enrol the till again")
    return Device(row.device_id, row.store_code)


# ---- push ---------------------------------------------------------------------------------------------

def entry_hash(entry: p.EntryIn, device_id: str, dumped: dict[str, Any] | None = None) -> str:
    """The payload's fingerprint: same entry_id with another hash is a conflict. The values are taken in the
    model's field order (fixed by the protocol), so no key sorting is needed; `dumped` saves a second
    model_dump when the caller has one."""
    data = entry.model_dump() if dumped is None else dumped
    return sha256(json.dumps([device_id, [data[name] for name in _ENTRY_FIELDS]], separators=(",", ":")))


_ENTRY_FIELDS = tuple(p.EntryIn.model_fields)


def _received_above(conn: Connection, device_id: str, through: int) -> list[int]:
    held = union_all(
        select(t.entries.c.local_seq).where(t.entries.c.device_id == device_id, t.entries.c.local_seq > through),
        select(t.quarantine.c.local_seq).where(t.quarantine.c.device_id == device_id,
                                               t.quarantine.c.local_seq > through),
    ).subquery()
    return [row[0] for row in conn.execute(select(held.c.local_seq).distinct().order_by(held.c.local_seq))]


def _advance(conn: Connection, device_id: str) -> int:
    through = conn.execute(select(t.devices.c.contiguous_through).where(
        t.devices.c.device_id == device_id)).scalar_one()
    for seq in _received_above(conn, device_id, through):
        if seq != through + 1:
            break
        through = seq
    return through


def push(engine: Engine, device: Device, request: p.PushRequest) -> dict[str, Any]:
    """The reply as a plain dict in the shape of p.PushResponse (built from our own values, so the app sends
    it without validating 500 statuses a second time)."""
    now = utc_now()
    with db.write(engine) as conn:
        head = db.lock_feed(conn)
        record_statuses, change_rows = apply_records(conn, device, request.records, now)
        for row in change_rows:
            head += 1
            row["seq"] = head
        if change_rows:
            conn.execute(t.changes.insert(), change_rows)
        statuses, candidates, rejected, merged = _screen(conn, device, request.entries)
        for row in candidates:
            head += 1  # numbers of rows that turn out to be held already are simply never used
            row.update(seq=head, received_at=now)
        stored = _insert_new(conn, candidates)
        _settle(conn, device, statuses, candidates, stored, rejected)
        if rejected:
            conn.execute(t.quarantine.insert(), [r | {"received_at": now} for r in rejected])
        new_rows = [row for row in candidates if row["entry_id"] in stored]
        forwards, head = forward_merged(conn, [r for r in new_rows if r["member_uuid"] in merged], head, now)
        if forwards:
            conn.execute(t.entries.insert(), forwards)
        _move_balances(conn, new_rows + forwards, now)
        db.set_feed_head(conn, head)
        through = _advance(conn, device.device_id)
        conn.execute(t.devices.update().where(t.devices.c.device_id == device.device_id).values(
            contiguous_through=through, last_seen=now))
    return {"entries": statuses, "records": [r.model_dump() for r in record_statuses],
            "contiguous_through": through}


def _screen(conn: Connection, device: Device, entries: list[p.EntryIn]
            ) -> tuple[list[dict[str, Any] | None], list[dict[str, Any]], list[dict[str, Any]], set[str]]:
    """Per entry: rejected at once (bad kind, unknown member...), a repeat inside this batch, or a candidate
    row for the INSERT (status None until the INSERT decides). Also: which of the members are merged."""
    uuids = {e.member_uuid for e in entries}
    rows = conn.execute(select(t.members.c.uuid, t.members.c.merged_into).where(
        t.members.c.uuid.in_(uuids))).all() if uuids else []
    known = {r.uuid for r in rows}
    merged = {r.uuid for r in rows if r.merged_into is not None}
    statuses: list[dict[str, Any] | None] = []
    candidates: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    in_batch: dict[str, str] = {}
    for entry in entries:
        dumped = entry.model_dump()
        digest = entry_hash(entry, device.device_id, dumped)
        if entry.entry_id in in_batch:
            problem = None if in_batch[entry.entry_id] == digest else "conflict: same entry_id twice in one batch"
        else:
            problem = entry_problem(entry, known)
            if problem is None:
                in_batch[entry.entry_id] = digest
                row = dict(dumped)
                row.update(device_id=device.device_id, store_code=device.store_code, payload_hash=digest)
                candidates.append(row)
                statuses.append(None)
                continue
        statuses.append(_status(entry.entry_id, entry.local_seq, "rejected" if problem else "duplicate", problem))
        if problem:
            rejected.append(_quarantined(device, entry.model_dump(), problem))
    return statuses, candidates, rejected, merged


def _status(entry_id: str, local_seq: int, status: str, reason: str | None = None) -> dict[str, Any]:
    return {"entry_id": entry_id, "local_seq": local_seq, "status": status, "reason": reason}


def _quarantined(device: Device, entry: dict[str, Any], reason: str) -> dict[str, Any]:
    payload = {k: entry.get(k) for k in p.EntryIn.model_fields}
    return {"device_id": device.device_id, "entry_id": entry["entry_id"], "local_seq": entry["local_seq"],
            "reason": reason, "payload": json.dumps(payload, ensure_ascii=False)}


def _held(conn: Connection, entry_ids: list[str]) -> dict[str, Any]:
    """entry_id -> (seq, payload_hash) of those HQ holds. On PostgreSQL one array parameter: an IN list of
    500 bind parameters costs more to build and parse than the query costs to run."""
    if not entry_ids:
        return {}
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text("SELECT entry_id, seq, payload_hash FROM entries WHERE entry_id = ANY(:ids)"),
                            {"ids": entry_ids})
    else:
        rows = conn.execute(select(t.entries.c.entry_id, t.entries.c.seq, t.entries.c.payload_hash).where(
            t.entries.c.entry_id.in_(entry_ids)))
    return {r.entry_id: r for r in rows}


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> set[str]:
    """INSERT ... ON CONFLICT DO NOTHING (any unique key: entry_id, or device + local_seq), then read back
    which rows are ours: stored now iff HQ holds the entry_id with the seq this transaction gave it."""
    if not rows:
        return set()
    if conn.dialect.name == "postgresql":
        # The batch travels as one JSON document that PostgreSQL unpacks into rows itself: 500 pipelined
        # single-row INSERTs plus a read-back took ~13 ms of a ~21 ms batch. RETURNING names exactly the
        # rows this statement stored (a row skipped by ON CONFLICT returns nothing).
        payload = json.dumps([{name: row.get(name) for name in _ENTRY_COLUMNS} for row in rows],
                             separators=(",", ":"), ensure_ascii=False)
        return {r[0] for r in conn.execute(_INSERT_ENTRIES_PG, {"rows": payload})}
    from sqlalchemy.dialects.sqlite import insert

    conn.execute(insert(t.entries).on_conflict_do_nothing(), rows)
    held = _held(conn, [row["entry_id"] for row in rows])
    return {row["entry_id"] for row in rows if (h := held.get(row["entry_id"])) is not None and h.seq == row["seq"]}


_ENTRY_COLUMNS = tuple(c.name for c in t.entries.c)
_INSERT_ENTRIES_PG = text(
    f"INSERT INTO entries ({', '.join(_ENTRY_COLUMNS)}) "
    f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM json_populate_recordset(NULL::entries, CAST(:rows AS json)) "
    "ON CONFLICT DO NOTHING RETURNING entry_id")


def _settle(conn: Connection, device: Device, statuses: list[dict[str, Any] | None],
            candidates: list[dict[str, Any]], stored: set[str], rejected: list[dict[str, Any]]) -> None:
    """Fill in the candidates' statuses. One the INSERT skipped is held already: a duplicate if the payload
    is the same, else a conflict (same entry_id with another payload, or another entry at that local_seq)."""
    slots = [i for i, s in enumerate(statuses) if s is None]
    missing = [row["entry_id"] for row in candidates if row["entry_id"] not in stored]
    held = {k: v.payload_hash for k, v in _held(conn, missing).items()}
    for index, row in zip(slots, candidates, strict=True):
        entry_id, seq = row["entry_id"], row["local_seq"]
        if entry_id in stored:
            statuses[index] = _status(entry_id, seq, "ok")
        elif held.get(entry_id) == row["payload_hash"]:
            statuses[index] = _status(entry_id, seq, "duplicate")
        else:
            reason = ("conflict: this entry_id is already held with a different payload" if entry_id in held
                      else f"conflict: local_seq {seq} already holds another entry")
            statuses[index] = _status(entry_id, seq, "rejected", reason)
            rejected.append(_quarantined(device, row, reason))


# ---- entries HQ makes itself (member merges) -------------------------------------------------------------

HQ_DEVICE_ID = "HQ"  # the device and store of entries HQ writes; never a till's id (those are UUIDs)
HQ_STORE_CODE = "HQ"
MERGE_RULES_VERSION = 0  # a transfer is not priced by any rules version


def hq_entries(conn: Connection, postings: list[dict[str, Any]], head: int, now: str
               ) -> tuple[list[dict[str, Any]], int]:
    """Entry rows HQ writes on its own behalf (device HQ): a UUID entry_id, the next gap-free HQ local_seq
    and feed seq each. Call under the feed lock (it serialises HQ's local_seq too). Each posting gives
    member_uuid, account, delta and optionally ref_id, note, expires_on."""
    last = conn.execute(select(func.max(t.entries.c.local_seq)).where(
        t.entries.c.device_id == HQ_DEVICE_ID)).scalar() or 0
    rows = []
    for posting in postings:
        last += 1
        head += 1
        entry = p.EntryIn(entry_id=str(uuid4()), local_seq=last, member_uuid=posting["member_uuid"],
                          account=posting["account"], kind="transfer", delta=posting["delta"],
                          ref_id=posting.get("ref_id"), rules_version=MERGE_RULES_VERSION, business_time=now,
                          note=posting.get("note"), expires_on=posting.get("expires_on"))
        rows.append(entry.model_dump() | {"device_id": HQ_DEVICE_ID, "store_code": HQ_STORE_CODE, "seq": head,
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


def _move_balances(conn: Connection, rows: list[dict[str, Any]], now: str) -> None:
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        member = totals.setdefault(row["member_uuid"], dict.fromkeys(_BALANCE.values(), 0))
        member[_BALANCE[row["account"]]] += row["delta"]
    if conn.dialect.name == "postgresql":
        # one statement for the whole batch: 500 single-row UPDATEs were most of a push's time. Pushes are
        # serialised by the feed lock, so the order rows are locked in cannot deadlock.
        uuids = sorted(totals)
        rows = conn.execute(_BULK_MOVE, {
            "uuids": uuids, "points": [totals[u]["points"] for u in uuids],
            "paid": [totals[u]["stored_paid_fen"] for u in uuids],
            "bonus": [totals[u]["stored_bonus_fen"] for u in uuids]}).all()
        for row in rows:
            if min(row.points, row.stored_paid_fen, row.stored_bonus_fen) < 0:
                _flag_overdraft(conn, row.uuid, row, now)
        return
    for uuid, change in sorted(totals.items()):  # a fixed order: no deadlock between two pushes
        balance = conn.execute(t.members.update().where(t.members.c.uuid == uuid).values(
            {t.members.c[col]: t.members.c[col] + delta for col, delta in change.items()}).returning(
            t.members.c.points, t.members.c.stored_paid_fen, t.members.c.stored_bonus_fen)).one()
        if min(balance) < 0:
            _flag_overdraft(conn, uuid, balance, now)


_BULK_MOVE = text(
    "UPDATE members AS m SET points = m.points + v.points, stored_paid_fen = m.stored_paid_fen + v.paid, "
    "stored_bonus_fen = m.stored_bonus_fen + v.bonus "
    "FROM unnest(CAST(:uuids AS varchar[]), CAST(:points AS bigint[]), CAST(:paid AS bigint[]), "
    "CAST(:bonus AS bigint[])) AS v(uuid, points, paid, bonus) "
    "WHERE m.uuid = v.uuid RETURNING m.uuid, m.points, m.stored_paid_fen, m.stored_bonus_fen")


def _flag_overdraft(conn: Connection, uuid: str, balance: Any, now: str) -> None:
    """HQ flags a member whose chain balance went below zero (e.g. spent at two offline stores)."""
    open_flag = conn.execute(select(t.flags.c.id).where(
        t.flags.c.kind == "overdraft", t.flags.c.subject == uuid, t.flags.c.resolved_at.is_(None))).first()
    if open_flag is None:
        conn.execute(t.flags.insert().values(kind="overdraft", subject=uuid, created_at=now, detail=json.dumps(
            {"points": balance.points, "stored_paid_fen": balance.stored_paid_fen,
             "stored_bonus_fen": balance.stored_bonus_fen})))


# ---- pull and status ----------------------------------------------------------------------------------

_ENTRY_FEED_COLUMNS = [c for c in t.entries.c if c.name not in ("payload_hash", "received_at", "staff_id")]


def pull(engine: Engine, device: Device, since: int, limit: int) -> p.PullResponse:
    with db.read(engine) as conn:
        head = conn.execute(select(t.feed_counter.c.value).where(t.feed_counter.c.id == 1)).scalar_one()
        entry_rows = conn.execute(select(*_ENTRY_FEED_COLUMNS).where(
            t.entries.c.seq > since, t.entries.c.seq <= head, t.entries.c.device_id != device.device_id)
            .order_by(t.entries.c.seq).limit(limit)).mappings().all()
        change_rows = conn.execute(select(t.changes).where(
            t.changes.c.seq > since, t.changes.c.seq <= head,
            or_(t.changes.c.origin_device.is_(None), t.changes.c.origin_device != device.device_id))
            .order_by(t.changes.c.seq).limit(limit)).mappings().all()
    entries = (p.Change(seq=r["seq"], kind="entry", data={k: v for k, v in r.items() if k != "seq"})
               for r in entry_rows)
    others = (p.Change(seq=r["seq"], kind=r["kind"], data=json.loads(r["data"])) for r in change_rows)
    merged = list(heapq.merge(entries, others, key=lambda c: c.seq))
    if len(entry_rows) < limit and len(change_rows) < limit and len(merged) <= limit:
        return p.PullResponse(changes=merged, cursor=max(head, since), more=False)
    page = merged[:limit]
    return p.PullResponse(changes=page, cursor=page[-1].seq, more=True)


def status(engine: Engine, device: Device) -> p.StatusResponse:
    with db.read(engine) as conn:
        through = conn.execute(select(t.devices.c.contiguous_through).where(
            t.devices.c.device_id == device.device_id)).scalar_one()
        held = conn.execute(select(func.count()).select_from(t.entries).where(
            t.entries.c.device_id == device.device_id)).scalar_one()
        quarantined = conn.execute(select(func.count()).select_from(t.quarantine).where(
            t.quarantine.c.device_id == device.device_id)).scalar_one()
        head = conn.execute(select(t.feed_counter.c.value)).scalar_one()
    return p.StatusResponse(store_code=device.store_code, device_id=device.device_id, contiguous_through=through,
                            entries_held=held, quarantined=quarantined, feed_head=head, server_time=utc_now())


def new_enrol_code_expiry(days: int = 7) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")
