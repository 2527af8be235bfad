"""The camera preview, with a clear "read" signal: a green frame for a moment (and the sound, played by the
window), so the cashier can look away from the screen and still know the card was taken."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

READ_FLASH_MS = 900
MIN_IMAGE_HEIGHT = 110


class CameraView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QLabel(objectName="cameraImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # between a strip and 16:9 of the column's width: the member panel under it gets its room first
        self.image.setMinimumSize(200, MIN_IMAGE_HEIGHT)
        self.image.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.caption = QLabel(objectName="cameraCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.caption)
        self._flash = QTimer(self, singleShot=True, interval=READ_FLASH_MS)
        self._flash.timeout.connect(lambda: self._set_read(False))
        self.frames_shown = 0
        self.set_message(self.tr("Camera starting…"))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # never taller than the camera's 16:9 (nor 360): the member panel below gets the rest of the column
        self.image.setMaximumHeight(max(MIN_IMAGE_HEIGHT, min(self.width() * 9 // 16, 360)))
        super().resizeEvent(event)

    def show_frame(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image)
        target = self.image.contentsRect().size()
        if pixmap.width() > target.width() or pixmap.height() > target.height():
            pixmap = pixmap.scaled(target, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(pixmap)
        self.frames_shown += 1

    def set_message(self, text: str) -> None:
        self.caption.setText(text)

    def no_camera(self, reason: str) -> None:
        """No camera, or it stopped: no last frame, no "Read ✓" left over, and the reason."""
        self._flash.stop()
        self._set_read(False)
        self.image.clear()
        self.image.setText(self.tr("No camera"))
        self.caption.setText(self.tr("Type or scan the code with the keyboard. ({0})").format(reason))

    def flash_read(self, text: str) -> None:
        self.caption.setText(text)
        self._set_read(True)
        self._flash.start()

    @property
    def showing_read(self) -> bool:
        return bool(self.image.property("read"))

    def _set_read(self, on: bool) -> None:
        self.image.setProperty("read", on)
        self.image.style().unpolish(self.image)
        self.image.style().polish(self.image)
