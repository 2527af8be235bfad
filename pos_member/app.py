"""Composition root of the till app: settings, store file, services, workers, window; and shutdown order.

    run_app(home)  - what `pos-member` with no subcommand does: a QApplication, a TillApp, the event loop.
    TillApp        - the parts and their wiring, usable from tests and benchmarks with their own QApplication.

Shutdown order (ARCHITECTURE "Threads in the app"): the scanner first (it feeds the GUI), then sync (it
holds its own connection), then the database worker (what is queued - a sale being committed - lands),
then the engine is disposed. `pos_member.ui` is imported only here, and only inside functions, so
`import pos_member.app` stays Qt-free.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Protocol

from pos_member.config import Paths, Settings, load_settings, resolve_paths
from pos_member.services.context import Clock, Store, open_store, system_clock

if TYPE_CHECKING:
    from pos_member.ui.scanner_worker import ScannerThread
    from pos_member.ui.tasks import DbWorker
    from pos_member.ui.window import TillWindow

log = logging.getLogger(__name__)

DEMO_MEMBERS = 200
BACKGROUND_DELAY_MS = 1_000
JOBS_CHECK_MS = 3_600_000  # hourly: the jobs for a new date run once, soon after midnight


class Stoppable(Protocol):
    def stop(self) -> None: ...

    def sync_now(self) -> None: ...


class TillApp:
    def __init__(self, home: str | None, *, demo_members: int = DEMO_MEMBERS, replay_pace: bool = True,
                 scanner_kwargs: dict[str, Any] | None = None, settings: Settings | None = None,
                 clock: Clock = system_clock, start_sync: bool = True) -> None:
        self.paths: Paths = resolve_paths(home)
        self.settings: Settings = settings or load_settings(self.paths)
        self.demo_members = demo_members
        self.clock = clock  # tests fix "now" so card expiry and business times are reproducible
        self.replay_pace = replay_pace  # False in tests: a video file is read as fast as it decodes
        self.scanner_kwargs = scanner_kwargs or {}  # source/decoder factories, for the benchmark
        self.store: Store | None = None
        self.worker: DbWorker | None = None
        self.window: TillWindow | None = None
        self.scanner: ScannerThread | None = None
        self.sync_worker: Stoppable | None = None
        self.start_sync = start_sync  # tests that never talk to HQ leave the sync thread out
        self._jobs_timer: Any = None
        self._stopped = False
        self._lock = threading.Lock()  # the sync worker starts on its own thread; shutdown may race it
        self._sync_asked = False
        self._background_started = False

    def start(self) -> TillWindow:
        """Open the store and show the window; the camera, sync and jobs follow a second after the PIN page
        is up. Only a data dir with no store file at all gets the demo store (built on the database worker,
        progress on the PIN page); an empty, damaged or unreadable store file, or one never set up, is
        refused with a StorageError sentence instead."""
        from pos_member.storage.engine import Database
        from pos_member.ui.tasks import DbWorker
        from pos_member.ui.window import TillWindow

        first_start = not self.paths.db.exists()
        if first_start:
            # nothing connects to this path until the demo file has been renamed into place
            self.store = Store(db=Database(self.paths.db), clock=self.clock)
        else:
            self.store = open_store(self.paths.db, self.clock, create=False)
            try:
                self.store.identity  # noqa: B018 - "not set up yet" refuses here, before any window
            except Exception:
                self.store.close()
                raise
        self.worker = DbWorker()
        window = TillWindow(self.store, self.worker, self.settings, self.paths)
        self.window = window
        window.closing.connect(self.shutdown)
        window.settings_changed.connect(self._settings_changed)
        if not first_start:
            self._ready()
        else:
            window.show_preparing()
            self.worker.run(self._build_demo, window.signin.progress_reported.emit,
                            on_done=self._demo_built, on_error=window.signin.preparing_failed)
        return window

    def _ready(self) -> None:
        """The PIN page, the remembered sign-in lockout, then HQ sync and the daily jobs."""
        from PySide6.QtCore import QTimer

        from pos_member.services.staff import sign_in_lock

        assert self.window is not None and self.worker is not None and self.store is not None
        self.window.signin.set_demo(self._pin_hint())
        self.window.show_sign_in()
        self.worker.run(sign_in_lock, self.store, on_done=self.window.signin.show_lock)
        # the camera, HQ sync (importing its client is ~0.5 s of CPU) and the daily jobs wait until the PIN
        # page is up and painted (or a PIN is typed): on a busy 2-core till they would slow exactly that
        self.window.signin.pin_entered.connect(self._start_background_once)
        QTimer.singleShot(BACKGROUND_DELAY_MS, self._start_background_once)

    def _start_background_once(self) -> None:
        if self._stopped or self._background_started:
            return
        self._background_started = True
        self.start_scanner()  # its frames are for the till page; its imports (OpenCV, numpy) wait too
        self.start_background()

    def _build_demo(self, progress: Any) -> Any:
        from pos_member.services.demo import create_demo_store_file

        return create_demo_store_file(self.paths.db, self.demo_members, self.paths.qr_dir, self.clock, progress)

    def _demo_built(self, summary: Any) -> None:
        from pos_member.services.demo import write_qr_pngs

        if self._stopped:
            return
        self._ready()
        # the card PNGs (for trying the camera) are not needed to sign in: written after the PIN page is up
        threading.Thread(target=_write_pngs, args=(write_qr_pngs, summary.card_qrs, self.paths.qr_dir),
                         name="demo-qr-pngs", daemon=True).start()

    # -- background work: HQ sync and the jobs time drives -------------------------------------------------

    def start_background(self) -> None:
        """The sync worker (its own thread and connection) and the daily jobs (on the database worker, at
        start for any nights missed while the till was off, then hourly: each date runs once)."""
        from PySide6.QtCore import QTimer

        if self.start_sync:
            if self.window is not None:
                self.window.sync_now = self._sync_now
            threading.Thread(target=self._start_sync, name="hq-sync-start", daemon=True).start()
        self.run_due_jobs()
        self._jobs_timer = QTimer(self.window, interval=JOBS_CHECK_MS)
        self._jobs_timer.timeout.connect(self.run_due_jobs)
        self._jobs_timer.start()

    def _start_sync(self) -> None:
        """On its own short thread: importing the HQ client (requests, pydantic) takes ~0.5 s of the GUI
        thread otherwise, just when the PIN page should take its first key."""
        from pos_member.services.sync_worker import SyncWorker

        worker = SyncWorker(self.paths.db, self.paths.home / "sync.lock", self.settings.sync_interval_min * 60,
                            self.settings.nightly_sync_at, clock=self.clock,
                            on_status=self.window.sync_monitor.report if self.window else None)
        with self._lock:
            if self._stopped:
                return
            self.sync_worker = worker
            worker.start()
            if self._sync_asked:
                worker.sync_now()

    def _sync_now(self) -> None:
        """"Sync now" pressed: at once, or as soon as the worker has started."""
        with self._lock:
            if self.sync_worker is None:
                self._sync_asked = True
                return
        self.sync_worker.sync_now()

    def run_due_jobs(self) -> None:
        from pos_member.services.jobs import run_due_jobs

        if self.worker is None or self.store is None:
            return
        self.worker.run(run_due_jobs, self.store, self.clock().date(),
                        on_done=lambda days: days and log.info("jobs run for %s", ", ".join(days)),
                        on_error=lambda exc: log.warning("nightly jobs failed: %s", exc))

    def _pin_hint(self) -> str:
        from pos_member.services.demo import DEMO_CASHIER_PIN, DEMO_MANAGER_PIN, is_demo_store
        from pos_member.ui.window import TillWindow

        assert self.store is not None
        if is_demo_store(self.store):
            return TillWindow.tr_demo_hint().format(DEMO_CASHIER_PIN, DEMO_MANAGER_PIN)
        return ""

    # -- camera -------------------------------------------------------------------------------------

    def start_scanner(self) -> None:
        from pos_member.ui.scanner_worker import ScannerThread

        assert self.window is not None
        self.stop_scanner()
        window, settings = self.window, self.window.settings
        scanner = ScannerThread(settings.camera_source, settings.decoder, replay_pace=self.replay_pace,
                                **self.scanner_kwargs)
        scanner.preview.connect(window.on_preview)
        scanner.code.connect(window.on_scanned)
        scanner.failed.connect(window.camera_failed)
        scanner.stats.connect(window.camera_stats)
        scanner.started_scanning.connect(window.camera_started)
        self.scanner = scanner
        scanner.start()

    def stop_scanner(self) -> None:
        scanner, self.scanner = self.scanner, None
        if scanner is not None:
            scanner.stop()

    def _settings_changed(self, camera_changed: bool) -> None:
        assert self.window is not None
        self.settings = self.window.settings
        if camera_changed:
            self.start_scanner()

    # -- shutdown -----------------------------------------------------------------------------------

    def shutdown(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self.stop_scanner()
        if self._jobs_timer is not None:
            self._jobs_timer.stop()
        if self.sync_worker is not None:
            self.sync_worker.stop()
        if self.worker is not None:
            self.worker.shutdown(wait=True)
        if self.store is not None:
            self.store.close()
        log.info("till app stopped")


def _write_pngs(write: Any, card_qrs: Any, qr_dir: Any) -> None:
    try:
        write(card_qrs, qr_dir)
    except Exception:  # the PNGs are a convenience; the till works without them
        log.exception("writing the demo's card QR PNGs failed")


def run_app(home: str | None) -> int:
    from pos_member.cli_commands import setup_logging
    from pos_member.ui.application import create_application, show_maximised

    setup_logging(home)
    paths = resolve_paths(home)
    settings = load_settings(paths)
    app, _translators = create_application(settings.language)  # the translators must outlive exec()
    till = TillApp(home, settings=settings)
    try:
        window = till.start()
    except Exception as exc:  # e.g. a store file newer than this app: one sentence, the traceback in the log
        log.exception("the till could not start")
        from pos_member.ui.application import show_fatal

        show_fatal(exc)
        till.shutdown()
        return 3
    show_maximised(window)  # the whole available screen, with or without a window manager
    code = app.exec()
    till.shutdown()
    return code
