"""The camera on its own QThread: the Qt-free ScanLoop, its callbacks turned into signals.

Opening a camera can block for a second or more and decoding takes milliseconds per frame, so none of it
may run on the GUI thread. The preview is scaled down and converted to a QImage here, on the worker thread
(QImage, unlike QPixmap, is safe off the GUI thread), so the GUI only paints.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import QThread, Signal
from PySide6.QtGui import QImage

from pos_member.scanner import (
    CodeConfirmer,
    Decoder,
    DecoderUnavailable,
    FrameSource,
    FrameSourceError,
    ScanLoop,
    ScanStats,
    make_decoder,
    open_frame_source,
)

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 480  # the preview box; scaling here saves the GUI thread a 1280x720 conversion per frame
STOP_WAIT_MS = 3000  # ScanLoop.stop() ends run() in < 0.5 s; a camera stuck in open() may take longer

SourceFactory = Callable[[str], FrameSource]
DecoderFactory = Callable[[str], Decoder]


def to_qimage(frame: np.ndarray, width: int = PREVIEW_WIDTH) -> QImage:
    """A BGR frame as an RGB QImage `width` pixels wide, owning its own copy of the pixels."""
    height = max(1, round(frame.shape[0] * width / frame.shape[1]))
    small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # the numpy buffer dies with this function


class ScannerThread(QThread):
    """One scanning session for one source; build a new one to change source or decoder."""

    preview = Signal(QImage)
    code = Signal(str)
    stats = Signal(object)  # ScanStats
    failed = Signal(str)  # a sentence in the till's language: no camera, the stream dropped, the video ended
    started_scanning = Signal(str)  # the source's description

    def __init__(self, source_spec: str, decoder_name: str, *, replay_pace: bool = True,
                 source_factory: SourceFactory = open_frame_source,
                 decoder_factory: DecoderFactory = make_decoder) -> None:
        super().__init__()
        self.source_spec = source_spec
        self.decoder_name = decoder_name
        self.replay_pace = replay_pace
        self._source_factory = source_factory
        self._decoder_factory = decoder_factory
        self._loop: ScanLoop | None = None
        self._loop_error = False
        self._stop_requested = False
        self.setObjectName("scanner")

    def run(self) -> None:
        try:
            decoder = self._decoder_factory(self.decoder_name)
        except (DecoderUnavailable, ValueError) as exc:
            self.failed.emit(str(exc))
            return
        if not self.source_spec.strip():
            self.failed.emit(self.tr("no camera is set up"))
            return
        try:
            source = self._source_factory(self.source_spec)
        except FrameSourceError as exc:
            log.info("camera not opened: %s", exc.message)
            self.failed.emit(self.source_sentence(exc))
            return
        except Exception as exc:  # an OpenCV backend failing in an unexpected way
            log.exception("opening the camera %r failed", self.source_spec)
            self.failed.emit(self.tr("the camera could not be opened ({0})").format(type(exc).__name__))
            return
        loop = ScanLoop(source, decoder, CodeConfirmer(frames_needed=2),
                        on_preview=self._on_preview, on_code=self.code.emit, on_stats=self.stats.emit,
                        on_error=self._loop_failed, replay_pace=self.replay_pace)
        self._loop = loop
        self._loop_error = False
        if self._stop_requested:  # stop() came while the camera was opening
            loop.stop()
        self.started_scanning.emit(source.description)
        loop.run()  # returns on stop(), at the end of a file, or after on_error
        if not self._stop_requested and not self._loop_error:
            # a video file played to its end (or a source that simply stopped): the box must not keep its
            # last frame as if the camera still watched
            self.failed.emit(self.tr("the video source ended"))

    def _loop_failed(self, english: str) -> None:
        self._loop_error = True
        log.warning("scanner stopped: %s", english)  # the English detail is for the log
        self.failed.emit(self.tr("the camera stopped sending pictures; details are in the log"))

    def source_sentence(self, exc: FrameSourceError) -> str:
        """Why a frame source did not open, in the till's language."""
        sentences = {
            "no_source": self.tr("no camera is set up"),
            "no_camera": self.tr("no camera at index {0}").format(exc.subject),
            "no_stream": self.tr("the video stream {0} could not be opened").format(exc.subject),
            "no_file": self.tr("the file {0} was not found").format(exc.subject),
            "bad_file": self.tr("the file {0} could not be read as video or image").format(exc.subject),
        }
        return sentences.get(exc.reason, self.tr("the camera could not be opened"))

    def _on_preview(self, frame: np.ndarray) -> None:
        self.preview.emit(to_qimage(frame))

    def stop(self) -> None:
        """Stop scanning and wait for the thread to end (the source is released on the worker thread)."""
        self._stop_requested = True
        if self._loop is not None:
            self._loop.stop()
        if self.isRunning() and not self.wait(STOP_WAIT_MS):
            log.warning("scanner thread did not stop within %d ms", STOP_WAIT_MS)


__all__ = ["ScanStats", "ScannerThread", "to_qimage"]
