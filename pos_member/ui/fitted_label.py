"""A label that takes a fixed number of lines, whatever it is told.

A plain word-wrapped QLabel grows with its text, and Qt's nested layouts do not ask it for its height at the
width it finally gets: a long coupon note or error pushed "To pay" and Confirm off a 768-pixel screen. This
one always takes `max_lines` lines of height; a longer text is wrapped into them and cut with "…", the whole
sentence staying in the tooltip and in `full_text`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class FittedLabel(QLabel):
    def __init__(self, max_lines: int = 2, object_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self.max_lines = max_lines
        self.full_text = ""
        self.setWordWrap(False)  # the lines are broken here, to the width the label has
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fix_height()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self.full_text = text or ""
        self.setToolTip(self.full_text if self.full_text else "")
        self._fit()

    def text(self) -> str:
        return self.full_text

    def clear(self) -> None:
        self.setText("")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fix_height()
            self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fix_height(self) -> None:
        margins = self.contentsMargins()
        self.setFixedHeight(self.fontMetrics().lineSpacing() * self.max_lines + margins.top() + margins.bottom()
                            + 2)

    def _fit(self) -> None:
        width = max(10, self.contentsRect().width())
        shown = self._wrapped(self.full_text, width)
        QLabel.setText(self, shown)

    def _wrapped(self, text: str, width: int) -> str:
        metrics = self.fontMetrics()
        if self.max_lines == 1 or not text:
            return metrics.elidedText(" ".join(text.split()), Qt.TextElideMode.ElideRight, width)
        flat = " ".join(text.split())
        layout = QTextLayout(flat, self.font())
        layout.beginLayout()
        lines: list[tuple[int, int]] = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            lines.append((line.textStart(), line.textLength()))
        layout.endLayout()
        kept = [flat[start:start + length].rstrip() for start, length in lines[:self.max_lines]]
        if len(lines) > self.max_lines:  # the rest does not fit: the last line kept ends in "…"
            start = lines[self.max_lines - 1][0]
            kept[-1] = metrics.elidedText(flat[start:], Qt.TextElideMode.ElideRight, width)
        return "\n".join(kept)
