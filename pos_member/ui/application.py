"""The QApplication: name, translations, font and stylesheet. Made once per process by the composition
root (tests get theirs from pytest-qt and call `style_application` on it)."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QMessageBox

from pos_member.paths import resource
from pos_member.ui.i18n import choose_language, install_translators

log = logging.getLogger(__name__)

BASE_POINT_SIZE = 13  # large enough to read from a step back, at the till's usual 1366x768 or more
# CJK fallback so Chinese names and the zh_CN interface never fall back to boxes
FONT_FAMILIES = ["Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "sans-serif"]


def style_application(app: QApplication) -> None:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    path = resource("style", "till.qss")
    try:
        app.setStyleSheet(path.read_text(encoding="utf-8"))
    except OSError as exc:
        log.warning("stylesheet %s unreadable: %s", path, exc)


def create_application(language_setting: str) -> tuple[QApplication, list[QTranslator]]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("pos-member")
    app.setOrganizationName("pos-member")
    translators = install_translators(app, choose_language(language_setting))
    style_application(app)
    return app, translators


def show_fatal(exc: BaseException) -> None:
    """The till cannot start: one sentence in a box (the traceback is already in the log)."""
    from pos_member.ui.tasks import describe_error

    QMessageBox.critical(None, "pos-member", describe_error(exc))
