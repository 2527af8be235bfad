"""Tamper evidence at HQ: each till's audit head, its entries' fingerprints, and `pos-hq verify STORE`.

A push carries the till's audit head (sync.protocol.AuditHead). HQ keeps, per device, the last head it
accepted; it accepts a new one only when the till's log still holds, at the row HQ holds, the hash HQ holds
(the anchor), and the new head is not behind it. Anything else means the log lost rows or was re-chained
since HQ last saw it: HQ keeps its head (the evidence) and opens an `audit_mismatch` flag for the device.
The entries in the push are stored as usual: a till's tampering must not stop its sales reaching HQ.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Engine, select

from pos_member.domain.entry_copy import COPY_FIELDS, copy_fingerprint
from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t
from sync.hq.flags import AUDIT_MISMATCH, raise_flag
from sync.hq.service import Device, authenticate

MISMATCH = AUDIT_MISMATCH


def held_head(conn: Connection, device_id: str) -> p.HeldAuditHead | None:
    row = conn.execute(select(t.audit_heads.c.seq, t.audit_heads.c.hash).where(
        t.audit_heads.c.device_id == device_id)).first()
    return None if row is None else p.HeldAuditHead(seq=row.seq, hash=row.hash)


def take_head(conn: Connection, device: Device, head: p.AuditHead | None, now: str) -> dict[str, Any] | None:
    """Accept the pushed head or flag it; the head HQ holds afterwards, as a dict for the reply."""
    held = held_head(conn, device.device_id)
    if head is None:
        return None if held is None else held.model_dump()
    if held is None:
        conn.execute(t.audit_heads.insert().values(device_id=device.device_id, store_code=device.store_code,
                                                   seq=head.seq, hash=head.hash, received_at=now))
        return {"seq": head.seq, "hash": head.hash, "accepted": True}
    continues = (head.anchor_seq == held.seq and head.anchor_hash == held.hash
                 and (head.seq > held.seq or (head.seq == held.seq and head.hash == held.hash)))
    if not continues:
        _flag(conn, device, held, head, now)
        return held.model_dump() | {"accepted": False}
    if head.seq != held.seq:
        conn.execute(t.audit_heads.update().where(t.audit_heads.c.device_id == device.device_id).values(
            seq=head.seq, hash=head.hash, received_at=now))
    return {"seq": head.seq, "hash": head.hash, "accepted": True}


def _flag(conn: Connection, device: Device, held: p.HeldAuditHead, head: p.AuditHead, now: str) -> None:
    """One open flag per device (sync.hq.flags): each later push that still does not continue updates its
    figures and adds to its history; the first mismatch stays in that history."""
    if head.seq < held.seq:
        what = f"the till's audit log ends at row {head.seq}, but HQ accepted row {held.seq} (rows were removed)"
    elif head.anchor_seq != held.seq or head.anchor_hash is None:
        what = f"the till's audit log no longer has row {held.seq}, which HQ accepted (rows were removed)"
    else:
        what = f"the till's audit row {held.seq} no longer has the hash HQ accepted (the log was re-chained)"
    figures: dict[str, int | str] = {"problem": what, "held_seq": held.seq, "held_hash": held.hash,
                                     "sent_seq": head.seq, "sent_hash": head.hash}
    raise_flag(conn, kind=MISMATCH, subject=device.device_id, figures=figures, store_code=device.store_code,
               now=now)


def fingerprints(engine: Engine, token: str | None, request: p.FingerprintsRequest) -> p.FingerprintsResponse:
    with db.read(engine) as conn:
        authenticate(conn, token)
        rows = conn.execute(select(*[t.entries.c[name] for name in COPY_FIELDS]).where(
            t.entries.c.entry_id.in_(request.entry_ids))).mappings().all() if request.entry_ids else []
    return p.FingerprintsResponse(fingerprints={row["entry_id"]: copy_fingerprint(row) for row in rows})


def verify_store(engine: Engine, store_code: str) -> dict[str, Any]:
    """`pos-hq verify STORE`: what HQ can tell about a store's tills without their files. Each till's audit
    head and any mismatch its pushes showed; every entry HQ holds from the store's tills still matches the
    fingerprint it was stored with (HQ's own database edited by hand); no gap below contiguous_through."""
    from sync.hq.chain_ledger import ENTRY_FIELDS, entry_hash

    problems: list[str] = []
    devices: list[dict[str, Any]] = []
    with db.read(engine) as conn:
        if conn.execute(select(t.stores.c.code).where(t.stores.c.code == store_code)).first() is None:
            raise LookupError(f"store: there is no store {store_code} at HQ")
        for device in conn.execute(select(t.devices).where(t.devices.c.store_code == store_code)
                                   .order_by(t.devices.c.device_no)):
            head = held_head(conn, device.device_id)
            flags = [json.loads(f.detail) | {"flag_id": f.id, "at": f.created_at} for f in conn.execute(
                select(t.flags).where(t.flags.c.kind == MISMATCH, t.flags.c.subject == device.device_id,
                                      t.flags.c.resolved_at.is_(None)).order_by(t.flags.c.id))]
            for flag in flags:
                problems.append(f"till {device.device_no} ({device.device_id}): {flag['problem']}")
            checked = 0
            seqs = []
            for row in conn.execute(select(t.entries).where(t.entries.c.device_id == device.device_id)
                                    .order_by(t.entries.c.local_seq)).mappings():
                checked += 1
                seqs.append(row["local_seq"])
                if entry_hash({name: row[name] for name in ENTRY_FIELDS}, device.device_id) != row["payload_hash"]:
                    problems.append(f"till {device.device_no}: entry {row['entry_id']} at HQ differs from what "
                                    "the till sent (HQ's copy was edited)")
            quarantined = {r[0] for r in conn.execute(select(t.quarantine.c.local_seq).where(
                t.quarantine.c.device_id == device.device_id))}
            missing = sorted(set(range(1, device.contiguous_through + 1)) - set(seqs) - quarantined)
            if missing:
                problems.append(f"till {device.device_no}: HQ lacks entries {missing[:10]} below contiguous_through "
                                f"{device.contiguous_through}")
            devices.append({"device_id": device.device_id, "device_no": device.device_no,
                            "revoked": device.revoked_at is not None, "last_seen": device.last_seen,
                            "audit_head": None if head is None else head.model_dump(exclude={"accepted"}),
                            "entries_checked": checked, "audit_mismatches": flags})
    return {"store": store_code, "ok": not problems, "devices": devices, "problems": problems}
