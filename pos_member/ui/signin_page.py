"""The first page: "preparing the demo store" (with its progress) on a first start, then the staff PIN.

The page only shows what the sign-in service decided: a wrong PIN, or the wait after too many in a row
(services/staff.py keeps the count in the store file, so a restart does not reset it). The countdown
here is display only; when it ends the next PIN goes to the service, which checks the time again.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from pos_member.domain.errors import SignInLocked, WrongPin


class SignInPage(QWidget):
    pin_entered = Signal(str)
    progress_reported = Signal(int, int)  # (done, total) from the thread building the demo store

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._demo_hint = ""
        self._locked_s = 0
        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self._tick)
        box = QFrame(objectName="signInBox")
        self.title = QLabel(objectName="signInTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner = QLabel(self.tr("Demo store: for trying the till, not for real sales."),
                                  objectName="demoBanner")
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner.setWordWrap(True)
        self.demo_banner.hide()
        self.progress = QProgressBar(objectName="preparingProgress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.progress_reported.connect(self.show_progress)
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
        for widget in (self.title, self.demo_banner, self.progress, self.prompt, self.pin, self.message, self.hint):
            inner.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    # -- first start -------------------------------------------------------------------------------

    def preparing(self, text: str) -> None:
        self.title.setText(text)
        self.prompt.hide()
        self.pin.hide()
        self.message.clear()
        self.progress.setRange(0, 0)  # busy until the first figure arrives
        self.progress.show()

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def preparing_failed(self, exc: Exception) -> None:
        from pos_member.ui.tasks import describe_error

        self.progress.hide()
        self.message.setText(self.tr("The demo store could not be built: {0}").format(describe_error(exc)))

    def set_demo(self, hint: str) -> None:
        """A demo store: the banner and the demo PINs stay on this page for every sign-in."""
        self._demo_hint = hint

    def window_title(self) -> str:
        if self._demo_hint:
            return self.tr("Demo store — Till — pos-member")
        return self.tr("Till — pos-member")

    # -- PIN ---------------------------------------------------------------------------------------

    def ask_pin(self, store_name: str, hint: str = "") -> None:
        self.title.setText(store_name)
        self.progress.hide()
        self.demo_banner.setVisible(bool(self._demo_hint))
        self.prompt.show()
        self.pin.show()
        self.pin.clear()
        self.hint.setText(hint or self._demo_hint)
        if self._locked_s <= 0:
            self.message.clear()
            self.pin.setEnabled(True)
            self.pin.setFocus()

    def _submit(self) -> None:
        if self.pin.text() and self._locked_s <= 0:
            self.pin.setEnabled(False)  # one check at a time; argon2 takes ~20 ms per staff row
            self.message.clear()
            self.pin_entered.emit(self.pin.text())

    def refused(self, message: str) -> None:
        self.message.setText(message)
        self.pin.setEnabled(True)
        self.pin.clear()
        self.pin.setFocus()

    def sign_in_refused(self, exc: Exception) -> None:
        """The service said no: a wrong PIN (and how many tries are left before a wait), or a wait."""
        from pos_member.ui.tasks import describe_error

        if isinstance(exc, SignInLocked):
            self.show_lock(exc.seconds)
        elif isinstance(exc, WrongPin):
            if exc.tries_left > 0:
                self.refused(self.tr("Wrong PIN. %n more wrong PIN(s) and sign-in waits.", "", exc.tries_left))
            else:
                self.refused(self.tr("Wrong PIN."))
        else:
            self.refused(describe_error(exc))

    def show_lock(self, seconds: int) -> None:
        """Refuse PINs for `seconds` (from the service), counting down in a sentence."""
        if seconds <= 0:
            return
        self._locked_s = seconds
        self.pin.clear()
        self.pin.setEnabled(False)
        self._show_countdown()
        self._countdown.start()

    def _tick(self) -> None:
        self._locked_s -= 1
        if self._locked_s > 0:
            self._show_countdown()
            return
        self._countdown.stop()
        self.message.setText(self.tr("You can try again now."))
        self.pin.setEnabled(True)
        self.pin.setFocus()

    def _show_countdown(self) -> None:
        self.message.setText(self.tr("Too many wrong PINs. Try again in %n second(s).", "", self._locked_s))
