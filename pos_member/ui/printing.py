"""Receipts and card QR prints through Qt printing: a preview dialog (where the cashier picks any system
printer or "Print to PDF"), a named printer from settings, or a PDF file in the data dir.

The documents are QTextDocuments built from plain HTML, so what is previewed is exactly what prints.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from pos_member.domain.money import format_yuan
from pos_member.services.checkout import SaleResult
from pos_member.services.lookup import MemberView

RECEIPT_WIDTH_MM = 80  # the common thermal roll


@dataclass(frozen=True)
class Receipt:
    store_name: str
    staff_name: str
    business_time: str
    member: MemberView
    sale: SaleResult

    def html(self) -> str:
        q, m = self.sale.quote, self.member
        rows = "".join(
            f"<tr><td>{line.line_no}. {html.escape(line.category)}</td>"
            f"<td align=right>{format_yuan(line.amount_fen)}</td></tr>" for line in q.line_details)

        def row(label: str, value: str, bold: bool = False) -> str:
            style = " style='font-weight:bold;font-size:12pt'" if bold else ""
            return f"<tr{style}><td>{html.escape(label)}</td><td align=right>{html.escape(value)}</td></tr>"

        translate = QCoreApplication.translate
        totals = row(translate("Receipt", "Bill"), format_yuan(q.total_fen))
        if q.discount_fen:
            totals += row(translate("Receipt", "Tier discount"), "-" + format_yuan(q.discount_fen))
        if q.coupon_code:
            totals += row(translate("Receipt", "Coupon {0}").format(q.coupon_code), "-" + format_yuan(q.coupon_fen))
        if q.points_redeemed:
            used = translate("Receipt", "Points used ({0})").format(q.points_redeemed)
            totals += row(used, "-" + format_yuan(q.points_cash_fen))
        if q.stored_value_fen:
            totals += row(translate("Receipt", "Stored value"), "-" + format_yuan(q.stored_value_fen))
        totals += row(translate("Receipt", "To pay"), format_yuan(q.payable_fen), bold=True)
        after = (row(translate("Receipt", "Points earned"), f"+{q.points_earned}")
                 + row(translate("Receipt", "Points balance"), f"{self.sale.points_balance:,}")
                 + row(translate("Receipt", "Stored value balance"), format_yuan(self.sale.stored_value_balance_fen)))
        cashier = QCoreApplication.translate("Receipt", "Cashier")
        member = QCoreApplication.translate("Receipt", "Member")
        sale = QCoreApplication.translate("Receipt", "Sale")
        return (
            f"<div style='font-family:\"Noto Sans CJK SC\",sans-serif;font-size:9pt'>"
            f"<h3 align=center>{html.escape(self.store_name)}</h3>"
            f"<p align=center>{html.escape(self.business_time)}<br>{cashier}: {html.escape(self.staff_name)}</p>"
            f"<p>{member}: {html.escape(m.name)} ({html.escape(m.member_no)})<br>{html.escape(m.phone or '')}</p>"
            f"<table width=100%>{rows}</table><hr><table width=100%>{totals}</table><hr>"
            f"<table width=100%>{after}</table>"
            f"<p align=center style='font-size:7pt'>{sale} {html.escape(self.sale.sale_id)}</p></div>")


def card_html(member: MemberView, card_no: str, store_name: str) -> str:
    card = QCoreApplication.translate("Receipt", "Card")
    return (f"<div style='font-family:\"Noto Sans CJK SC\",sans-serif' align=center>"
            f"<h3>{html.escape(store_name)}</h3><img src='qr://card' width=220 height=220>"
            f"<p style='font-size:12pt'>{html.escape(member.name)}<br>{card} {html.escape(card_no)}</p></div>")


def qr_image(qr_text: str) -> QImage:
    """The card's QR as a QImage, drawn by the same library the CLI's PNGs use."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(qr_text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    image = QImage()
    image.loadFromData(buffer.getvalue(), "PNG")
    return image


def document(body_html: str, images: dict[str, QImage] | None = None) -> QTextDocument:
    doc = QTextDocument()
    for name, image in (images or {}).items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    doc.setHtml(body_html)
    return doc


def _receipt_page(printer: QPrinter, doc: QTextDocument) -> None:
    # a roll: 80 mm wide, as long as the receipt
    doc.setTextWidth(RECEIPT_WIDTH_MM * 3.78)  # mm -> px at 96 dpi
    height_mm = max(100.0, doc.size().height() / 3.78 + 10)
    printer.setPageLayout(QPageLayout(QPageSize(QSizeF(RECEIPT_WIDTH_MM, height_mm), QPageSize.Unit.Millimeter),
                                      QPageLayout.Orientation.Portrait, QMarginsF(3, 3, 3, 3),
                                      QPageLayout.Unit.Millimeter))


def save_pdf(doc: QTextDocument, path: Path, roll: bool = True) -> Path:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    if roll:
        _receipt_page(printer, doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.print_(printer)
    return path


def print_or_preview(parent: QWidget, doc: QTextDocument, printer_name: str, roll: bool = True) -> QPrintPreviewDialog | None:
    """Straight to the named printer when settings name one that exists; otherwise a preview dialog
    (non-blocking) from which any printer or PDF can be chosen. Returns the dialog, if one was opened."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if roll:
        _receipt_page(printer, doc)
    if printer_name and printer_name in QPrinterInfo.availablePrinterNames():
        printer.setPrinterName(printer_name)
        doc.print_(printer)
        return None
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.paintRequested.connect(doc.print_)
    dialog.open()
    return dialog
