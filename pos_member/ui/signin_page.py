"""The first page: "preparing the demo store" on a first start, then the staff PIN."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget


class SignInPage(QWidget):
    pin_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QFrame(objectName="signInBox")
        self.title = QLabel(objectName="signInTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt = QLabel(self.tr("Staff PIN"))
        self.pin = QLineEdit(objectName="staffPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,8}"), self.pin))
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.returnPressed.connect(self._submit)
        self.message = QLabel(objectName="error")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(objectName="hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        inner = QVBoxLayout(box)
        for widget in (self.title, self.prompt, self.pin, self.message, self.hint):
            inner.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def preparing(self, text: str) -> None:
        self.title.setText(text)
        self.prompt.hide()
        self.pin.hide()
        self.message.clear()

    def ask_pin(self, store_name: str, hint: str = "") -> None:
        self.title.setText(store_name)
        self.prompt.show()
        self.pin.show()
        self.pin.setEnabled(True)
        self.pin.clear()
        self.hint.setText(hint)
        self.pin.setFocus()

    def _submit(self) -> None:
        if self.pin.text():
            self.pin.setEnabled(False)  # one check at a time; argon2 takes ~20 ms per staff row
            self.message.clear()
            self.pin_entered.emit(self.pin.text())

    def refused(self, message: str) -> None:
        self.message.setText(message)
        self.pin.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()
