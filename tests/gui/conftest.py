"""GUI fixtures: a real store file in a temp data dir, the real TillApp (window, database worker, scanner
thread) on it, signed in by PIN through the keyboard. Offscreen (QT_QPA_PLATFORM=offscreen)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402 - the platform must be chosen before Qt loads

from pos_member.app import TillApp  # noqa: E402
from pos_member.config import Settings  # noqa: E402
from pos_member.services import members, staff, stored_value  # noqa: E402
from pos_member.services.context import Store, open_store  # noqa: E402
from pos_member.services.setup import init_store  # noqa: E402
from pos_member.ui.application import style_application  # noqa: E402
from pos_member.ui.window import TillWindow  # noqa: E402
from tests.conftest import MANAGER_PIN, MovableClock  # noqa: E402

CASHIER_PIN = "1111"


@dataclass
class TestMembers:
    wang: members.MemberView  # 300 yuan stored value, no points yet
    li: members.MemberView  # a plain member


def seed_store(home: Path, clock: MovableClock) -> TestMembers:
    store: Store = open_store(home / "store.sqlite3", clock=clock)
    try:
        init_store(store, "001", "Test Store", MANAGER_PIN, "Mary Manager")
        staff.add_staff(store, "Carl Cashier", "cashier", CASHIER_PIN, MANAGER_PIN)
        wang = members.register_member(store, "王小明", "13800001234", "1990-05-01")
        li = members.register_member(store, "Li Lei", "13900005678")
        stored_value.top_up(store, wang.card_no or "", 30000)
        from pos_member.services.lookup import show_member

        return TestMembers(show_member(store, wang.card_no or ""), show_member(store, li.card_no or ""))
    finally:
        store.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def people(home: Path, clock: MovableClock) -> TestMembers:
    return seed_store(home, clock)


@pytest.fixture
def till_app(qtbot, qapp, home: Path, people: TestMembers, clock: MovableClock) -> Iterator[TillApp]:
    style_application(qapp)
    app = TillApp(str(home), settings=Settings(camera_source=""), replay_pace=False, clock=clock)
    window = app.start()
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield app
    window.close()  # closeEvent -> shutdown: scanner, then the worker, then the engine
    app.shutdown()


def sign_in(qtbot, window: TillWindow, pin: str = CASHIER_PIN) -> None:
    qtbot.waitUntil(lambda: window.signin.pin.isVisible() and window.signin.pin.isEnabled())
    qtbot.keyClicks(window.signin.pin, pin)
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.staff is not None)


@pytest.fixture
def window(qtbot, till_app: TillApp) -> TillWindow:
    assert till_app.window is not None
    sign_in(qtbot, till_app.window)
    return till_app.window


def type_code(qtbot, window: TillWindow, code: str) -> None:
    qtbot.keyClicks(window.code, code)
    qtbot.keyClick(window.code, Qt.Key.Key_Return)


def idle(qtbot, window: TillWindow) -> None:
    """Wait until the database worker has delivered everything queued (no clock involved)."""
    qtbot.waitUntil(lambda: window.worker.pending == 0)


@pytest.fixture
def zh(qapp, tmp_path):
    """The shipped Chinese catalogue installed, built from the .ts the way the Makefile builds it."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtCore import QCoreApplication, QTranslator

    from pos_member.paths import resource

    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    qm = tmp_path / "zh.qm"
    subprocess.run([lrelease, "-silent", str(resource("translations", "pos_member_zh_CN.ts")), "-qm", str(qm)],
                   check=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


@pytest.fixture
def zh_translator(zh):
    return zh
