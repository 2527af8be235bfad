"""The append-only, hash-chained audit log.

Each row's hash covers the previous row's hash and the row's own canonical JSON, so editing, deleting or
inserting a row by hand breaks the chain from that row on. Rows written with ledger entries carry a digest
of those entries, so editing a ledger row by hand is caught as well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from pos_member.storage import tables as t

GENESIS_HASH = "0" * 64
_LAST_HASH = select(t.audit.c.hash).order_by(t.audit.c.id.desc()).limit(1)
_INSERT_AUDIT = t.audit.insert()
ENTRY_DIGEST_FIELDS = ("entry_id", "local_seq", "member_id", "account", "kind", "delta", "sale_id")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entries_digest(entries: Iterable[Mapping[str, Any]]) -> str:
    rows = sorted(([entry[f] for f in ENTRY_DIGEST_FIELDS] for entry in entries), key=lambda r: r[1])
    return hashlib.sha256(canonical(rows).encode()).hexdigest()


def row_hash(prev_hash: str, at: str, staff_id: int | None, approved_by: int | None, action: str,
             subject: str | None, detail: str) -> str:
    body = canonical([at, staff_id, approved_by, action, subject, detail])
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def append_audit(
    conn: Connection,
    at: str,
    staff_id: int | None,
    action: str,
    subject: str | None,
    detail: Mapping[str, Any],
    approved_by: int | None = None,
    entries: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Append one audit row inside the caller's write transaction."""
    entries = list(entries)
    payload = dict(detail)
    if entries:
        payload["entries"] = [entry["entry_id"] for entry in entries]
        payload["entries_digest"] = entries_digest(entries)
    detail_text = canonical(payload)
    prev_hash = conn.execute(_LAST_HASH).scalar() or GENESIS_HASH
    conn.execute(_INSERT_AUDIT, {
        "at": at, "staff_id": staff_id, "approved_by": approved_by, "action": action, "subject": subject,
        "detail": detail_text, "prev_hash": prev_hash,
        "hash": row_hash(prev_hash, at, staff_id, approved_by, action, subject, detail_text),
    })
