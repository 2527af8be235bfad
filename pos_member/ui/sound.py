"""The "read" sound. QtMultimedia needs PulseAudio's client library on Linux; where it cannot load (a
headless box, a till without it) the system beep stands in, so a read is never silent by accident."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QApplication

from pos_member.paths import resource

log = logging.getLogger(__name__)


class ReadSound(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effect = None
        path = resource("sounds", "read.wav")
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError as exc:  # libpulse missing: fall back to the beep
            log.info("QtMultimedia unavailable (%s); the read signal uses the system beep", exc)
            return
        if path.exists():
            self._effect = QSoundEffect(self)
            self._effect.setSource(QUrl.fromLocalFile(str(path)))
            self._effect.setVolume(0.8)

    def play(self) -> None:
        if self._effect is not None:
            self._effect.play()
        else:
            QApplication.beep()
