"""F1: every till shortcut over the window, dismissed by F1 or Esc (or any click)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget


class HelpOverlay(QFrame):
    closed = Signal()

    def __init__(self, parent: QWidget, shortcuts: list[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box = QFrame(self, objectName="helpBox")
        grid = QGridLayout(box)
        title = QLabel(self.tr("Keyboard shortcuts"), objectName="helpTitle")
        grid.addWidget(title, 0, 0, 1, 4)
        half = (len(shortcuts) + 1) // 2
        for index, (keys, text) in enumerate(shortcuts):
            column = 0 if index < half else 2
            row = 1 + (index if index < half else index - half)
            grid.addWidget(QLabel(keys, objectName="helpKey"), row, column)
            grid.addWidget(QLabel(text), row, column + 1)
        hint = QLabel(self.tr("F1 or Esc closes this help."), objectName="hint")
        grid.addWidget(hint, 1 + half, 0, 1, 4)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.close_overlay()
        else:
            self.setGeometry(self.parentWidget().rect())
            self.show()
            self.raise_()
            self.setFocus()

    def close_overlay(self) -> None:
        self.hide()
        self.closed.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.close_overlay()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.close_overlay()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False
