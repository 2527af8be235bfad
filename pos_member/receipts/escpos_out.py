"""A receipt as ESC/POS bytes for an 80 mm thermal printer, and those bytes sent to the printer over the
network (raw port 9100), USB (vendor:product) or a file/device path such as /dev/usb/lp0.

The whole receipt is built first on python-escpos's Dummy backend and then sent in one write: a printer
that is offline fails before a single line comes out, and tests see exactly the bytes the printer gets.
Text goes as GB18030 after FS & (the double-byte mode of Chinese thermal printers); ASCII is the same in
GB18030, so English receipts print on any ESC/POS printer. The card QR goes as a raster image (GS v 0),
which every ESC/POS printer prints, rather than the native QR command some models lack.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pos_member.receipts.model import ReceiptDoc, Row

if TYPE_CHECKING:  # python-escpos loads its printer database (~0.4 s) on import: not on the till's start path
    from escpos.printer import Dummy
    from PIL import Image

log = logging.getLogger(__name__)

LINE_CHARS = 48  # font A on 80 mm paper: 576 dots / 12
# a generic 203 dpi, 576-dot 80 mm printer: the commonest thermal head; it gives images their width
PROFILE = "TM-T20II"
DOUBLE_BYTE_MODE = b"\x1c\x26"  # FS &: Chinese characters on
ENCODING = "gb18030"
CONNECT_TIMEOUT_S = 5.0  # a cashier waits this long at most for an offline printer


@dataclass(eq=False)  # an exception compares and hashes by identity
class PrinterUnavailable(Exception):
    """The receipt did not reach the printer. `reason`: bad_address | offline | no_usb | write_failed."""

    reason: str
    address: str
    detail: str = ""

    def __str__(self) -> str:
        return f"printer {self.address!r}: {self.reason} ({self.detail})"


def display_width(text: str) -> int:
    """Columns on the paper: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def two_columns(left: str, right: str, width: int = LINE_CHARS) -> str:
    """Label at the left, value at the right edge; a label too long for both goes on a line of its own."""
    gap = width - display_width(left) - display_width(right)
    if gap >= 1:
        return left + " " * gap + right
    return left + "\n" + " " * max(0, width - display_width(right)) + right


def qr_raster(qr_text: str, box_dots: int = 6) -> Image.Image:
    """The card QR as a 1-bit image: error correction M and a 4-module quiet zone, as on the printed card."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_dots, border=4)
    code.add_data(qr_text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("1")


def _text(printer: Dummy, text: str) -> None:
    printer._raw(text.encode(ENCODING, errors="replace"))


def _rows(printer: Dummy, rows: tuple[Row, ...]) -> None:
    for row in rows:
        printer.set(bold=row.strong)
        _text(printer, (two_columns(row.label, row.value) if row.value else row.label) + "\n")
    printer.set(bold=False)


def receipt_bytes(doc: ReceiptDoc, kick_drawer: bool = False) -> bytes:
    """The receipt's whole byte stream, ending in a paper cut; the drawer kick only when asked and cash moved."""
    from escpos.printer import Dummy

    p = Dummy(profile=PROFILE)
    p.hw("INIT")
    p._raw(DOUBLE_BYTE_MODE)
    if kick_drawer and doc.cash_fen > 0:  # first, so the drawer is open while the receipt prints
        p.cashdraw(2)
    rule = "-" * LINE_CHARS + "\n"
    p.set(align="center", bold=True, double_height=True, double_width=True)
    _text(p, doc.store_name + "\n")
    if doc.title:
        _text(p, doc.title + "\n")
    p.set(align="center", bold=False, normal_textsize=True)
    _text(p, "\n".join(doc.header) + "\n")
    p.set(align="left")
    _text(p, "\n".join(doc.member) + "\n" + rule)
    _rows(p, doc.items)
    _text(p, rule)
    _rows(p, doc.totals)
    _text(p, rule)
    _rows(p, doc.after)
    p.set(align="center")
    if doc.qr_text:
        p.image(qr_raster(doc.qr_text), center=True)
    p.set(align="center", font="b")
    _text(p, doc.footer + "\n")
    p.set(align="left", font="a")
    p.cut()
    return bytes(p.output)


def _network(address: str):
    from escpos.printer import Network

    host, _, port = address.strip().rpartition(":") if ":" in address else (address.strip(), "", "9100")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise PrinterUnavailable("bad_address", address, "expected host or host:port")
    return Network(host, int(port), timeout=CONNECT_TIMEOUT_S)


def _usb(address: str):
    from escpos.printer import Usb

    vendor, _, product = address.strip().partition(":")
    try:
        return Usb(int(vendor, 16), int(product, 16))
    except ValueError as exc:
        raise PrinterUnavailable("bad_address", address, "expected vendor:product in hex, e.g. 04b8:0202") from exc


def _file(address: str):
    from escpos.printer import File

    if not address.strip():
        raise PrinterUnavailable("bad_address", address, "no path")
    return File(address.strip())


def send(data: bytes, kind: str, address: str) -> None:
    """Write the bytes to the printer, or raise PrinterUnavailable with a reason (the cause is logged)."""
    makers = {"escpos_network": _network, "escpos_usb": _usb, "escpos_file": _file}
    if kind not in makers:
        raise PrinterUnavailable("bad_address", address, f"unknown printer kind {kind!r}")
    printer = makers[kind](address)
    try:
        printer.open()
    except Exception as exc:  # escpos wraps some causes, and pyusb without libusb raises its own error
        log.warning("receipt printer %s %s could not be opened: %s", kind, address, exc)
        raise PrinterUnavailable("no_usb" if kind == "escpos_usb" else "offline", address, str(exc)) from exc
    try:
        printer._raw(data)
    except Exception as exc:
        log.warning("receipt printer %s %s failed while printing: %s", kind, address, exc)
        raise PrinterUnavailable("write_failed", address, str(exc)) from exc
    finally:
        try:
            printer.close()
        except Exception:  # closing a broken connection must not hide what went wrong
            log.debug("closing the printer failed", exc_info=True)


def print_receipt(doc: ReceiptDoc, kind: str, address: str, kick_drawer: bool = False) -> None:
    send(receipt_bytes(doc, kick_drawer), kind, address)
