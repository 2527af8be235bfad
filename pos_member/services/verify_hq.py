"""`verify` against HQ: what only HQ can prove about this till's file.

The audit log must still hold the head HQ accepted (a deleted or cut tail, or a re-chained log, fails here
even when the local chain is whole), and every entry HQ already holds, this till's own and those pulled from
other tills, must match HQ's copy (pos_member.domain.entry_copy). When HQ cannot be reached the log is
compared with the head HQ last acknowledged, kept at the till (verify.verify_store does that part always).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from pos_member.domain.entry_copy import copy_fingerprint
from pos_member.services.context import Store
from pos_member.services.verify import check_against_head

BATCH = 2000  # sync.protocol.MAX_PULL_LIMIT: ids per /v1/fingerprints request
_HELD_AT_HQ = text("""
SELECT l.entry_id, l.device_id, l.local_seq, l.store_code, m.uuid AS member_uuid, l.account, l.kind, l.delta,
       l.sale_id, l.ref_id, l.rules_version, l.business_time, l.note, l.expires_on
FROM ledger l JOIN members m ON m.id = l.member_id
WHERE l.device_id != :me OR l.local_seq <= :through ORDER BY l.id""")


def verify_with_hq(store: Store, timeout: float = 10.0) -> dict[str, Any]:
    """{"hq": "checked" | "unreachable" | "not enrolled", "entries_compared": n, "problems": [...]}."""
    from pos_member.services.sync_service import sync_store
    from sync.client import SyncClient, SyncError

    sync = sync_store(store)
    info = sync.connection_info()
    if info is None:
        return {"hq": "not enrolled", "entries_compared": 0, "problems": []}
    url, token = info
    client = SyncClient(sync, timeout=timeout)
    try:
        status = client._call("GET", f"{url}/v1/status", token)
        problems: list[str] = []
        with store.db.read() as conn:
            problems += check_against_head(conn, status.get("audit_head"), "HQ holds as this till's audit head")
            through = int(sync._get(conn, "push_through", "0") or 0)
            rows = [dict(row) for row in conn.execute(_HELD_AT_HQ, {"me": store.identity.device_id,
                                                                   "through": through}).mappings()]
        compared = 0
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            reply = client._call("POST", f"{url}/v1/fingerprints", token,
                                 json={"entry_ids": [row["entry_id"] for row in batch]})
            held = reply["fingerprints"]
            for row in batch:
                theirs = held.get(row["entry_id"])
                if theirs is None:
                    continue  # quarantined at HQ, or pulled before HQ was restored: nothing to compare with
                compared += 1
                if theirs != copy_fingerprint(row):
                    origin = "this till" if row["device_id"] == store.identity.device_id else \
                        f"till {row['device_id']} of store {row['store_code']}"
                    problems.append(f"ledger entry {row['entry_id']} ({row['kind']}, made by {origin}) differs "
                                    "from HQ's copy: it was edited here")
    except SyncError as exc:
        return {"hq": "unreachable", "entries_compared": 0, "problems": [], "why": str(exc)}
    return {"hq": "checked", "entries_compared": compared, "problems": problems}
