"""QR decoders behind one small interface.

A decoder takes an 8-bit single-channel (grayscale) image and returns the texts of the QR codes it
found. Grayscale in, because that is what both libraries work on internally: converting once in the
scan loop saves each decoder doing it, and a benchmark can time the decoders on identical input.

The returned texts are untrusted input: anyone can hold any QR code up to the camera. Parsing and
verifying them is the job of ``pos_member.domain``, not of this module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_DECODER = "zxing"


class DecoderUnavailable(RuntimeError):
    """The decoder's library (or the native library under it) is not installed."""


@runtime_checkable
class Decoder(Protocol):
    name: str

    def decode(self, gray: np.ndarray) -> list[str]: ...


def _check_gray(gray: np.ndarray) -> np.ndarray:
    """Reject the wrong input early and loudly: a BGR frame would be silently misread as garbage."""
    if not isinstance(gray, np.ndarray) or gray.ndim != 2 or gray.dtype != np.uint8:
        shape = getattr(gray, "shape", None)
        dtype = getattr(gray, "dtype", None)
        raise ValueError(f"decoders need an 8-bit single-channel image, got shape {shape} dtype {dtype}")
    # Both libraries read the buffer row by row; a strided view (a crop, a flipped array) must be packed.
    return np.ascontiguousarray(gray)


def _unique(texts: list[str]) -> list[str]:
    """One entry per distinct code, in the order found (a code can be reported twice, e.g. inverted)."""
    return list(dict.fromkeys(texts))


class ZxingDecoder:
    """zxing-cpp: fast and tolerant; the default.

    zxing-cpp's Python API (2.x and 3.x) has no single "try harder" switch; its equivalents are the
    ``try_rotate`` (any orientation), ``try_downscale`` (also scan downscaled copies, which helps
    with big or blurred codes) and ``try_invert`` (light-on-dark, e.g. a phone in dark mode) flags,
    all on here. ``BarcodeFormat.QRCode`` restricts the search to the QR family, which is both faster
    and stops a stray EAN on a product box being reported as a member code.
    """

    name = "zxing"

    def __init__(
        self, *, try_rotate: bool = True, try_downscale: bool = True, try_invert: bool = True
    ) -> None:
        try:
            import zxingcpp
        except ImportError as exc:  # a broken wheel, or an install without it
            raise DecoderUnavailable(
                f"the zxing decoder is not installed (pip install zxing-cpp): {exc}"
            ) from exc
        self._zxing: Any = zxingcpp
        self._options: dict[str, Any] = {
            "formats": zxingcpp.BarcodeFormat.QRCode,
            "try_rotate": try_rotate,
            "try_downscale": try_downscale,
            "try_invert": try_invert,
        }

    def decode(self, gray: np.ndarray) -> list[str]:
        gray = _check_gray(gray)
        # read_barcodes releases the GIL while it works, so the capture thread keeps running.
        results = self._zxing.read_barcodes(gray, **self._options)
        return _unique([r.text for r in results if r.valid and r.text])


class PyzbarDecoder:
    """ZBar through pyzbar: the alternative, for comparison and as a fallback.

    pyzbar loads the native libzbar when its module is imported, so the import happens here, in the
    constructor, and a missing libzbar becomes DecoderUnavailable with install advice instead of an
    ImportError that would take the whole scanner package down with it.

    ZBar has no "try inverted" option reachable from pyzbar, so when a frame yields nothing the
    inverted image is tried as well. That doubles the cost of an empty frame; ``try_invert=False``
    turns it off where no phone in dark mode will ever be shown.
    """

    name = "pyzbar"

    def __init__(self, *, try_invert: bool = True) -> None:
        try:
            from pyzbar import pyzbar
        except (ImportError, OSError) as exc:
            raise DecoderUnavailable(
                "the pyzbar decoder needs the ZBar library: install libzbar0 (Debian/Ubuntu), "
                f"zbar (Homebrew), or use the zxing decoder ({exc})"
            ) from exc
        self._pyzbar: Any = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE]
        self._try_invert = try_invert

    def _read(self, gray: np.ndarray) -> list[str]:
        # ctypes releases the GIL during the zbar call. Bytes -> str: our codes are ASCII; anything
        # else is decoded leniently and left for the member-code parser to refuse.
        symbols = self._pyzbar.decode(gray, symbols=self._symbols)
        return [s.data.decode("utf-8", errors="replace") for s in symbols if s.data]

    def decode(self, gray: np.ndarray) -> list[str]:
        gray = _check_gray(gray)
        texts = self._read(gray)
        if not texts and self._try_invert:
            texts = self._read(np.bitwise_not(gray))
        return _unique(texts)


_FACTORIES: dict[str, Callable[[], Decoder]] = {
    "zxing": ZxingDecoder,
    "pyzbar": PyzbarDecoder,
}


def make_decoder(name: str = DEFAULT_DECODER) -> Decoder:
    """Build a decoder by its settings name. Raises ValueError for an unknown name and
    DecoderUnavailable when the library behind a known name is missing."""
    key = (name or DEFAULT_DECODER).strip().lower()
    factory = _FACTORIES.get(key)
    if factory is None:
        raise ValueError(f"unknown QR decoder {name!r}; choose one of: {', '.join(_FACTORIES)}")
    return factory()


def available_decoders() -> list[str]:
    """Names of the decoders that can actually be built on this machine, default first."""
    names: list[str] = []
    for name in _FACTORIES:
        try:
            make_decoder(name)
        except DecoderUnavailable as exc:
            log.info("QR decoder %s unavailable: %s", name, exc)
            continue
        names.append(name)
    return names
