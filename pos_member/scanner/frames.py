"""Frame sources: where the scanner's pictures come from.

One interface covers a live camera, a network stream and a file, so the tests (and a demo
without a camera) replay recorded frames through exactly the code path a real camera uses.
Qt-free on purpose: this module must be importable in a process that never loads PySide6.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

log = logging.getLogger(__name__)

# What we ask a USB camera for. 720p is the sweet spot for a counter camera: enough pixels for a
# card held 20-40 cm away, and most UVC cameras deliver it at 30 fps.
CAMERA_WIDTH = 1280
CAMERA_HEIGHT = 720

# A still image has no frame rate of its own; pretend it is a 30 fps camera so a paced replay of
# it behaves like a live feed and an unpaced one is not a busy loop of copies.
STILL_IMAGE_INTERVAL_S = 1 / 30
# Some containers report 0 fps; a file must never look "live" (interval 0), so fall back to this.
DEFAULT_VIDEO_FPS = 25.0

# Network streams can hang forever inside FFmpeg without these; a hung read would also delay stop().
STREAM_OPEN_TIMEOUT_MS = 5000
STREAM_READ_TIMEOUT_MS = 3000
CAMERA_READ_TIMEOUT_MS = 1000

_URL_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://")


class FrameSourceError(Exception):
    """A frame source could not be opened. The message is plain English, fit for a dialog and the log;
    `reason` and `subject` (a camera index, a masked URL, a path) let a UI say it in its own language."""

    def __init__(self, message: str, reason: str = "other", subject: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.subject = subject


@runtime_checkable
class FrameSource(Protocol):
    """Anything that yields BGR frames one by one.

    ``read()`` returns an 8-bit BGR ``ndarray`` (H x W x 3) or ``None`` when the source has ended
    (file) or failed (camera unplugged, stream dropped). Callers treat returned frames as read-only:
    the scan loop hands the same array to the preview and to the decoder.

    ``frame_interval_s`` is a pacing hint: the period of a video file's frame rate (so a replay can
    run at real speed), and 0 for a live source, which paces itself by blocking in ``read()``.
    """

    description: str

    @property
    def frame_interval_s(self) -> float: ...

    def open(self) -> None: ...

    def read(self) -> np.ndarray | None: ...

    def close(self) -> None: ...


def _mask_url(url: str) -> str:
    """Hide a password in ``scheme://user:password@host`` so the description can be logged."""
    return re.sub(r"(://[^/:@]*):[^/@]*@", r"\1:***@", url)


class OpenCVFrameSource:
    """A frame source backed by ``cv2.VideoCapture`` (or ``cv2.imread`` for a still image).

    ``spec`` is what a user types in settings:
      - ``"0"``, ``"1"`` ... a camera index (1280x720 requested);
      - ``rtsp://...``, ``http(s)://...`` a network stream;
      - anything else: a path to a video file, or to an image file that repeats forever.
    """

    def __init__(self, spec: str) -> None:
        self.spec = spec.strip()
        if not self.spec:
            raise FrameSourceError("no camera or file was given", "no_source")
        self._capture: cv2.VideoCapture | None = None
        self._still: np.ndarray | None = None
        self._interval_s = 0.0
        if self.spec.isdigit():
            self.kind = "camera"
            self.description = f"camera {int(self.spec)}"
        elif self.spec.lower().startswith(_URL_SCHEMES):
            self.kind = "stream"
            self.description = f"stream {_mask_url(self.spec)}"
        else:
            # Decided properly at open(): whether a file is an image is known from its content.
            self.kind = "file"
            self.description = f"file {self.spec}"

    @property
    def frame_interval_s(self) -> float:
        return self._interval_s

    @property
    def is_open(self) -> bool:
        return self._capture is not None or self._still is not None

    def open(self) -> None:
        """Open the device or file. Idempotent, so ``open_frame_source`` and the scan loop can both call it.

        Raises FrameSourceError with a message a cashier's manager can act on.
        """
        if self.is_open:
            return
        if self.kind == "camera":
            self._open_camera(int(self.spec))
        elif self.kind == "stream":
            self._open_stream()
        else:
            self._open_file(Path(self.spec).expanduser())
        log.info("frame source opened: %s (interval %.3f s)", self.description, self._interval_s)

    def _open_camera(self, index: int) -> None:
        capture = cv2.VideoCapture(index)
        if not capture.isOpened():
            capture.release()
            raise FrameSourceError(f"no camera at index {index}", "no_camera", str(index))
        # Requests, not guarantees: a camera that cannot do 720p silently picks its nearest mode.
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, CAMERA_WIDTH)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, CAMERA_HEIGHT)
        # A one-frame driver buffer keeps the preview and decoder looking at "now", not at frames
        # queued while we were busy. Backends that do not support it ignore the request.
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        # Bounds how long a stalled camera can block read(), and so how long stop() can take
        # (V4L2's own default is 10 s). Backends without the property ignore it.
        capture.set(cv2.CAP_PROP_READ_TIMEOUT_MSEC, CAMERA_READ_TIMEOUT_MS)
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        self.description = f"camera {index} ({width}x{height})"
        self._capture = capture
        self._interval_s = 0.0

    def _open_stream(self) -> None:
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, STREAM_OPEN_TIMEOUT_MS,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, STREAM_READ_TIMEOUT_MS,
        ]  # fmt: skip
        capture = cv2.VideoCapture(self.spec, cv2.CAP_FFMPEG, params)
        if not capture.isOpened():
            capture.release()
            raise FrameSourceError(f"cannot open the video stream {_mask_url(self.spec)}", "no_stream",
                                   _mask_url(self.spec))
        self._capture = capture
        self._interval_s = 0.0  # a stream is live: it paces itself

    def _open_file(self, path: Path) -> None:
        if not path.exists():
            raise FrameSourceError(f"file not found: {path}", "no_file", str(path))
        if not path.is_file():
            raise FrameSourceError(f"not a file: {path}", "no_file", str(path))
        # Content-based check (magic bytes), so "card.jpg" that is really a video still works.
        if cv2.haveImageReader(str(path)):
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                raise FrameSourceError(f"cannot read the image file {path}", "bad_file", str(path))
            self._still = image
            self._interval_s = STILL_IMAGE_INTERVAL_S
            self.description = f"image file {path.name} ({image.shape[1]}x{image.shape[0]})"
            return
        capture = cv2.VideoCapture(str(path))
        if not capture.isOpened():
            capture.release()
            raise FrameSourceError(f"cannot open the video file {path} (unknown format or damaged)", "bad_file",
                                   str(path))
        fps = capture.get(cv2.CAP_PROP_FPS)
        if not fps or fps != fps or fps <= 0 or fps > 1000:  # 0, NaN or nonsense from the container
            fps = DEFAULT_VIDEO_FPS
        self._capture = capture
        self._interval_s = 1.0 / fps
        self.description = f"video file {path.name} ({fps:g} fps)"

    def read(self) -> np.ndarray | None:
        if self._still is not None:
            # A copy, so a consumer that draws on the preview cannot change what the next read returns.
            return self._still.copy()
        if self._capture is None:
            return None
        ok, frame = self._capture.read()
        if not ok or frame is None:
            return None
        if frame.ndim == 2:  # some backends hand out grey frames; the interface promises BGR
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        return frame

    def close(self) -> None:
        """Release the device. Idempotent. Call it from the thread that reads (OpenCV is not thread-safe)."""
        capture, self._capture = self._capture, None
        self._still = None
        if capture is not None:
            capture.release()
            log.info("frame source closed: %s", self.description)

    def __repr__(self) -> str:
        return f"OpenCVFrameSource({self.description!r})"


def open_frame_source(spec: str) -> FrameSource:
    """Build a frame source from a settings string and open it, so a bad spec fails here, loudly.

    Opening a camera can take a second or more: call this off the GUI thread.
    """
    source = OpenCVFrameSource(spec)
    source.open()
    return source
