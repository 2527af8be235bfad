"""The append-only, hash-chained audit log.

Each row's hash covers the previous row's hash and the row's own canonical JSON, so editing, deleting or
inserting a row by hand breaks the chain from that row on. Rows written with ledger entries carry a digest
of every field of those entries (`entries_digest2`), so editing a ledger row by hand is caught as well.

The chain is keyed (migration 0006): from row `audit_keyed_from` on, a row's hash is HMAC-SHA256 with the
store file's own random `audit_key` (settings) instead of plain SHA-256. What that does and does not buy
(docs/design-notes.md, "Tamper evidence"): the key has to be in the file, because the till writes audit rows
offline, so someone holding the file can re-chain it with the key. The key stops a re-chain made without
reading it (a script that recomputes plain SHA-256, rows copied in from another store's file). What stops a
re-chain, a deleted or cut tail by someone who has the key is HQ: every push carries the till's audit head
(sync.protocol.AuditHead) and HQ keeps the last one it accepted, which nobody at the till can change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from pos_member.storage import driver
from pos_member.storage import tables as t

GENESIS_HASH = "0" * 64
AUDIT_KEY = "audit_key"  # settings: hex of 32 random bytes, made by migration 0006 or at the first append
KEYED_FROM = "audit_keyed_from"  # settings: the first audit row id hashed with the key
# Driver-level SQL (storage/driver.py): every sale appends a row.
_LAST_HASH = "SELECT hash FROM audit ORDER BY id DESC LIMIT 1"
_KEY = "SELECT value FROM settings WHERE key = :key"
# The digest of audit rows written before migration 0006 (kept so those rows still verify).
ENTRY_DIGEST_FIELDS_V1 = ("entry_id", "local_seq", "member_id", "account", "kind", "delta", "sale_id")
# Every column of a ledger row but its local row id: no field can be edited without breaking the digest.
ENTRY_DIGEST_FIELDS = ("entry_id", "device_id", "local_seq", "store_code", "staff_id", "member_id", "account",
                       "kind", "delta", "sale_id", "ref_id", "rules_version", "business_time", "note",
                       "expires_on")
DIGEST_KEYS = {"entries_digest": ENTRY_DIGEST_FIELDS_V1, "entries_digest2": ENTRY_DIGEST_FIELDS}


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entries_digest(entries: Iterable[Mapping[str, Any]], fields: tuple[str, ...] = ENTRY_DIGEST_FIELDS) -> str:
    local_seq = fields.index("local_seq")
    rows = sorted(([entry[f] for f in fields] for entry in entries), key=lambda r: r[local_seq])
    return hashlib.sha256(canonical(rows).encode()).hexdigest()


def row_hash(prev_hash: str, at: str, staff_id: int | None, approved_by: int | None, action: str,
             subject: str | None, detail: str, key: bytes | None = None) -> str:
    """SHA-256 of the previous hash and the row (rows before the key existed), else HMAC-SHA256 with it."""
    body = (prev_hash + canonical([at, staff_id, approved_by, action, subject, detail])).encode()
    if key is None:
        return hashlib.sha256(body).hexdigest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def audit_key(conn: Connection) -> bytes:
    """The file's audit key; made (inside the caller's write transaction) if this file has none yet."""
    value = driver.scalar(conn, _KEY, {"key": AUDIT_KEY})
    if value is None:
        value = secrets.token_hex(32)
        first = (conn.execute(select(t.audit.c.id).order_by(t.audit.c.id.desc()).limit(1)).scalar() or 0) + 1
        conn.execute(t.settings.insert(), [{"key": AUDIT_KEY, "value": value},
                                           {"key": KEYED_FROM, "value": str(first)}])
    return bytes.fromhex(value)


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
        payload["entries_digest2"] = entries_digest(entries)
    detail_text = canonical(payload)
    key = audit_key(conn)
    prev_hash = driver.scalar(conn, _LAST_HASH) or GENESIS_HASH
    driver.insert(conn, "audit", [{
        "at": at, "staff_id": staff_id, "approved_by": approved_by, "action": action, "subject": subject,
        "detail": detail_text, "prev_hash": prev_hash,
        "hash": row_hash(prev_hash, at, staff_id, approved_by, action, subject, detail_text, key),
    }])
