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
from typing import TYPE_CHECKING, Any, Protocol

from pos_member.config import Paths, Settings, load_settings, resolve_paths
from pos_member.services.context import Clock, Store, open_store, system_clock

if TYPE_CHECKING:
    from pos_member.ui.scanner_worker import ScannerThread
    from pos_member.ui.tasks import DbWorker
    from pos_member.ui.window import TillWindow

log = logging.getLogger(__name__)

DEMO_MEMBERS = 200
JOBS_CHECK_MS = 3_600_000  # hourly: the jobs for a new date run once, soon after midnight


class Stoppable(Protocol):
    def stop(self) -> None: ...


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

    def start(self) -> TillWindow:
        """Open the store, show the window, start the camera; the demo store is built on a first start."""
        from pos_member.ui.tasks import DbWorker
        from pos_member.ui.window import TillWindow

        self.store = open_store(self.paths.db, self.clock)
        self.worker = DbWorker()
        window = TillWindow(self.store, self.worker, self.settings, self.paths)
        self.window = window
        window.closing.connect(self.shutdown)
        window.settings_changed.connect(self._settings_changed)
        if self.store.initialised:
            window.show_sign_in(self._pin_hint())
            self.start_background()
        else:
            window.show_preparing()

            def ready(_summary: Any) -> None:
                window.show_sign_in(self._pin_hint())
                self.start_background()

            self.worker.run(self._build_demo, on_done=ready, on_error=lambda exc: window.signin.preparing(str(exc)))
        self.start_scanner()
        return window

    # -- background work: HQ sync and the jobs time drives -------------------------------------------------

    def start_background(self) -> None:
        """The sync worker (its own thread and connection) and the daily jobs (on the database worker, at
        start for any nights missed while the till was off, then hourly: each date runs once)."""
        from PySide6.QtCore import QTimer

        from pos_member.services.sync_worker import SyncWorker

        if self.start_sync:
            self.sync_worker = SyncWorker(self.paths.db, self.paths.home / "sync.lock",
                                          self.settings.sync_interval_min * 60, self.settings.nightly_sync_at,
                                          clock=self.clock,
                                          on_status=self.window.sync_monitor.report if self.window else None)
            self.sync_worker.start()
            if self.window is not None:
                self.window.sync_now = self.sync_worker.sync_now
        self.run_due_jobs()
        self._jobs_timer = QTimer(self.window, interval=JOBS_CHECK_MS)
        self._jobs_timer.timeout.connect(self.run_due_jobs)
        self._jobs_timer.start()

    def run_due_jobs(self) -> None:
        from pos_member.services.jobs import run_due_jobs

        if self.worker is None or self.store is None:
            return
        self.worker.run(run_due_jobs, self.store, self.clock().date(),
                        on_done=lambda days: days and log.info("jobs run for %s", ", ".join(days)),
                        on_error=lambda exc: log.warning("nightly jobs failed: %s", exc))

    def _build_demo(self) -> Any:
        from pos_member.services.demo import build_demo_store

        assert self.store is not None
        return build_demo_store(self.store, self.demo_members, self.paths.qr_dir)

    def _pin_hint(self) -> str:
        from pos_member.services.demo import DEMO_CASHIER_PIN, DEMO_MANAGER_PIN
        from pos_member.ui.window import TillWindow

        assert self.store is not None
        if self.store.identity.store_name.startswith("Demo Store"):
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
