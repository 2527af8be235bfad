"""Benchmark the till window: start to ready, first start, and frame arrival to member panel shown.

    python -m tests.bench.bench_gui [--starts 5] [--first-starts 3] [--presentations 30]

start to ready: a fresh interpreter opens the till on an existing store (the demo store, 200 members)
until the PIN page is up, takes a PIN and has had one event-loop turn; measured from just before the
process is spawned, so Python and PySide6 imports count. Target: the median of 5 <= 1.0 s.

first start: the same on an empty data dir, so the demo store (200 members, half a year of sales) is built
before the PIN page takes a PIN. Target: <= 5 s (the median of 3 is judged; each run is printed).

Both run on a shared machine: the load average before and after, each run's figure and the CPU seconds the
child's GUI thread had used when ready are printed beside the result. Wall time well above the CPU time means the start
waited for a core (other processes on a 2-core box can double a start); the target is on wall time.

frame arrival to member panel: the real window, database worker, scanner QThread, scan loop, zxing decoder
and confirmer, fed by a source that behaves like a 30 fps camera (read() blocks until the next frame is
due). A card is shown for 8 frames, then 12 empty frames, again and again. Each frame carries its index in
two corner pixels, so the decoder wrapper knows which frame it decoded; the code is accepted on the second
decoded frame that shows it, and latency = member panel updated - arrival of that frame. This includes
waiting for the next camera frame (the scan loop hands results over between reads), the decode, the
confirmation, the signal to the GUI thread, the member lookup on the database worker and the panel update.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_READY_S = 1.0  # median of the starts on an existing store
TARGET_FIRST_START_S = 5.0
TARGET_PANEL_P95_MS = 50.0
CAMERA_FPS = 30.0
CARD_FRAMES, BLANK_FRAMES = 8, 12


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _line(name: str, value: str, target: str, ok: bool) -> None:
    print(f"{name:<40} {value:>12}   target {target:<10} {'ok' if ok else 'MISSED'}")


# -- start to ready (child process) ---------------------------------------------------------------

def child_start(home: str) -> int:
    from PySide6.QtCore import QTimer

    from pos_member.app import TillApp
    from pos_member.config import Settings
    from pos_member.ui.application import create_application

    app, _translators = create_application("en")
    till = TillApp(home, settings=Settings(camera_source=""))
    window = till.start()
    window.show()

    def report() -> None:
        # wall clock for the parent; the GUI thread's CPU seconds show how much of the wall time was waiting
        print(f"READY {time.time():.6f} {time.thread_time():.3f}", flush=True)
        window.close()
        app.quit()

    # ready: the PIN field shown and taking keys (at once on an existing store; after the demo is built on a
    # first start, when the window says `ready`), then one more event-loop turn
    if window.signin.pin.isVisible() and window.signin.pin.isEnabled():
        QTimer.singleShot(0, report)
    else:
        window.ready.connect(lambda: QTimer.singleShot(0, report))
    app.exec()
    till.shutdown()
    return 0


def _child_env() -> dict[str, str]:
    """The child as an installed till runs: with its bytecode cached. PYTHONDONTWRITEBYTECODE (set in some
    shells and CI) would make every start compile ~70 modules from source again (~0.1 s)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _timed_start(home: Path) -> tuple[float, float]:
    """(wall seconds from spawn to ready, CPU seconds the child had used by then)."""
    started = time.time()
    out = subprocess.run([sys.executable, "-m", "tests.bench.bench_gui", "--child-start", str(home)],
                         capture_output=True, text=True, check=True, env=_child_env()).stdout
    fields = next(line.split() for line in out.splitlines() if line.startswith("READY"))
    return float(fields[1]) - started, float(fields[2])


def bench_start(home: Path, runs: int) -> list[tuple[float, float]]:
    _timed_start(home)  # untimed: writes the bytecode cache, as the first start after an install does
    return [_timed_start(home) for _ in range(runs)]


def bench_first_start(runs: int) -> list[tuple[float, float]]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-first-") as tmp:
            home = Path(tmp)
            times.append(_timed_start(home))
            if not (home / "store.sqlite3").exists():
                raise RuntimeError("the first start built no demo store")
    return times


def _runs(name: str, runs: list[tuple[float, float]]) -> float:
    walls = [wall for wall, _ in runs]
    print(f"{name} over {len(runs)} runs: " + ", ".join(f"{w:.2f}" for w in walls)
          + f" s (spread {max(walls) - min(walls):.2f} s); GUI thread CPU by then, median "
          + f"{statistics.median(cpu for _, cpu in runs):.2f} s")
    return statistics.median(walls)


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


# -- frame arrival to member panel ------------------------------------------------------------------

class CameraLikeSource:
    """Frames at 30 fps, blocking in read() like a camera; frame index stamped in pixels (0,0) and (0,1)."""

    description = "bench camera (30 fps)"
    frame_interval_s = 0.0  # live: the loop drops frames while the decoder is busy, as with a camera

    def __init__(self, card, blank, presentations: int) -> None:
        self.pattern = [card] * CARD_FRAMES + [blank] * BLANK_FRAMES
        self.total = presentations * len(self.pattern)
        self.arrivals: dict[int, float] = {}
        self.index = 0
        self.next_due = 0.0

    def open(self) -> None:
        self.next_due = time.perf_counter()

    def read(self):
        if self.index >= self.total:
            return None
        delay = self.next_due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        self.next_due += 1.0 / CAMERA_FPS
        frame = self.pattern[self.index % len(self.pattern)].copy()
        frame[0, 0] = self.index // 256
        frame[0, 1] = self.index % 256
        self.arrivals[self.index] = time.perf_counter()
        self.index += 1
        return frame

    def close(self) -> None:
        pass


class IndexedDecoder:
    """The real decoder; remembers which frames it found the code in, in decode order."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.found: list[int] = []
        self.lock = threading.Lock()

    def decode(self, gray):
        index = int(gray[0, 0]) * 256 + int(gray[0, 1])
        texts = self.inner.decode(gray)
        if texts:
            with self.lock:
                self.found.append(index)
        return texts


def _accepting_frames(found: list[int]) -> list[int]:
    """Per presentation, the second decoded frame showing the card (the confirmer's 2-frame rule)."""
    per_presentation: dict[int, list[int]] = {}
    pattern = CARD_FRAMES + BLANK_FRAMES
    for index in found:
        per_presentation.setdefault(index // pattern, []).append(index)
    return [frames[1] for _, frames in sorted(per_presentation.items()) if len(frames) >= 2]


def bench_panel(home: Path, presentations: int) -> tuple[list[float], int]:
    from PySide6.QtWidgets import QApplication

    from pos_member.app import TillApp
    from pos_member.config import Settings
    from pos_member.scanner import make_decoder
    from pos_member.services import cards
    from pos_member.services.context import open_store
    from pos_member.services.demo import DEMO_CASHIER_PIN
    from pos_member.ui.application import create_application
    from tests.scanner_frames import blank_frame, render_qr_frame

    store = open_store(home / "store.sqlite3")
    with store.db.read() as conn:
        card_no = conn.exec_driver_sql("SELECT card_no FROM cards WHERE status = 'active' AND "
                                       "expires_on IS NULL LIMIT 1").scalar_one()
    qr = cards.card_qr(store, card_no).qr
    store.close()
    source = CameraLikeSource(render_qr_frame(qr), blank_frame(), presentations)
    decoder = IndexedDecoder(make_decoder("zxing"))
    app, _translators = create_application("en")
    assert isinstance(app, QApplication)
    till = TillApp(str(home), settings=Settings(camera_source=""),
                   scanner_kwargs={"source_factory": lambda _spec: source, "decoder_factory": lambda _n: decoder})
    window = till.start()
    window.show()
    window.signin.pin.setText(DEMO_CASHIER_PIN)
    window.signin._submit()
    # signed in, and the work the first PIN starts (HQ sync's imports, the daily jobs) is done: the figure
    # is for scanning at a till that is up, not for the first second after the first PIN
    while window.staff is None or till.sync_worker is None or window.worker.pending:
        app.processEvents()
        time.sleep(0.001)
    shown: list[float] = []
    window.member_shown.connect(lambda _view: shown.append(time.perf_counter()))
    window.settings.camera_source = "bench"
    till.start_scanner()
    deadline = time.monotonic() + presentations * (CARD_FRAMES + BLANK_FRAMES) / CAMERA_FPS + 10
    while (source.index < source.total or window.worker.pending) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.0005)
    for _ in range(50):
        app.processEvents()
    accepted = _accepting_frames(decoder.found)
    latencies = [(at - source.arrivals[frame]) * 1000 for frame, at in zip(accepted, shown, strict=False)]
    window.close()
    till.shutdown()
    return latencies, len(accepted)


def _prepare_store(home: Path) -> None:
    from pos_member.services.context import system_clock
    from pos_member.services.demo import create_demo_store_file

    create_demo_store_file(home / "store.sqlite3", 200, home / "qr", system_clock)


def main() -> int:
    parser = argparse.ArgumentParser(description="till window benchmarks")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--first-starts", type=int, default=3)
    parser.add_argument("--presentations", type=int, default=30)
    parser.add_argument("--child-start", metavar="HOME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_start:
        return child_start(args.child_start)
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as tmp:
        home = Path(tmp)
        print("building the demo store (200 members)...", flush=True)
        _prepare_store(home)
        starts = bench_start(home, args.starts)
        first_starts = bench_first_start(args.first_starts)
        load_after = _load()
        latencies, accepted = bench_panel(home, args.presentations)
    print(f"\nmachine: {os.cpu_count()} CPUs; before the starts {load_before}; after them {load_after}")
    ready = _runs("start to ready", starts)
    _line("start to ready, median", f"{ready:.2f} s", f"<= {TARGET_READY_S} s", ready <= TARGET_READY_S)
    first = _runs("first start (demo built)", first_starts)
    _line("first start to ready, median", f"{first:.2f} s", f"<= {TARGET_FIRST_START_S:g} s",
          first <= TARGET_FIRST_START_S)
    print(f"\nscans: {args.presentations} card presentations, {accepted} accepted, {len(latencies)} panels timed")
    if latencies:
        print(f"frame arrival to member panel: median {statistics.median(latencies):.1f} ms, "
              f"max {max(latencies):.1f} ms")
        p95 = _p95(latencies)
        _line("frame arrival to member panel, p95", f"{p95:.1f} ms", f"<= {TARGET_PANEL_P95_MS:g} ms",
              p95 <= TARGET_PANEL_P95_MS and accepted == args.presentations)
    ok = (ready <= TARGET_READY_S and first <= TARGET_FIRST_START_S and bool(latencies)
          and _p95(latencies) <= TARGET_PANEL_P95_MS)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
