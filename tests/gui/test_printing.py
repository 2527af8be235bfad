"""Printing at the till, repeatedly in one session: receipt and refund receipt previews and PDFs, the card
QR's preview and PDF, an ESC/POS printer that is offline, and the settings that choose the printer."""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintPreviewWidget

from pos_member.config import load_settings
from pos_member.receipts.escpos_out import PrinterUnavailable
from pos_member.receipts.model import ENGLISH_LABELS
from pos_member.ui.printing import PrintFailed, printer_sentence, receipt_labels
from tests.conftest import MANAGER_PIN
from tests.gui.conftest import idle, type_code

CTRL = Qt.KeyboardModifier.ControlModifier
POINTS_PER_MM = 72 / 25.4


def pdf_pages(path: Path) -> list[tuple[float, float]]:
    """(width, height) in points of each page of a PDF Qt wrote (its page objects are plain text)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    pages = []
    for match in re.finditer(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)",
                             data, re.S):
        x0, y0, x1, y1 = (float(v) for v in match.groups())
        pages.append((x1 - x0, y1 - y0))
    return pages


def pdf_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext missing: run `make system-deps` (poppler-utils)"
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_image(path: Path, out_dir: Path) -> np.ndarray:
    assert shutil.which("pdftoppm"), "pdftoppm missing: run `make system-deps` (poppler-utils)"
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(path), str(out_dir / "page")],
                   check=True)
    image = QImage(str(out_dir / "page.png")).convertToFormat(QImage.Format.Format_Grayscale8)
    return np.array(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width()]


def manager_approves(qtbot, window) -> None:
    dialog = window.till_actions.dialog
    assert dialog is not None and list(dialog.inputs) == ["manager_pin"]
    qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A window shortcut needs the till window active again once a preview has closed."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.code, key, modifier)


def preview_and_close(qtbot, open_preview, printing_owner) -> None:
    """Open the preview, make it repaint the way a cashier's zoom or page setup does, let Python collect
    everything it holds no reference to, then close it."""
    open_preview()
    qtbot.waitUntil(lambda: printing_owner.preview is not None and printing_owner.preview.isVisible())
    preview = printing_owner.preview
    gc.collect()
    widget = preview.findChild(QPrintPreviewWidget)
    for _ in range(2):
        widget.updatePreview()  # paintRequested again, on the dialog's own printer and document
        gc.collect()
    assert widget.pageCount() == 1
    preview.close()
    qtbot.waitUntil(lambda: not preview.isVisible())
    gc.collect()


def _sell(qtbot, window, people, amount: str) -> None:
    press(qtbot, window, Qt.Key.Key_Escape)  # the next customer
    qtbot.waitUntil(lambda: window.member is None)
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member is not None and window.member.name == "王小明")
    idle(qtbot, window)
    qtbot.keyClicks(window.sale.amount, amount)
    before = window.last_receipt
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.last_receipt is not before and window.last_receipt is not None)
    assert window.message.text().startswith("Sale recorded"), window.message.text()
    idle(qtbot, window)  # the sales list shows the new sale


def test_receipts_and_card_qr_print_again_and_again(qtbot, till_app, window, people, tmp_path):
    _sell(qtbot, window, people, "128.50")
    receipt = window.last_receipt
    for _ in range(3):
        preview_and_close(qtbot, lambda: press(qtbot, window, Qt.Key.Key_P, CTRL), window.till_actions.printing)
        press(qtbot, window, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda: "Receipt saved" in window.message.text())
    pdf = till_app.paths.home / "receipts" / f"{receipt.receipt_id}.pdf"
    ((width, height),) = pdf_pages(pdf)  # one page, as long as the receipt
    assert round(width / POINTS_PER_MM) == 80
    assert 60 < height / POINTS_PER_MM < 200
    text = pdf_text(pdf)  # (poppler maps the CJK font's digits to no text, so labels are checked)
    assert "Points earned" in text and "Points balance" in text and "Stored value balance" in text
    page = pdf_image(pdf, tmp_path)  # the card QR printed on the receipt scans
    assert [code.text for code in zxingcpp.read_barcodes(page)] == [receipt.qr_text]

    # a refund of that sale: its receipt replaces the sale's for Ctrl+P and Ctrl+S
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    dialog = window.till_actions.dialog
    qtbot.keyClicks(dialog.inputs["amount"], "28.50")
    qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.last_receipt is not receipt)
    refund = window.last_receipt
    assert refund.receipt_id == refund.refund.refund_id
    assert "REFUND" in window.receipt.toPlainText() and "Points reversed" in window.receipt.toPlainText()
    for _ in range(2):
        preview_and_close(qtbot, lambda: press(qtbot, window, Qt.Key.Key_P, CTRL), window.till_actions.printing)
    press(qtbot, window, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: "Receipt saved" in window.message.text())
    assert len(pdf_pages(till_app.paths.home / "receipts" / f"{refund.receipt_id}.pdf")) == 1

    # the card QR: preview and PDF, several times, then the dialog closes and the till carries on
    press(qtbot, window, Qt.Key.Key_Q, CTRL | Qt.KeyboardModifier.ShiftModifier)
    manager_approves(qtbot, window)  # printing a member's card needs a manager
    qtbot.waitUntil(lambda: window.till_actions.qr_dialog is not None)
    qr_dialog = window.till_actions.qr_dialog
    for _ in range(3):
        preview_and_close(qtbot, qr_dialog.print_card, qr_dialog)
        assert len(pdf_pages(qr_dialog.save_card_pdf())) == 1
    qr_dialog.close()
    gc.collect()
    _sell(qtbot, window, people, "9.90")  # the app is still up and working
    assert window.isVisible()


def test_an_offline_thermal_printer_is_one_sentence(qtbot, till_app, window, people, tmp_path):
    window.settings.printer_kind = "escpos_file"
    window.settings.receipt_printer = str(tmp_path / "no-such-dir" / "lp0")
    _sell(qtbot, window, people, "50")
    press(qtbot, window, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: "does not answer" in window.message.text())
    assert window.message.property("error") is True

    device = tmp_path / "lp0"
    window.settings.receipt_printer = str(device)
    window.settings.drawer_kick = True
    press(qtbot, window, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: window.message.text() == "Receipt printed.")
    stream = device.read_bytes()
    assert "王小明".encode("gb18030") in stream and b"\x1dV\x00" in stream and b"\x1bp\x00" in stream


def test_settings_choose_the_printer(qtbot, till_app, window):
    press(qtbot, window, Qt.Key.Key_F9)
    manager_approves(qtbot, window)  # settings need a manager
    qtbot.waitUntil(lambda: window.till_actions.dialog is not None and "printer_kind" in window.till_actions.dialog.inputs)
    dialog = window.till_actions.dialog
    kind = dialog.inputs["printer_kind"]
    kind.setCurrentIndex(kind.findData("escpos_network"))
    dialog.inputs["receipt_printer"].setText("192.168.1.50:9100")
    drawer = dialog.inputs["drawer_kick"]
    drawer.setCurrentIndex(drawer.findData(True))
    drawer.setFocus()  # the last field: Enter there saves
    qtbot.keyClick(drawer, Qt.Key.Key_Return)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: window.settings.printer_kind == "escpos_network")
    saved = load_settings(till_app.paths)
    assert (saved.printer_kind, saved.receipt_printer, saved.drawer_kick) == ("escpos_network", "192.168.1.50:9100",
                                                                                True)


@pytest.mark.parametrize("written, kind", [('receipt_printer = "HP_LaserJet"\n', "system"),
                                            ('printer_kind = "carrier pigeon"\n', "preview")])
def test_older_or_bad_printer_settings(till_app, written, kind):
    till_app.paths.config.write_text(written, encoding="utf-8")
    assert load_settings(till_app.paths).printer_kind == kind


def test_receipt_and_printer_words_in_chinese(zh):
    labels = receipt_labels()
    sentences = [printer_sentence(PrinterUnavailable(reason, "192.168.1.50:9100"))
                 for reason in ("bad_address", "offline", "no_usb", "write_failed")]
    sentences.append(printer_sentence(PrintFailed("HP_LaserJet")))
    assert labels.keys() == ENGLISH_LABELS.keys()
    for text in [*labels.values(), *sentences]:
        assert re.search(r"[\u4e00-\u9fff]", text), text
