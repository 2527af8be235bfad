"""HQ's side of POST /v1/push: store a till's member/card records and ledger entries exactly once.

One transaction per request, under the feed lock (sync.hq.db.lock_feed): feed sequence numbers are handed
out in commit order, two copies of one batch arriving at once are handled one after the other (the second
sees the first's rows as duplicates), and the reply never claims more than was committed.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, String, select, text, union_all
from sqlalchemy.exc import DBAPIError

from pos_member.domain.errors import InvalidInput, PosError
from pos_member.domain.reasons import Reason
from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t
from sync.hq.audit_heads import take_head
from sync.hq.chain_ledger import ENTRY_FIELDS, entry_hash, entry_values_json, forward_merged, move_balances
from sync.hq.flags import REJECTED_RECORD, raise_flag
from sync.hq.holds import settle as settle_holds
from sync.hq.intake import Knowledge, Malformed, entry_problem, is_permanent, knowledge
from sync.hq.merge import apply_records
from sync.hq.pg_bulk import among
from sync.hq.rollups import add_entries
from sync.hq.sale_docs import Daily, roll_up_daily, store_before_feed_lock
from sync.hq.service import Device, authenticate, utc_now

log = logging.getLogger("sync.hq")
_ENTRY_LIST = TypeAdapter(list[p.EntryIn])


def push(engine: Engine, token: str | None, request: p.PushRequest, malformed: list[Malformed] | None = None,
         refused_records: list[p.RecordStatus] | None = None) -> dict[str, Any]:
    """_push; if the database refuses a value for good (a constraint or a type it cannot hold, not a lost
    connection), the same batch would fail on every retry, so it runs again record by record: the one HQ
    cannot store is rejected (and logged with its exception), the rest is stored."""
    try:
        reply = _push(engine, token, request, malformed or [], refused_records or [], careful=False)
    except DBAPIError as exc:
        if not is_permanent(exc):
            raise
        log.error("a push from one device failed on a permanent database error; storing it record by record",
                  exc_info=exc)
        reply = _push(engine, token, request, malformed or [], refused_records or [], careful=True)
    if refused_records:  # records without the protocol's shape (sync.hq.intake): rejected alone
        reply["records"] += [status.model_dump() for status in refused_records]
    return reply


def _push(engine: Engine, token: str | None, request: p.PushRequest, malformed: list[Malformed],
          refused_records: list[p.RecordStatus], careful: bool) -> dict[str, Any]:
    """The reply as a plain dict in the shape of p.PushResponse (built from our own values, so the app sends
    it without validating 500 statuses a second time). The token is checked inside the same transaction, so
    a push costs one connection, not two; a revocation refuses every push that starts after it commits (one
    already past the check when it commits was sent with a then-valid token and is stored). What needs no
    database (fingerprints, shape checks) is done before the feed lock, so other stores wait less for it.
    `malformed` are entries of the body without the protocol's shape (sync.hq.intake): rejected alone."""
    now = utc_now()
    with db.write(engine) as conn:
        device = authenticate(conn, token)
        known = knowledge(conn, now)
        entries = [_Prepared.of(entry, device, known) for entry in _ENTRY_LIST.dump_python(request.entries)]
        entries += [_Prepared.malformed(item) for item in malformed]
        daily: Daily = defaultdict(lambda: defaultdict(int))
        early, records = ([], request.records) if careful else store_before_feed_lock(
            conn, device, request.records, now, daily)
        if not (records or entries or careful or request.audit_head or request.rules):
            return _documents_only(conn, device, daily, early, refused_records, now)
        head, through = _lock_feed_and_device(conn, device.device_id)
        roll_up_daily(conn, daily)
        record_statuses, change_rows = apply_records(conn, device, records, now, careful)
        record_statuses = early + record_statuses
        for row in change_rows:
            head += 1
            row["seq"] = head
        if change_rows:
            conn.execute(t.changes.insert(), change_rows)
        statuses, candidates, rejected, merged = _screen(conn, device, entries)
        for row in candidates:
            head += 1  # numbers of rows that turn out to be held already are simply never used
            row.update(seq=head, received_at=now)
        stored = _insert_careful(conn, device, candidates, now) if careful else _insert_new(
            conn, device, candidates, now)
        _settle(conn, device, statuses, candidates, stored, rejected)
        if rejected:
            conn.execute(t.quarantine.insert(), [r | {"received_at": now} for r in rejected])
        _flag_rejections(conn, device, rejected, [*record_statuses, *refused_records], now)
        new_rows = [row for row in candidates if row["entry_id"] in stored]
        forwards, head = forward_merged(conn, [r for r in new_rows if r["member_uuid"] in merged], head, now)
        if forwards:
            conn.execute(t.entries.insert(), forwards)
        homes = move_balances(conn, new_rows + forwards, now)
        settle_holds(conn, new_rows, now)  # after the balances: they now count instead of the holds
        add_entries(conn, new_rows + forwards, homes)  # the report roll-ups, in this same transaction
        through = _advance(conn, device.device_id, through, {item.entry["local_seq"] for item in entries})
        _finish(conn, device.device_id, head, through, now)
        audit_head = take_head(conn, device, request.audit_head, now)
        if request.rules is not None:
            _record_rules(conn, device, request.rules, now)
    return {"entries": statuses, "records": [r.model_dump() for r in record_statuses],
            "contiguous_through": through, "audit_head": audit_head}


def _documents_only(conn: Connection, device: Device, daily: Daily, statuses: list[p.RecordStatus],
                    refused_records: list[p.RecordStatus], now: str) -> dict[str, Any]:
    """A push of sale documents alone, all stored before the feed lock (store_before_feed_lock), adds nothing
    to the feed, so it does not take the feed lock: it neither waits for another till's push nor makes one
    wait, and five stores' documents commit side by side. Its daily_sales rows are the first lock it takes
    (a push under the feed lock takes them after that lock): no lock order is broken."""
    roll_up_daily(conn, daily)
    _flag_rejections(conn, device, [], [*statuses, *refused_records], now)
    through = conn.execute(select(t.devices.c.contiguous_through).where(
        t.devices.c.device_id == device.device_id)).scalar_one()
    return {"entries": [], "records": [r.model_dump() for r in statuses], "contiguous_through": through,
            "audit_head": take_head(conn, device, None, now)}


def _record_rules(conn: Connection, device: Device, rules: p.RulesInForce, now: str) -> None:
    """The rules version in force the till confirms (`pos-hq rules show`)."""
    conn.execute(t.devices.update().where(t.devices.c.device_id == device.device_id).values(
        rules_version=rules.version, rules_hq_version=rules.hq_version, rules_label=rules.label,
        rules_confirmed_at=now))


def _flag_rejections(conn: Connection, device: Device, quarantined: list[dict[str, Any]],
                     records: list[p.RecordStatus], now: str) -> None:
    """A push carrying entries or records no till could have written (forged, corrupted, or conflicting with
    what HQ holds) raises one `rejected_record` flag per device, with this push's figures; while it is open,
    later such pushes update it and add to its history."""
    refused = [r for r in records if r.status == "rejected"]
    if not quarantined and not refused:
        return
    first_entry = quarantined[0] if quarantined else None
    figures: dict[str, int | str] = {"entries_rejected": len(quarantined), "records_rejected": len(refused)}
    if first_entry is not None:
        figures |= {"first_entry_id": first_entry["entry_id"], "first_entry_local_seq": first_entry["local_seq"],
                    "first_entry_reason": first_entry["reason"][:200]}
    if refused:
        figures |= {"first_record": f"{refused[0].kind} {refused[0].key}",
                    "first_record_reason": (refused[0].code or refused[0].reason or "")[:200]}
    raise_flag(conn, kind=REJECTED_RECORD, subject=device.device_id, figures=figures, store_code=device.store_code,
               now=now)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """One pushed entry with what HQ works out from it alone: its values' JSON text, its fingerprint and
    any problem with its shape."""

    entry: dict[str, Any]
    values_json: str
    digest: str
    problem: PosError | None

    @classmethod
    def of(cls, entry: dict[str, Any], device: Device, known: Knowledge) -> _Prepared:
        values_json = entry_values_json(entry)
        return cls(entry, values_json, entry_hash(entry, device.device_id, values_json),
                   entry_problem(entry, known))

    @classmethod
    def malformed(cls, item: Malformed) -> _Prepared:
        return cls(item.entry, "", "", item.problem)


def _lock_feed_and_device(conn: Connection, device_id: str) -> tuple[int, int]:
    """db.lock_feed, reading the device's contiguous_through in the same round trip. If this statement
    waited for the lock, PostgreSQL may return the value from before the push that held it (only the locked
    row is re-read): a lower start, from which _advance still walks to the true value over held entries."""
    through = select(t.devices.c.contiguous_through).where(t.devices.c.device_id == device_id).scalar_subquery()
    row = conn.execute(select(t.feed_counter.c.value, through).where(t.feed_counter.c.id == 1)
                       .with_for_update(of=t.feed_counter)).one()
    return row[0], row[1]


def _finish(conn: Connection, device_id: str, head: int, through: int, now: str) -> None:
    """db.set_feed_head and the device's new contiguous_through, in one statement on PostgreSQL: every
    round trip under the feed lock is time the other stores wait."""
    if conn.dialect.name == "postgresql":
        conn.execute(_FINISH_PG, {"head": head, "through": through, "now": now, "device": device_id})
        return
    db.set_feed_head(conn, head)
    conn.execute(t.devices.update().where(t.devices.c.device_id == device_id).values(
        contiguous_through=through, last_seen=now))


_FINISH_PG = text("WITH head AS (UPDATE feed_counter SET value = :head WHERE id = 1) "
                  "UPDATE devices SET contiguous_through = :through, last_seen = :now WHERE device_id = :device")


def _advance(conn: Connection, device_id: str, through: int, batch_seqs: set[int]) -> int:
    """The highest local_seq up to which HQ holds every one of the device's entries (stored or quarantined),
    from `through`, what it was before this batch. Every entry of this batch is held now, so the walk over
    the batch needs no query; one query then looks for anything held beyond it (entries that came earlier,
    out of order)."""
    while through + 1 in batch_seqs:
        through += 1
    for seq in _received_above(conn, device_id, through):
        if seq != through + 1:
            break
        through = seq
    return through


def _received_above(conn: Connection, device_id: str, through: int) -> list[int]:
    held = union_all(
        select(t.entries.c.local_seq).where(t.entries.c.device_id == device_id, t.entries.c.local_seq > through),
        select(t.quarantine.c.local_seq).where(t.quarantine.c.device_id == device_id,
                                               t.quarantine.c.local_seq > through),
    ).subquery()
    return [row[0] for row in conn.execute(select(held.c.local_seq).distinct().order_by(held.c.local_seq))]


def _screen(conn: Connection, device: Device, entries: list[_Prepared]
            ) -> tuple[list[dict[str, Any] | None], list[dict[str, Any]], list[dict[str, Any]], set[str]]:
    """Per entry: rejected at once (bad kind, unknown member...), a repeat inside this batch, or a candidate
    row for the INSERT (status None until the INSERT decides). Also: which of the members are merged. Run
    under the feed lock: a member another push registers is known here once that push has committed."""
    uuids = {item.entry["member_uuid"] for item in entries if item.problem is None}
    rows = conn.execute(select(t.members.c.uuid, t.members.c.merged_into).where(
        among(conn, t.members.c.uuid, sorted(uuids)))).all() if uuids else []
    known = {r.uuid for r in rows}
    merged = {r.uuid for r in rows if r.merged_into is not None}
    statuses: list[dict[str, Any] | None] = []
    candidates: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    in_batch: dict[str, str] = {}
    for item in entries:
        entry, entry_id = item.entry, item.entry["entry_id"]
        problem: PosError | None
        if entry_id in in_batch:
            problem = None if in_batch[entry_id] == item.digest else InvalidInput(
                Reason.ENTRY_CONFLICT, "entry_id", what="the same entry_id twice in one batch")
        else:
            problem = item.problem
            if problem is None and entry["member_uuid"] not in known:
                problem = InvalidInput(Reason.ENTRY_UNKNOWN_MEMBER, "member_uuid", member=entry["member_uuid"])
            if problem is None:
                in_batch[entry_id] = item.digest
                candidates.append(entry | {"device_id": device.device_id, "store_code": device.store_code,
                                           "payload_hash": item.digest, _VALUES_JSON: item.values_json})
                statuses.append(None)
                continue
        statuses.append(_status(entry_id, entry["local_seq"], "rejected" if problem else "duplicate", problem))
        if problem:
            rejected.append(_quarantined(device, entry, problem))
    return statuses, candidates, rejected, merged


def _status(entry_id: str, local_seq: int, status: str, problem: PosError | None = None) -> dict[str, Any]:
    return {"entry_id": entry_id, "local_seq": local_seq, "status": status,
            "reason": str(problem) if problem else None, "code": problem.reason.value if problem else None}


def _quarantined(device: Device, entry: dict[str, Any], problem: PosError) -> dict[str, Any]:
    payload = {name: entry.get(name) for name in ENTRY_FIELDS}
    return {"device_id": device.device_id, "entry_id": entry["entry_id"], "local_seq": entry["local_seq"],
            "reason": str(problem), "payload": json.dumps(payload, ensure_ascii=False, default=repr)}


def _held(conn: Connection, entry_ids: list[str]) -> dict[str, Any]:
    """entry_id -> (seq, payload_hash) of those HQ holds (the ids as one JSON parameter on PostgreSQL:
    pg_bulk.among)."""
    if not entry_ids:
        return {}
    rows = conn.execute(select(t.entries.c.entry_id, t.entries.c.seq, t.entries.c.payload_hash).where(
        among(conn, t.entries.c.entry_id, entry_ids)))
    return {r.entry_id: r for r in rows}


def _insert_new(conn: Connection, device: Device, rows: list[dict[str, Any]], now: str) -> set[str]:
    """INSERT ... ON CONFLICT DO NOTHING (any unique key: entry_id, or device + local_seq); return the
    entry_ids this statement stored. Each row carries its values' JSON under _VALUES_JSON (not a column)."""
    if not rows:
        return set()
    if conn.dialect.name == "postgresql":
        # The batch travels as one JSON document that PostgreSQL unpacks into rows itself: 500 pipelined
        # single-row INSERTs plus a read-back took ~13 ms of a ~21 ms batch. Each row is the JSON text the
        # fingerprint was taken over, plus seq and hash: nothing is encoded twice. RETURNING names exactly
        # the rows this statement stored (a row skipped by ON CONFLICT returns nothing).
        payload = ",".join(f'[{row[_VALUES_JSON][1:-1]},{row["seq"]},"{row["payload_hash"]}"]' for row in rows)
        return {r[0] for r in conn.execute(_insert_entries_pg(), {
            "rows": f"[{payload}]", "device_id": device.device_id, "store_code": device.store_code,
            "received_at": now})}
    from sqlalchemy.dialects.sqlite import insert

    conn.execute(insert(t.entries).on_conflict_do_nothing(), [
        {k: v for k, v in row.items() if k != _VALUES_JSON} for row in rows])
    held = _held(conn, [row["entry_id"] for row in rows])
    return {row["entry_id"] for row in rows if (h := held.get(row["entry_id"])) is not None and h.seq == row["seq"]}


def _insert_careful(conn: Connection, device: Device, rows: list[dict[str, Any]], now: str) -> set[str]:
    """_insert_new one row at a time, each in a savepoint: a row the database refuses for good is taken out
    marked, and _settle rejects and quarantines it."""
    stored: set[str] = set()
    for row in list(rows):
        try:
            with conn.begin_nested():
                stored |= _insert_new(conn, device, [row], now)
        except DBAPIError as exc:
            if not is_permanent(exc):
                raise
            log.error("HQ could not store entry %s from device %s", row["entry_id"], device.device_id,
                      exc_info=exc)
            row["_not_stored"] = True
    return stored


_VALUES_JSON = "_values_json"
_ROW_FIELDS = (*ENTRY_FIELDS, "seq", "payload_hash")  # the order of the values in each JSON row


def _insert_entries_pg() -> Any:
    """The INSERT of a push's rows, built per push (0.2 ms): built once at import, no mutation of it was ever
    tested, since mutmut picks a mutant only when a function is called (14 survivors, `make mutation`)."""
    from sqlalchemy.dialects import postgresql

    # text stays text, so the INSERT's own assignment checks lengths (an explicit varchar(n) cast would
    # truncate silently); numbers are cast to their column's type
    columns = [t.entries.c[name] for name in _ROW_FIELDS]
    values = [f"r->>{i}" if isinstance(column.type, String) else
              f"CAST(r->>{i} AS {column.type.compile(dialect=postgresql.dialect())})"
              for i, column in enumerate(columns)]
    return text(f"INSERT INTO entries ({', '.join(_ROW_FIELDS)}, device_id, store_code, received_at) "
                f"SELECT {', '.join(values)}, :device_id, :store_code, :received_at "
                "FROM jsonb_array_elements(CAST(:rows AS jsonb)) AS r ON CONFLICT DO NOTHING RETURNING entry_id")


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
        elif row.get("_not_stored"):
            problem = InvalidInput(Reason.HQ_NOT_STORED, "entry", what="entry")
            statuses[index] = _status(entry_id, seq, "rejected", problem)
            rejected.append(_quarantined(device, row, problem))
        elif held.get(entry_id) == row["payload_hash"]:
            statuses[index] = _status(entry_id, seq, "duplicate")
        else:
            problem = InvalidInput(Reason.ENTRY_CONFLICT, "entry_id", what=(
                "this entry_id is already held with a different payload" if entry_id in held
                else f"local_seq {seq} already holds another entry"))
            statuses[index] = _status(entry_id, seq, "rejected", problem)
            rejected.append(_quarantined(device, row, problem))
