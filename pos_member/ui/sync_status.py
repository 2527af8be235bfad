"""The till's one view of HQ sync: what the status bar and the F11 panel both show.

`read_sync_view` reads it from the store file (on the database worker; nothing here calls HQ). The sync
worker reports after every attempt, on its own thread; `SyncMonitor.report` carries that to the GUI thread,
so a failed attempt reaches the bar and an open panel at once, not at the next poll. Both listen to
`SyncMonitor.changed`, so they cannot disagree. The error is shown from its reason code, in the till's
language (`sync_error_sentence`); the English text stays for the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from pos_member.services.context import Store
from pos_member.ui.messages import sync_error_sentence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncView:
    set_up: bool  # False: this till is not enrolled with HQ (or the sync tables are not there yet)
    online: bool  # the last sync attempt reached HQ
    pending: int  # ledger entries and member/card records of this till HQ has not acknowledged
    last_sync: str | None  # ISO time of the last successful sync
    last_error: str | None = None  # in the till's language
    last_attempt: str | None = None
    pending_entries: int = 0
    pending_records: int = 0
    rejected: int = 0
    hq_url: str = ""
    set_aside: int = 0  # rows of HQ's feed this till could not apply (kept in pull_quarantine)
    # the rules in force (pos_member.storage.chain_rules): the till's version, HQ's number if it came from
    # HQ, and whether HQ granted this store rules of its own
    rules_version: int | None = None
    rules_hq_version: int | None = None
    local_rules: bool = False


NOT_SET_UP = SyncView(set_up=False, online=False, pending=0, last_sync=None)


def view_from_status(status: dict[str, Any]) -> SyncView:
    """The view from `sync_service.sync_status` (read here, or reported by the sync worker)."""
    entries, records = int(status.get("pending_entries") or 0), int(status.get("pending_records") or 0)
    rules = status.get("rules") or {}
    in_force = {"rules_version": rules.get("version"), "rules_hq_version": rules.get("hq_version"),
                "local_rules": bool(rules.get("local_rules"))}
    if not status.get("enrolled"):  # what waits is still counted: the panel shows it
        return SyncView(False, False, entries + records, None, pending_entries=entries, pending_records=records,
                        **in_force)
    last_attempt, last_success = status.get("last_attempt"), status.get("last_success")
    # "online" is what the last attempt found: nothing else here may call HQ (no network on this path)
    online = bool(last_success) and last_attempt == last_success and not status.get("last_error")
    error = sync_error_sentence(status)  # in the till's language, from the reason and its figures
    return SyncView(True, online, entries + records, last_success, error, last_attempt, entries, records,
                    int(status.get("rejected_entries") or 0), status.get("hq_url") or "",
                    int(status.get("set_aside_pulled") or 0), **in_force)


def read_sync_view(store: Store) -> SyncView:
    try:
        from pos_member.services.sync_service import sync_status

        status = sync_status(store)
    except ImportError:
        return NOT_SET_UP  # a build without the sync service
    except Exception as exc:  # e.g. a store file from before the sync migration; the till still works
        log.info("sync status unavailable: %s", exc)
        return NOT_SET_UP
    return view_from_status(status)


class SyncMonitor(QObject):
    """The current SyncView; `changed` whenever it is read again or the sync worker reports."""

    changed = Signal(object)  # SyncView
    _reported = Signal(object)  # emitted on the sync thread, delivered on the GUI thread

    def __init__(self, store: Store, worker: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.worker = store, worker
        self.view = NOT_SET_UP
        self._reported.connect(lambda status: self._set(view_from_status(status)))

    def refresh(self) -> None:
        self.worker.run(read_sync_view, self.store, on_done=self._set)

    def report(self, status: dict[str, Any]) -> None:
        """The sync worker's `on_status`: called on its thread after every attempt."""
        self._reported.emit(status)

    def _set(self, view: SyncView) -> None:
        self.view = view
        self.changed.emit(view)
