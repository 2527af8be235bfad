"""Language: English is the source language; zh_CN comes from resources/translations/*.qm (built by the
Makefile from the .ts sources). Chosen in settings, else from the system locale."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from pos_member.paths import resource

log = logging.getLogger(__name__)

LANGUAGES = {"": "System", "en": "English", "zh_CN": "中文 (简体)"}


def choose_language(setting: str) -> str:
    """"en" or "zh_CN": the setting if it names a language we ship, else the system locale."""
    if setting in ("en", "zh_CN"):
        return setting
    name = QLocale.system().name()  # e.g. zh_CN, zh_TW, en_US
    return "zh_CN" if name.startswith("zh") else "en"


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Install our catalogue (and Qt's own, for standard buttons) for `language`; returns the translators
    so the caller keeps them alive (a collected QTranslator silently stops translating)."""
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    ours = QTranslator(app)
    path = resource("translations", f"pos_member_{language}.qm")
    if ours.load(str(path)):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("translation %s not found; run `make translations`", path)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_own)
        installed.append(qt_own)
    QLocale.setDefault(QLocale(language))
    return installed
