"""The QApplication: name, translations, font and stylesheet. Made once per process by the composition
root (tests get theirs from pytest-qt and call `style_application` on it)."""

from __future__ import annotations

import logging
import re
import sys

from PySide6.QtCore import QTranslator
from PySide6.QtGui import QFont, QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pos_member.paths import resource
from pos_member.ui.i18n import choose_language, install_translators

log = logging.getLogger(__name__)

BASE_POINT_SIZE = 13  # large enough to read from a step back, at the till's usual 1366x768 or more
# CJK fallback so Chinese names and the zh_CN interface never fall back to boxes
FONT_FAMILIES = ["Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "sans-serif"]


# The layout is drawn for 1024x768 and 1366x768 at scale 1; a bigger screen gets bigger type, up to this
MAX_FONT_SCALE = 1.3
_POINT_SIZE = re.compile(r"(\d+(?:\.\d+)?)pt\b")


def font_scale(screen: QScreen | None) -> float:
    """How much larger than drawn the type can be on this screen: 1 up to 1366x768, then with the screen."""
    if screen is None:
        return 1.0
    size = screen.availableGeometry().size()
    return font_scale_for(size.width(), size.height())


def font_scale_for(width: int, height: int) -> float:
    return round(max(1.0, min(width / 1366, height / 768, MAX_FONT_SCALE)), 2)


def style_application(app: QApplication, scale: float = 1.0) -> None:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(round(BASE_POINT_SIZE * scale, 1))
    app.setFont(font)
    path = resource("style", "till.qss")
    try:
        sheet = path.read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("stylesheet %s unreadable: %s", path, exc)
        return
    if scale != 1.0:
        sheet = _POINT_SIZE.sub(lambda m: f"{round(float(m.group(1)) * scale, 1)}pt", sheet)
    app.setStyleSheet(sheet)


def show_maximised(window: QWidget) -> None:
    """Open the window filling the screen's available area. A window manager maximises it; without one (a
    kiosk till) showMaximized does nothing, so the geometry is set to the available area first."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(screen.availableGeometry())
    window.showMaximized()


def create_application(language_setting: str) -> tuple[QApplication, list[QTranslator]]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("pos-member")
    app.setOrganizationName("pos-member")
    translators = install_translators(app, choose_language(language_setting))
    style_application(app, font_scale(app.primaryScreen()))
    return app, translators


def show_fatal(exc: BaseException) -> None:
    """The till cannot start: one sentence in a box (the traceback is already in the log)."""
    from pos_member.ui.tasks import describe_error

    QMessageBox.critical(None, "pos-member", describe_error(exc))
