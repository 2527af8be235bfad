"""The QApplication: name, translations, font and stylesheet, and the last line of defence against a crash.
Made once per process by the composition root (tests get theirs from pytest-qt and call `style_application`
and `install_exception_hooks` on it).

An exception nobody caught - in a Qt slot (PySide6 hands those to sys.excepthook and carries on), or on a
plain Python thread (threading.excepthook) - is logged with its traceback and said in one sentence in the
main window's status bar (a non-modal box when no window is up); the till keeps running.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTranslator, Signal
from PySide6.QtGui import QFont, QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

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
    install_exception_hooks(app)
    return app, translators


PROBLEM_SHOWN_MS = 20_000


class ExceptionReporter(QObject):
    """Logs an uncaught exception and shows one sentence; the sentence goes through a signal so that an
    exception on another thread is shown by the GUI thread."""

    problem = Signal(str)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.box: QMessageBox | None = None
        self.shown: list[str] = []  # the sentences shown, newest last (tests read it)
        self.problem.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("uncaught exception", exc_info=(kind, exc, tb))
        self.problem.emit(sentence_for(exc))

    def threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "?"
        log.error("uncaught exception on thread %s", name,
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        self.problem.emit(sentence_for(args.exc_value))

    def _show(self, text: str) -> None:
        self.shown.append(text)
        window = _main_window()
        if window is not None:
            window.statusBar().showMessage(text, PROBLEM_SHOWN_MS)
            return
        if self.box is None:
            self.box = QMessageBox(QMessageBox.Icon.Warning, "pos-member", text)
            self.box.setModal(False)
        self.box.setText(text)
        self.box.show()


def sentence_for(exc: BaseException) -> str:
    return QCoreApplication.translate(
        "Application", "Something went wrong ({0}); the till is still running. Details are in the log."
    ).format(type(exc).__name__)


def _main_window() -> QMainWindow | None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    return windows[0] if windows else None


def report_problem(exc: BaseException) -> None:
    """Say one sentence for an exception already logged (e.g. by the database worker's callback guard)."""
    app = QApplication.instance()
    reporter = app.findChild(ExceptionReporter) if app is not None else None
    if reporter is not None:
        reporter.problem.emit(sentence_for(exc))


def install_exception_hooks(app: QApplication) -> ExceptionReporter:
    """Route uncaught exceptions (GUI thread and other threads) to the log and one sentence on screen."""
    reporter = app.findChild(ExceptionReporter)
    if reporter is None:
        reporter = ExceptionReporter(app)
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.threading_excepthook
    return reporter


def show_fatal(exc: BaseException) -> None:
    """The till cannot start: one sentence in a box (the traceback is already in the log)."""
    QMessageBox.critical(None, "pos-member", fatal_sentence(exc))


def fatal_sentence(exc: BaseException) -> str:
    from pos_member.ui.tasks import describe_error

    return describe_error(exc)  # a store file refused says which file and why, from its reason
