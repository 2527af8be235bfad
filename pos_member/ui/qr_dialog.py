"""A new or reprinted card's QR on screen, ready to print (Ctrl+P) or save as PDF (Ctrl+S)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_member.config import Settings
from pos_member.services.lookup import MemberView
from pos_member.ui.printing import (
    PrintFailed,
    PrintPreview,
    card_html,
    document,
    print_html,
    printer_sentence,
    qr_image,
    save_pdf,
)

log = logging.getLogger(__name__)


class QrDialog(QDialog):
    def __init__(self, parent: QWidget, member: MemberView, card_no: str, qr_text: str, store_name: str,
                 pdf_dir: Path, settings: Settings) -> None:
        super().__init__(parent)
        self.setObjectName("qrDialog")
        self.setWindowTitle(self.tr("Card QR"))
        self.card_no, self.qr_text = card_no, qr_text
        self._pdf_dir, self._settings = pdf_dir, settings
        self.preview: PrintPreview | None = None
        self._image = qr_image(qr_text)
        self._html = card_html(member, card_no, store_name)
        self.saved: Path | None = None
        picture = QLabel()
        picture.setPixmap(QPixmap.fromImage(self._image).scaled(
            260, 260, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption = QLabel(f"{member.name}\n{self.tr('Card')} {card_no}", objectName="qrCaption")
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.info = QLabel(objectName="hint")
        self.info.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        print_button = QPushButton(self.tr("Print  [Ctrl+P]"))
        pdf_button = QPushButton(self.tr("Save PDF  [Ctrl+S]"))
        buttons.addButton(print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        print_button.clicked.connect(self.print_card)
        pdf_button.clicked.connect(self.save_card_pdf)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_card)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_card_pdf)
        layout = QVBoxLayout(self)
        for widget in (picture, caption, self.info, buttons):
            layout.addWidget(widget)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def print_card(self) -> None:
        # a card goes to a page printer: the system printer when settings name one, else the preview (an
        # ESC/POS roll is for receipts)
        try:
            self.preview = print_html(self, self._html, self._settings, roll=False, images={"qr://card": self._image})
        except PrintFailed as exc:
            log.warning("printing a card QR failed: %s", exc)
            self.info.setText(printer_sentence(exc))

    def save_card_pdf(self) -> Path | None:
        path = self._pdf_dir / f"card-{self.card_no}.pdf"
        try:
            self.saved = save_pdf(document(self._html, {"qr://card": self._image}), path, roll=False)
        except (OSError, PrintFailed) as exc:
            log.warning("saving a card QR PDF failed: %s", exc)
            self.info.setText(self.tr("The PDF could not be saved in {0}.").format(path.parent))
            return None
        self.info.setText(self.tr("Saved {0}").format(self.saved))
        return self.saved
