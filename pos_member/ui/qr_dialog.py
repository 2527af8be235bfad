"""A new or reprinted card's QR on screen, ready to print (Ctrl+P) or save as PDF (Ctrl+S)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from pos_member.services.lookup import MemberView
from pos_member.ui.printing import card_html, document, print_or_preview, qr_image, save_pdf


class QrDialog(QDialog):
    def __init__(self, parent: QWidget, member: MemberView, card_no: str, qr_text: str, store_name: str,
                 pdf_dir: Path, printer_name: str) -> None:
        super().__init__(parent)
        self.setObjectName("qrDialog")
        self.setWindowTitle(self.tr("Card QR"))
        self.card_no, self.qr_text = card_no, qr_text
        self._pdf_dir, self._printer = pdf_dir, printer_name
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

    def _document(self):
        return document(self._html, {"qr://card": self._image})

    def print_card(self) -> None:
        self._preview = print_or_preview(self, self._document(), self._printer, roll=False)

    def save_card_pdf(self) -> Path:
        self.saved = save_pdf(self._document(), self._pdf_dir / f"card-{self.card_no}.pdf", roll=False)
        self.info.setText(self.tr("Saved {0}").format(self.saved))
        return self.saved
