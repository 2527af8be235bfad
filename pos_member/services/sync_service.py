"""Sync as the till uses it: enrol, one sync cycle, status, the offline-redemption figures, and the
one-sync-per-device file lock. The background worker is in sync_worker.py.

Offline spending (ARCHITECTURE "Money across stores"), for an enrolled store when HQ does not answer a hold
(services/spend_auth.py; this module reads the figures; pos_member/domain/redemption.py decides, for the quote
and the sale alike), for points and likewise for stored value (paid + bonus):
- confirmed balance = entries of other devices (they came from HQ) + this device's entries HQ acknowledged;
- a redemption may not exceed confirmed balance minus this device's pending (unacknowledged) debits, so points
  earned here and not yet pushed cannot be spent twice in two stores;
- the pending redemptions of one member may not exceed `risk.offline_redeem_points_per_member`, nor this
  till's pending redemptions today `risk.offline_redeem_points_per_store_day` (stored value:
  `risk.offline_stored_fen_per_member`, `risk.offline_stored_fen_per_till_day`).
Pending means "not yet acknowledged by HQ"; the caps bound what HQ could later find overdrawn (HQ flags any
overdraft). While HQ answers, its hold decides instead, and the pending debits travel with the request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, text

from pos_member.domain.errors import PosError, RuleRefused
from pos_member.domain.reasons import Reason, english
from pos_member.domain.redemption import OfflinePosition
from pos_member.services.audit import append_audit
from pos_member.services.context import Store
from pos_member.storage import tables as t
from pos_member.storage.sync_store import SqliteSyncStore

_SYNC_STATE = text("SELECT key, value FROM sync_state WHERE key IN ('token', 'push_through')")
_POSITION = text("""
SELECT COALESCE(SUM(CASE WHEN account = 'points' AND (device_id != :me OR local_seq <= :through) THEN delta
                    ELSE 0 END), 0) AS confirmed,
       COALESCE(SUM(CASE WHEN account = 'points' AND device_id = :me AND local_seq > :through AND delta < 0
                    THEN -delta ELSE 0 END), 0) AS pending_debits,
       COALESCE(SUM(CASE WHEN account = 'points' AND device_id = :me AND local_seq > :through AND kind = 'redeem'
                    THEN -delta ELSE 0 END), 0) AS pending_redeemed,
       COALESCE(SUM(CASE WHEN account != 'points' AND (device_id != :me OR local_seq <= :through) THEN delta
                    ELSE 0 END), 0) AS stored_confirmed,
       COALESCE(SUM(CASE WHEN account != 'points' AND device_id = :me AND local_seq > :through AND delta < 0
                    THEN -delta ELSE 0 END), 0) AS stored_pending_debits,
       COALESCE(SUM(CASE WHEN account != 'points' AND device_id = :me AND local_seq > :through AND kind = 'spend'
                    THEN -delta ELSE 0 END), 0) AS stored_pending_spent,
       COALESCE(SUM(CASE WHEN account != 'points' AND device_id = :me AND local_seq > :through
                    AND kind IN ('topup', 'bonus') THEN delta ELSE 0 END), 0) AS stored_pending_topups
FROM ledger WHERE member_id = :member""")
_PENDING_SPENT_TODAY = text("""
SELECT COALESCE(-SUM(CASE WHEN kind = 'redeem' THEN delta ELSE 0 END), 0) AS redeemed,
       COALESCE(-SUM(CASE WHEN kind = 'spend' THEN delta ELSE 0 END), 0) AS spent
FROM ledger
WHERE device_id = :me AND local_seq > :through AND kind IN ('redeem', 'spend') AND business_time >= :day""")


def sync_store(store: Store) -> SqliteSyncStore:
    """The store file behind the Protocol sync.client uses; enrolment and pulled pages are audited."""
    identity = store.identity

    def audit(conn: Connection, action: str, subject: str | None, detail: dict[str, Any]) -> None:
        append_audit(conn, store.now(), None, action, subject, detail)

    return SqliteSyncStore(store.db, identity.device_id, identity.device_no, identity.store_code, store.now, audit)


class SyncFailed(PosError):
    """HQ could not be reached or refused; the message says which. Nothing local was lost."""

    code = "sync_failed"


def enrol(store: Store, hq_url: str, code: str, timeout: float = 30.0) -> dict[str, Any]:
    from sync.client import SyncClient, SyncError

    try:
        result = SyncClient(sync_store(store), timeout=timeout, verify=hq_verify(store)).enrol(hq_url, code)
    except SyncError as exc:
        raise SyncFailed(Reason.SYNC_FAILED, "enrol", why=exc.reason, **exc.params) from exc
    finally:
        store._identity = None  # the chain key may have changed
    return result


def sync_once(store: Store, attempts: int = 4, timeout: float = 30.0, pull: bool = True) -> dict[str, Any]:
    from sync.client import SyncClient, SyncError, sync_with_retries

    try:
        client = SyncClient(sync_store(store), timeout=timeout, verify=hq_verify(store))
        report = sync_with_retries(client, attempts=attempts, pull=pull)
    except SyncError as exc:
        raise SyncFailed(Reason.SYNC_FAILED, "sync", why=exc.reason, **exc.params) from exc
    return report.__dict__ | {"status": sync_status(store)}


def hq_verify(store: Store) -> bool | str:
    """How the till checks HQ's HTTPS certificate: against the CA file of the settings (`hq_ca_file` in the
    store's config.toml, for a chain's private CA), else the system's trusted CAs. Never switched off."""
    from pos_member.config import Paths, load_settings

    ca_file = load_settings(Paths(store.db.path.parent)).hq_ca_file
    return str(Path(ca_file).expanduser()) if ca_file else True


def sync_status(store: Store) -> dict[str, Any]:
    status = sync_store(store).status()
    if status["set_aside_pulled"]:
        status["set_aside"] = set_aside_pulled(store, limit=10)
    return status


def offline_position(conn: Connection, store: Store, member_id: int) -> OfflinePosition | None:
    """The offline rule's figures for a member, read inside the quote's or the sale's transaction; None for a
    store on its own (not enrolled): its ledger is the whole truth and the balance check suffices."""
    state = dict(conn.execute(_SYNC_STATE).all())
    if not state.get("token"):
        return None
    me, through = store.identity.device_id, int(state.get("push_through") or 0)
    row = conn.execute(_POSITION, {"me": me, "through": through, "member": member_id}).one()
    today = store.clock().date().isoformat()
    spent = conn.execute(_PENDING_SPENT_TODAY, {"me": me, "through": through, "day": today}).one()
    return OfflinePosition(int(row.confirmed), int(row.pending_debits), int(row.pending_redeemed), int(spent.redeemed),
                           int(row.stored_confirmed), int(row.stored_pending_debits), int(row.stored_pending_spent),
                           int(spent.spent), int(row.stored_pending_topups))


class SyncBusy(RuleRefused):
    pass


@contextmanager
def device_lock(lock_path: Path) -> Iterator[None]:
    """One sync per device at a time (the app's worker and a cron `sync --once`): an exclusive, non-blocking
    lock on a file in the data dir, released by the OS if the process dies."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the duration of the with block
    try:
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise SyncBusy(Reason.SYNC_BUSY, "sync") from exc
        yield
    finally:
        handle.close()


def set_aside_pulled(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """Rows of HQ's feed this till could not apply and set aside (pos_member.storage.sync_apply), newest
    first, each with its reason code and figures: for `sync status` and the sync panel."""
    with store.db.read() as conn:
        rows = conn.execute(select(t.pull_quarantine.c.seq, t.pull_quarantine.c.kind, t.pull_quarantine.c.key,
                                   t.pull_quarantine.c.reason, t.pull_quarantine.c.params, t.pull_quarantine.c.at)
                            .order_by(t.pull_quarantine.c.id.desc()).limit(limit))
        found = []
        for row in rows:
            params = json.loads(row.params or "{}")
            reason = Reason(row.reason) if row.reason in Reason._value2member_map_ else Reason.PULL_NOT_APPLIED
            found.append({"seq": row.seq, "kind": row.kind, "key": row.key, "reason": reason.value,
                          "params": params, "said": english(reason, params), "at": row.at})
        return found


def recent_rejections(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """Entries HQ quarantined (same id, another payload; an invalid entry), newest first: for the sync panel."""
    with store.db.read() as conn:
        rows = conn.execute(select(t.sync_rejections).order_by(t.sync_rejections.c.at.desc()).limit(limit))
        return [dict(row._mapping) for row in rows]
