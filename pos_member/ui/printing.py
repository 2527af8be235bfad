"""Receipts and card QR prints: through Qt (a preview dialog where the cashier picks any system printer or
"Print to PDF", a named system printer, a PDF file in the data dir) or straight to an ESC/POS thermal printer
(receipts/escpos_out.py, on a worker thread so an offline printer never freezes the till).

What a receipt says comes from pos_member.receipts.model; here it becomes HTML in a QTextDocument, so the
preview, the PDF and the paper say the same as the ESC/POS receipt.

Ownership: QPrintPreviewDialog keeps a bare pointer to its QPrinter and calls back for every repaint, so the
printer and the document belong to the dialog (PrintPreview) and live exactly as long as it does. A QPrinter
or QTextDocument made as a local and handed to a non-modal dialog is freed by Python on return and the next
repaint crashes the process.
"""

from __future__ import annotations

import base64
import html
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QObject, QSizeF, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from pos_member.config import ESCPOS_KINDS, Settings
from pos_member.domain.codes import card_qr_text
from pos_member.receipts.escpos_out import PrinterUnavailable
from pos_member.receipts.escpos_out import print_receipt as escpos_print
from pos_member.receipts.model import Heading, ReceiptDoc, Row, refund_receipt, sale_receipt
from pos_member.services.checkout import SaleResult
from pos_member.services.context import Store
from pos_member.services.lookup import MemberView
from pos_member.services.refunds import RefundResult
from pos_member.ui.names import display_name
from pos_member.ui.tasks import DbWorker

log = logging.getLogger(__name__)

RECEIPT_WIDTH_MM = 80  # the common thermal roll
MARGIN_MM = 3
CARD_WIDTH_MM = 90  # a card QR print: a card-sized block at the top of the page
RECEIPT_QR_PX = 110


class PrintFailed(Exception):
    """Qt could not start printing (no such printer, a PDF path that cannot be written)."""


def receipt_labels() -> dict[str, str]:
    """The receipt model's labels in the till's language."""
    translate = QCoreApplication.translate
    return {
        "cashier": translate("Receipt", "Cashier"), "member": translate("Receipt", "Member"), "sale": translate("Receipt", "Sale"),
        "refund": translate("Receipt", "Refund"), "refund_title": translate("Receipt", "REFUND"),
        "of_sale": translate("Receipt", "Refund of sale {0}"), "bill": translate("Receipt", "Bill"),
        "tier_discount": translate("Receipt", "Tier discount"), "coupon": translate("Receipt", "Coupon {0}"),
        "points_used": translate("Receipt", "Points used ({0})"), "stored_value": translate("Receipt", "Stored value"),
        "to_pay": translate("Receipt", "To pay"), "refunded": translate("Receipt", "Refunded"),
        "cash_back": translate("Receipt", "Cash back"), "stored_value_back": translate("Receipt", "Stored value back"),
        "points_back": translate("Receipt", "Points given back"),
        "clawback": translate("Receipt", "Spent points bought back ({0})"),
        "points_earned": translate("Receipt", "Points earned"), "points_reversed": translate("Receipt", "Points reversed"),
        "points_balance": translate("Receipt", "Points balance"),
        "stored_value_balance": translate("Receipt", "Stored value balance"), "card": translate("Receipt", "Card"),
        "receipt_no": translate("Receipt", "Receipt no."),
    }


@dataclass(frozen=True)
class Receipt:
    """A sale's receipt, as the window keeps it for Ctrl+P / Ctrl+S."""

    store_name: str
    staff_name: str
    business_time: str
    member: MemberView
    sale: SaleResult
    qr_text: str | None = None  # the member's card QR

    @property
    def receipt_id(self) -> str:
        return self.sale.sale_id

    def doc(self) -> ReceiptDoc:
        m = self.member
        heading = Heading(self.store_name, self.staff_name, self.business_time, m.name, m.member_no, m.phone or "")
        names = {line.category: display_name("categories", line.category) for line in self.sale.quote.line_details}
        return sale_receipt(heading, self.sale, receipt_labels(), self.qr_text, names)

    def html(self) -> str:
        return receipt_html(self.doc())


@dataclass(frozen=True)
class RefundReceipt:
    store_name: str
    staff_name: str
    business_time: str
    member_name: str
    member_no: str
    refund: RefundResult

    @property
    def receipt_id(self) -> str:
        return self.refund.refund_id

    def doc(self) -> ReceiptDoc:
        heading = Heading(self.store_name, self.staff_name, self.business_time, self.member_name, self.member_no)
        return refund_receipt(heading, self.refund, receipt_labels())

    def html(self) -> str:
        return receipt_html(self.doc())


def qr_png(qr_text: str, box_size: int = 10) -> bytes:
    """The card's QR as PNG bytes, drawn by the same library the CLI's PNGs use."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(qr_text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_image(qr_text: str) -> QImage:
    image = QImage()
    image.loadFromData(qr_png(qr_text), "PNG")
    return image


def _rows_html(rows: tuple[Row, ...]) -> str:
    out = []
    for row in rows:
        style = " style='font-weight:bold;font-size:12pt'" if row.strong else ""
        value = f"<td align=right>{html.escape(row.value)}</td>" if row.value else ""
        out.append(f"<tr{style}><td>{html.escape(row.label)}</td>{value}</tr>")
    return "".join(out)


def receipt_html(doc: ReceiptDoc) -> str:
    title = f"<h3 align=center>{html.escape(doc.title)}</h3>" if doc.title else ""
    qr = ""
    if doc.qr_text:  # a data URI: the receipt's HTML stands alone in the window, the preview and the PDF
        data = base64.b64encode(qr_png(doc.qr_text, box_size=4)).decode("ascii")
        qr = (f"<p align=center><img src='data:image/png;base64,{data}' "
              f"width={RECEIPT_QR_PX} height={RECEIPT_QR_PX}></p>")
    lines = "<br>".join(html.escape(line) for line in doc.header)
    member = "<br>".join(html.escape(line) for line in doc.member)
    return (
        f"<div style='font-family:\"Noto Sans CJK SC\",sans-serif;font-size:9pt'>"
        f"<h3 align=center>{html.escape(doc.store_name)}</h3>{title}"
        f"<p align=center>{lines}</p><p>{member}</p>"
        f"<table width=100%>{_rows_html(doc.items)}</table><hr>"
        f"<table width=100%>{_rows_html(doc.totals)}</table><hr>"
        f"<table width=100%>{_rows_html(doc.after)}</table>{qr}"
        f"<p align=center style='font-size:7pt'>{html.escape(doc.footer)}</p></div>")


def card_html(member: MemberView, card_no: str, store_name: str) -> str:
    card = QCoreApplication.translate("Receipt", "Card")
    return (f"<div style='font-family:\"Noto Sans CJK SC\",sans-serif' align=center>"
            f"<h3>{html.escape(store_name)}</h3><img src='qr://card' width=220 height=220>"
            f"<p style='font-size:12pt'>{html.escape(member.name)}<br>{card} {html.escape(card_no)}</p></div>")


def document(body_html: str, images: dict[str, QImage] | None = None,
             parent: QObject | None = None) -> QTextDocument:
    doc = QTextDocument(parent)
    for name, image in (images or {}).items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    doc.setHtml(body_html)
    return doc


def _dpi() -> float:
    """The resolution QTextDocument lays out in (the screen's logical dpi)."""
    screen = QGuiApplication.primaryScreen()
    return screen.logicalDotsPerInchX() if screen is not None else 96.0


def _lay_out(printer: QPrinter, doc: QTextDocument, roll: bool) -> None:
    """A roll receipt gets a page exactly as long as its content; a card print a card-wide block."""
    px_per_mm = _dpi() / 25.4
    width_mm = RECEIPT_WIDTH_MM if roll else CARD_WIDTH_MM
    doc.setTextWidth((width_mm - 2 * MARGIN_MM) * px_per_mm)
    if roll:
        height_mm = doc.size().height() / px_per_mm + 2 * MARGIN_MM
        size = QPageSize(QSizeF(RECEIPT_WIDTH_MM, height_mm), QPageSize.Unit.Millimeter, "",
                         QPageSize.SizeMatchPolicy.ExactMatch)
        printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                          QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                          QPageLayout.Unit.Millimeter))


def paint(printer: QPrinter, doc: QTextDocument) -> None:
    """One page, drawn at the document's own scale (QTextDocument.print_ would re-paginate to the page and
    number the pages)."""
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(printer.outputFileName() or printer.printerName())
    try:
        scale = printer.resolution() / _dpi()
        painter.scale(scale, scale)
        doc.drawContents(painter)
    finally:
        painter.end()


def save_pdf(doc: QTextDocument, path: Path, roll: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    _lay_out(printer, doc, roll)
    paint(printer, doc)
    return path


class PrintPreview(QPrintPreviewDialog):
    """A preview that owns its printer and document; from it the cashier prints anywhere or to PDF."""

    def __init__(self, parent: QWidget, body_html: str, images: dict[str, QImage] | None, roll: bool) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        super().__init__(printer, parent)
        self.setObjectName("printPreview")
        self.printer_ = printer  # kept alive with the dialog: Qt holds only a pointer
        self.document_ = document(body_html, images, parent=self)
        _lay_out(printer, self.document_, roll)
        self.paintRequested.connect(self._paint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # large enough that the toolbar's Print button is not folded behind "»" at 1024x768
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.resize(min(1000, area.width() - 40), area.height() - 60)

    def _paint(self, printer: QPrinter) -> None:
        try:
            paint(printer, self.document_)
        except PrintFailed:
            log.warning("the preview could not paint on %s", printer.printerName() or "its printer")


def print_html(parent: QWidget, body_html: str, settings: Settings, roll: bool = True,
               images: dict[str, QImage] | None = None) -> PrintPreview | None:
    """To the system printer settings name, or a non-modal preview. Returns the preview, if one opened.
    Raises PrintFailed when the named printer is not installed or refuses the job."""
    if settings.printer_kind == "system" and settings.receipt_printer:
        name = settings.receipt_printer
        if name not in QPrinterInfo.availablePrinterNames():
            raise PrintFailed(name)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPrinterName(name)
        doc = document(body_html, images)
        _lay_out(printer, doc, roll)
        paint(printer, doc)  # synchronous: printer and doc outlive the call
        return None
    preview = PrintPreview(parent, body_html, images, roll)
    preview.open()
    return preview


def printer_sentence(exc: PrinterUnavailable | PrintFailed) -> str:
    translate = QCoreApplication.translate
    if isinstance(exc, PrintFailed):
        return translate("Printing", "The printer {0} is not available; choose another in Settings (F9).").format(exc)
    sentences = {
        "bad_address": translate("Printing", "The receipt printer address {0} is not valid; correct it in Settings (F9)."),
        "offline": translate("Printing", "The receipt printer {0} does not answer; check that it is on and connected, "
                                 "then print again (Ctrl+P)."),
        "no_usb": translate("Printing", "No USB receipt printer {0} was found; check the cable, then print again (Ctrl+P)."),
        "write_failed": translate("Printing", "The receipt printer {0} stopped while printing; check the paper, "
                                      "then print again (Ctrl+P)."),
    }
    return sentences.get(exc.reason, sentences["offline"]).format(exc.address)


def _escpos_job(doc: ReceiptDoc, kind: str, address: str, kick: bool) -> PrinterUnavailable | None:
    try:
        escpos_print(doc, kind, address, kick)
    except PrinterUnavailable as exc:
        return exc  # a result, not a failure of the worker: the sentence is made on the GUI thread
    return None


class ReceiptPrinting(QObject):
    """Prints the receipts the till makes to the printer settings choose, and says how it went."""

    def __init__(self, parent: QWidget, say: Callable[[str, bool], None]) -> None:
        super().__init__(parent)
        self._parent, self._say = parent, say
        self._thermal: DbWorker | None = None  # one job at a time, off the GUI thread
        self.preview: PrintPreview | None = None

    def print(self, receipt: Receipt | RefundReceipt, settings: Settings) -> None:
        translate = QCoreApplication.translate
        if settings.printer_kind in ESCPOS_KINDS:
            if self._thermal is None:
                self._thermal = DbWorker(self)
            self._say(translate("Printing", "Printing the receipt…"), False)
            self._thermal.run(_escpos_job, receipt.doc(), settings.printer_kind, settings.receipt_printer,
                              settings.drawer_kick, on_done=self._escpos_done, on_error=self._failed)
            return
        try:
            self.preview = print_html(self._parent, receipt.html(), settings)
        except PrintFailed as exc:
            log.warning("printing a receipt failed: %s", exc)
            self._say(printer_sentence(exc), True)

    def _escpos_done(self, problem: PrinterUnavailable | None) -> None:
        if problem is None:
            self._say(QCoreApplication.translate("Printing", "Receipt printed."), False)
        else:
            self._say(printer_sentence(problem), True)

    def _failed(self, exc: Exception) -> None:  # a bug while building the bytes: logged by the worker
        from pos_member.ui.tasks import describe_error

        self._say(describe_error(exc), True)


def member_qr(store: Store, member: MemberView) -> str | None:
    """The member's card QR for the receipt, signed like the printed card (no database read)."""
    if not member.card_no or member.card_version is None:
        return None
    return card_qr_text(store.identity.chain_key, member.card_no, member.card_version)
