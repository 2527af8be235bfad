"""The app's background sync: one thread with its own store connection. It syncs at start, then every
`interval_s` while HQ answers, and at the nightly time; after a transient failure it retries with capped
exponential backoff and full jitter; with a revoked token or no enrolment it waits for the next interval.
Only one sync per device runs at a time (the file lock shared with `pos-member sync --once`).

Qt-free: the GUI subscribes with `on_status` (called on this thread; the UI re-emits it as a signal) and
calls `sync_now()` from a button. `stop()` is called on close, after the scanner and before the engine goes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pos_member.services import sync_service
from pos_member.services.context import Clock, open_store, system_clock

log = logging.getLogger(__name__)


def next_nightly(now: datetime, at: str) -> datetime:
    hour, minute = (int(part) for part in at.split(":"))
    due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return due if due > now else due + timedelta(days=1)


class SyncWorker:
    def __init__(self, db_path: Path, lock_path: Path, interval_s: float = 300.0, nightly_at: str = "02:30",
                 on_status: Callable[[dict[str, Any]], None] | None = None, clock: Clock = system_clock,
                 backoff_cap_s: float = 1800.0) -> None:
        from sync.client import Backoff

        self.db_path = db_path
        self.lock_path = lock_path
        self.interval_s = interval_s
        self.nightly_at = nightly_at
        self.on_status = on_status
        self.clock = clock
        self.backoff = Backoff(base=2.0, cap=backoff_cap_s)
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="hq-sync", daemon=True)
        self._thread.start()

    def sync_now(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        store = open_store(self.db_path, clock=self.clock)
        try:
            delay = 0.0  # at start
            while not self._stopping:
                if delay > 0:
                    self._wake.wait(delay)
                    self._wake.clear()
                if self._stopping:
                    return
                delay = self._attempt(store)
        finally:
            store.close()

    def _attempt(self, store: Any) -> float:
        """One sync; returns how long to wait before the next."""
        from sync.client import AuthError, NotEnrolled

        regular = min(self.interval_s, (next_nightly(self.clock(), self.nightly_at) - self.clock()).total_seconds())
        try:
            with sync_service.device_lock(self.lock_path):
                sync_service.sync_once(store, attempts=1)
            self.backoff.reset()
            delay = regular
        except sync_service.SyncBusy:
            delay = regular  # `sync --once` from cron is doing it right now
        except sync_service.SyncFailed as exc:
            cause = exc.__cause__
            if isinstance(cause, AuthError | NotEnrolled):
                delay = regular
            else:
                delay = min(self.backoff.next_delay(), regular)
            log.info("sync failed: %s; next try in %.0f s", exc, delay)
        except Exception:  # never let the worker die: log, back off, try again
            log.exception("sync worker error")
            delay = min(self.backoff.next_delay(), regular)
        if self.on_status is not None:
            try:
                self.on_status(sync_service.sync_status(store) | {"next_try_in_s": delay})
            except Exception:
                log.exception("sync status listener failed")
        return delay
