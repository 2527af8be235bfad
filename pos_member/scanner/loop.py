"""The scan engine: capture frames, decode them on a second thread, report accepted codes.

Qt-free, so it can be tested with plain pytest and driven by any thread: the UI runs ``run()`` on a
worker thread and turns the callbacks into signals. Every callback is invoked on the thread that
called ``run()``; none is ever called from the decode thread, so the confirmer and the callbacks
need no locks.

Two threads, because a frame's decode (5-30 ms) must not stall capture: a camera whose frames are
not read promptly builds up latency in its driver buffer, and the preview would stutter. Both
OpenCV and the decoders release the GIL, so the threads really do run in parallel.

Frame policy, by source kind (``FrameSource.frame_interval_s``):
- live (interval 0: camera, stream) - the source paces itself. A frame that arrives while the
  decoder is busy is DROPPED, never queued: a queue would make the decoder fall further and further
  behind the card the cashier is holding up now.
- file with ``replay_pace=True`` - replayed at the file's frame rate, and treated like a live
  source (same dropping), so a recording reproduces what a camera would have seen.
- file with ``replay_pace=False`` - "as fast as possible": the next frame is read as soon as the
  decoder is free. Nothing arrives while the decoder is busy, so nothing is dropped or queued,
  and a replay gives the same result on every machine; this is what the tests use.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .confirm import CodeConfirmer
from .decoders import Decoder
from .frames import FrameSource, FrameSourceError

log = logging.getLogger(__name__)

PREVIEW_FPS = 15.0  # enough for a smooth-looking preview; more would only load the GUI thread
STATS_INTERVAL_S = 1.0  # how often on_stats is called (a status-bar figure)
LOG_INTERVAL_S = 5.0  # how often the figures are written to the log
MAX_LIVE_READ_FAILURES = 10  # consecutive failed reads before a camera counts as gone
READ_RETRY_S = 0.05  # pause between failed live reads (a USB camera can hiccup once or twice)
IDLE_POLL_S = 0.05  # how often waits re-check stop(); bounds stop() latency in those waits
DRAIN_TIMEOUT_S = 5.0  # at the end of a file, how long to wait for the last frame's decode
WORKER_JOIN_TIMEOUT_S = 0.2  # stop() must end run() in < 0.5 s even if a decode is mid-way


@dataclass(frozen=True, slots=True)
class ScanStats:
    capture_fps: float  # frames read from the source per second, over the last interval
    decode_fps: float  # frames decoded per second, over the last interval
    frames_dropped: int  # since run() started: frames skipped because the decoder was busy
    last_decode_ms: float | None  # time of the latest decoder.decode() call; None before the first
    frames_captured: int = 0  # since run() started
    frames_decoded: int = 0  # since run() started


@dataclass(frozen=True, slots=True)
class _DecodeResult:
    texts: list[str]
    decode_ms: float
    error: BaseException | None


class _DecodeWorker(threading.Thread):
    """Decodes one frame at a time. It holds at most one frame: the single-slot hand-over is what
    makes the capture side drop rather than queue."""

    def __init__(self, decoder: Decoder) -> None:
        super().__init__(name="scanner-decode", daemon=True)  # daemon: never keeps the app alive
        self._decoder = decoder
        self._cond = threading.Condition()
        self._pending: np.ndarray | None = None
        self._busy = False
        self._closed = False
        self._results: list[_DecodeResult] = []

    def try_submit(self, frame: np.ndarray) -> bool:
        """Hand a frame over if the decoder is free; False means the caller should drop it."""
        with self._cond:
            if self._busy or self._closed:
                return False
            self._pending = frame
            self._busy = True
            self._cond.notify_all()
            return True

    def wait_idle(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: not self._busy or self._closed, timeout)

    def take_results(self) -> list[_DecodeResult]:
        with self._cond:
            results, self._results = self._results, []
            return results

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._pending = None
            self._cond.notify_all()

    def run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    return
                frame, self._pending = self._pending, None
            assert frame is not None
            texts: list[str] = []
            error: BaseException | None = None
            # Grayscale here rather than on the capture thread: capture stays as lean as possible.
            gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            started = time.perf_counter()
            try:
                texts = self._decoder.decode(gray)
            except Exception as exc:  # reported on the loop's thread, never swallowed
                error = exc
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            with self._cond:
                self._results.append(_DecodeResult(texts, elapsed_ms, error))
                self._busy = False
                self._cond.notify_all()


class _RateWindow:
    """Frames per second over the time since the last ``take()``."""

    def __init__(self, now: float) -> None:
        self._since = now
        self._captured = 0
        self._decoded = 0

    def take(self, now: float, captured: int, decoded: int) -> tuple[float, float]:
        elapsed = max(now - self._since, 1e-9)
        rates = ((captured - self._captured) / elapsed, (decoded - self._decoded) / elapsed)
        self._since, self._captured, self._decoded = now, captured, decoded
        return rates


def _ignore(*_args: object) -> None:
    return None


class ScanLoop:
    """Run ``run()`` on a worker thread; call ``stop()`` from any thread. One run per instance.

    Frames passed to ``on_preview`` are shared with the decoder: treat them as read-only (copy
    before drawing on them).
    """

    def __init__(
        self,
        source: FrameSource,
        decoder: Decoder,
        confirmer: CodeConfirmer,
        *,
        on_preview: Callable[[np.ndarray], None] | None = None,
        on_code: Callable[[str], None] | None = None,
        on_stats: Callable[[ScanStats], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        replay_pace: bool = True,
        preview_fps: float = PREVIEW_FPS,
        stats_interval_s: float = STATS_INTERVAL_S,
        log_interval_s: float = LOG_INTERVAL_S,
    ) -> None:
        self._source = source
        self._decoder = decoder
        self._confirmer = confirmer
        self._on_preview = on_preview or _ignore
        self._on_code = on_code or _ignore
        self._on_stats = on_stats or _ignore
        self._on_error = on_error or _ignore
        self.replay_pace = replay_pace
        self._preview_interval_s = 1.0 / preview_fps if preview_fps > 0 else float("inf")
        self._stats_interval_s = stats_interval_s
        self._log_interval_s = log_interval_s
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._started = False
        self._captured = 0
        self._decoded = 0
        self._dropped = 0
        self._last_decode_ms: float | None = None

    # -- control, from any thread ------------------------------------------------------------

    def stop(self) -> None:
        """Ask ``run()`` to return. Thread-safe and non-blocking; ``wait()`` to know it has."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until ``run()`` has returned and released the source; False on timeout."""
        return self._finished.wait(timeout)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- the loop, on the worker thread --------------------------------------------------------

    def run(self) -> None:
        if self._started:
            raise RuntimeError("a ScanLoop runs once; build a new one to scan again")
        self._started = True
        worker: _DecodeWorker | None = None
        try:
            if self._stop.is_set():
                return
            try:
                self._source.open()  # idempotent, so an already opened source is fine
            except FrameSourceError as exc:
                self._emit(self._on_error, exc.message)
                return
            worker = _DecodeWorker(self._decoder)
            worker.start()
            log.info("scanner started: %s, decoder %s", self._source.description, self._decoder.name)
            self._capture_loop(worker)
        except Exception as exc:  # an unexpected failure must reach the UI, not die with the thread
            log.exception("scanner loop failed")
            self._emit(self._on_error, f"the scanner stopped after an error: {exc}")
        finally:
            if worker is not None:
                worker.close()
                worker.join(WORKER_JOIN_TIMEOUT_S)  # a decode mid-way finishes on its own (daemon)
            try:
                self._source.close()
            finally:
                log.info(
                    "scanner stopped: %d frames captured, %d decoded, %d dropped",
                    self._captured, self._decoded, self._dropped,
                )  # fmt: skip
                self._finished.set()

    def _capture_loop(self, worker: _DecodeWorker) -> None:
        interval = max(0.0, float(self._source.frame_interval_s))
        live = interval == 0.0
        paced = not live and self.replay_pace
        lossless = not live and not self.replay_pace
        failures = 0
        now = time.monotonic()
        next_due = now
        next_preview = now
        stats_window, log_window = _RateWindow(now), _RateWindow(now)
        next_stats, next_log = now + self._stats_interval_s, now + self._log_interval_s

        while not self._stop.is_set():
            if lossless and not self._wait_for_decoder(worker, timeout=None):
                return
            if paced:
                delay = next_due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    return
                # Schedule from the due time so the average rate is the file's, but never catch up
                # after a stall with a burst of frames.
                next_due = max(next_due + interval, time.monotonic())

            try:
                frame = self._source.read()
            except Exception as exc:  # cv2.error from a misbehaving driver
                self._emit(self._on_error, f"{self._source.description}: reading a frame failed: {exc}")
                return
            if self._stop.is_set():
                return
            if not self._deliver(worker):
                return

            if frame is None:
                if live:
                    failures += 1
                    if failures >= MAX_LIVE_READ_FAILURES:
                        self._emit(self._on_error, f"{self._source.description} stopped delivering frames")
                        return
                    if self._stop.wait(READ_RETRY_S):
                        return
                    continue
                # End of file: let the last submitted frame finish so a code on it still counts.
                if self._wait_for_decoder(worker, timeout=DRAIN_TIMEOUT_S):
                    self._deliver(worker)
                return

            failures = 0
            self._captured += 1
            if not worker.try_submit(frame):
                self._dropped += 1

            now = time.monotonic()
            if now >= next_preview:
                self._emit(self._on_preview, frame)
                # Deadline scheduling keeps the average at preview_fps despite frame-time jitter;
                # the clamp stops a burst after a stall.
                next_preview = max(
                    next_preview + self._preview_interval_s, now - self._preview_interval_s / 2
                )
            if now >= next_stats:
                self._emit_stats(stats_window, now)
                next_stats = now + self._stats_interval_s
            if now >= next_log:
                capture_fps, decode_fps = log_window.take(now, self._captured, self._decoded)
                log.info(
                    "scanner %s: capture %.1f fps, decode %.1f fps, %d dropped, last decode %s ms",
                    self._source.description, capture_fps, decode_fps, self._dropped,
                    "-" if self._last_decode_ms is None else f"{self._last_decode_ms:.1f}",
                )  # fmt: skip
                next_log = now + self._log_interval_s

    def _wait_for_decoder(self, worker: _DecodeWorker, timeout: float | None) -> bool:
        """Wait until the decoder is free, re-checking stop() often. False if stopped or timed out."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._stop.is_set():
            if worker.wait_idle(IDLE_POLL_S):
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return False

    def _deliver(self, worker: _DecodeWorker) -> bool:
        """Feed finished decodes to the confirmer and report accepted codes. False if the decoder broke."""
        for result in worker.take_results():
            if result.error is not None:
                log.error("QR decoder %s failed", self._decoder.name, exc_info=result.error)
                self._emit(self._on_error, f"the {self._decoder.name} QR decoder failed: {result.error}")
                return False
            self._decoded += 1
            self._last_decode_ms = result.decode_ms
            for code in self._confirmer.feed(result.texts):
                if self._stop.is_set():  # the UI has moved on; do not hand it a late code
                    return True
                self._emit(self._on_code, code)
        return True

    def _emit_stats(self, window: _RateWindow, now: float) -> None:
        capture_fps, decode_fps = window.take(now, self._captured, self._decoded)
        stats = ScanStats(
            capture_fps=capture_fps,
            decode_fps=decode_fps,
            frames_dropped=self._dropped,
            last_decode_ms=self._last_decode_ms,
            frames_captured=self._captured,
            frames_decoded=self._decoded,
        )
        self._emit(self._on_stats, stats)

    @staticmethod
    def _emit(callback: Callable[..., None], *args: object) -> None:
        # A bug in a UI callback must not kill scanning for the rest of the shift: log it, go on.
        try:
            callback(*args)
        except Exception:
            log.exception("scanner callback %s failed", getattr(callback, "__name__", callback))
