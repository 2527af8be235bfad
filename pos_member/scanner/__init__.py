"""Qt-free QR scanning: frame sources, decoders, confirmation of repeated reads, the scan loop.

Never import PySide6 (or anything that does) from this package: the UI wraps it, not the other way
round, and a test imports it in a fresh interpreter to make sure no Qt module comes along.
"""

from .confirm import CodeConfirmer
from .decoders import (
    DEFAULT_DECODER,
    Decoder,
    DecoderUnavailable,
    PyzbarDecoder,
    ZxingDecoder,
    available_decoders,
    make_decoder,
)
from .frames import FrameSource, FrameSourceError, OpenCVFrameSource, open_frame_source
from .loop import ScanLoop, ScanStats

__all__ = [
    "DEFAULT_DECODER",
    "CodeConfirmer",
    "Decoder",
    "DecoderUnavailable",
    "FrameSource",
    "FrameSourceError",
    "OpenCVFrameSource",
    "PyzbarDecoder",
    "ScanLoop",
    "ScanStats",
    "ZxingDecoder",
    "available_decoders",
    "make_decoder",
    "open_frame_source",
]
