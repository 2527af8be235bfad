"""Test helpers that draw member-card QR codes into camera-sized frames and write short videos.

Shared by the scanner unit tests and the GUI tests, so a replayed "camera" always looks the same:
a 1280x720 BGR frame of a plain counter with a white card (the QR plus its quiet zone) on it.
Deliberately clean: these frames test the plumbing; tests/bench/degraded_frames.py makes hard ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np
import qrcode
from qrcode.constants import ERROR_CORRECT_M

FRAME_WIDTH = 1280
FRAME_HEIGHT = 720
# Shape of a printed card's payload: version . card number . card version . signature.
SAMPLE_CODE = "PM1.0010100000017.1.ABCDEFGHIJKLMNOP"
OTHER_CODE = "PM1.0010100000025.2.QRSTUVWXYZ234567"
QUIET_ZONE_MODULES = 4  # the QR standard's margin; printed cards keep it


def qr_modules(text: str, *, error_correction: int = ERROR_CORRECT_M) -> np.ndarray:
    """The QR symbol as a square bool array, True = dark module, without a quiet zone."""
    qr = qrcode.QRCode(error_correction=error_correction, box_size=1, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=bool)


def qr_image(
    text: str, *, size_px: int = 300, invert: bool = False, quiet_modules: int = QUIET_ZONE_MODULES
) -> np.ndarray:
    """A grayscale image of the code with its quiet zone; the symbol is about ``size_px`` wide.

    Modules are whole pixels (nearest size to ``size_px``) so the code is crisp, like a print.
    ``invert`` gives light modules on a dark ground, like a phone app in dark mode.
    """
    modules = qr_modules(text)
    module_px = max(1, round(size_px / modules.shape[0]))
    padded = np.pad(modules, quiet_modules, constant_values=False)
    dark, light = (235, 20) if invert else (20, 245)
    image = np.where(padded, dark, light).astype(np.uint8)
    return cv2.resize(image, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


def blank_frame(*, shade: int = 110) -> np.ndarray:
    """An empty counter: a brownish-grey surface lit a little unevenly (brighter at the top)."""
    ramp = np.linspace(1.1, 0.85, FRAME_HEIGHT, dtype=np.float32)[:, None, None]
    tint = np.array([0.9, 1.0, 1.08], dtype=np.float32)  # BGR: a warm wood-ish grey
    frame = np.clip(shade * ramp * tint * np.ones((1, FRAME_WIDTH, 1), np.float32), 0, 255)
    return frame.astype(np.uint8)


def render_qr_frame(
    text: str | Sequence[str],
    *,
    size_px: int = 300,
    center: tuple[int, int] | None = None,
    invert: bool = False,
) -> np.ndarray:
    """A 1280x720 BGR frame with the code(s) on a blank counter.

    One text goes in the middle (or at ``center``); several texts are spread left to right.
    """
    texts = [text] if isinstance(text, str) else list(text)
    frame = blank_frame()
    for i, item in enumerate(texts):
        card = cv2.cvtColor(qr_image(item, size_px=size_px, invert=invert), cv2.COLOR_GRAY2BGR)
        if center is not None and len(texts) == 1:
            cx, cy = center
        else:
            cx, cy = FRAME_WIDTH * (2 * i + 1) // (2 * len(texts)), FRAME_HEIGHT // 2
        h, w = card.shape[:2]
        x0, y0 = cx - w // 2, cy - h // 2
        if x0 < 0 or y0 < 0 or x0 + w > FRAME_WIDTH or y0 + h > FRAME_HEIGHT:
            raise ValueError(f"a {w}x{h} code at {cx},{cy} does not fit in the frame")
        frame[y0 : y0 + h, x0 : x0 + w] = card
    return frame


def write_video(path: str | Path, frames: Iterable[np.ndarray], *, fps: float = 25.0) -> Path:
    """Write BGR 1280x720 frames as MJPG in an .avi (the codec OpenCV always has built in)."""
    path = Path(path)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (FRAME_WIDTH, FRAME_HEIGHT))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write MJPG video to {path}")
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return path


def write_qr_video(
    path: str | Path,
    text: str = SAMPLE_CODE,
    *,
    blank_before: int = 10,
    qr_frames: int = 10,
    blank_after: int = 10,
    fps: float = 25.0,
    size_px: int = 300,
) -> Path:
    """A short recording: an empty counter, then a card held up for ``qr_frames`` frames, then empty."""
    blank = blank_frame()
    card = render_qr_frame(text, size_px=size_px)
    frames = [blank] * blank_before + [card] * qr_frames + [blank] * blank_after
    return write_video(path, frames, fps=fps)
