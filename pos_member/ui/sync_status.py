"""What the status bar says about HQ sync, read from the store file in one place.

Kept Qt-free and small on purpose: the sync worker (being written beside this) will change where "online"
comes from, and this is the only function to rewire. It runs on the database worker, never the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pos_member.services.context import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncView:
    set_up: bool  # False: this till is not enrolled with HQ (or the sync tables are not there yet)
    online: bool  # the last sync attempt reached HQ
    pending: int  # ledger entries and member/card records of this till HQ has not acknowledged
    last_sync: str | None  # ISO time of the last successful sync
    last_error: str | None = None


NOT_SET_UP = SyncView(set_up=False, online=False, pending=0, last_sync=None)


def read_sync_view(store: Store) -> SyncView:
    try:
        from pos_member.services.sync_service import sync_status

        status = sync_status(store)
    except ImportError:
        return NOT_SET_UP  # a build without the sync service
    except Exception as exc:  # e.g. a store file from before the sync migration; the till still works
        log.info("sync status unavailable: %s", exc)
        return NOT_SET_UP
    if not status.get("enrolled"):
        return NOT_SET_UP
    last_attempt, last_success = status.get("last_attempt"), status.get("last_success")
    # "online" is what the last attempt found: nothing else here may call HQ (no network on this path)
    online = bool(last_success) and last_attempt == last_success and not status.get("last_error")
    pending = int(status.get("pending_entries") or 0) + int(status.get("pending_records") or 0)
    return SyncView(True, online, pending, last_success, status.get("last_error"))
