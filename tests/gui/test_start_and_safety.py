"""Start and safety at the till: the first start's progress and demo marks, a bad store file refused, the
PIN page's lockout (also after a restart), manager PINs for settings and card QR printing, and an
exception in a slot that is logged and said in one sentence while the till stays up."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from pos_member.app import TillApp
from pos_member.config import Settings
from pos_member.domain.errors import StorageError
from pos_member.storage import tables as t
from pos_member.ui.application import fatal_sentence, install_exception_hooks
from pos_member.ui.window import TillWindow
from tests.conftest import MANAGER_PIN
from tests.gui.conftest import CASHIER_PIN, idle, sign_in, type_code

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _start(qtbot, home: Path, clock, **kwargs) -> tuple[TillApp, TillWindow]:
    app = TillApp(str(home), settings=Settings(camera_source=""), clock=clock, start_sync=False, **kwargs)
    window = app.start()
    qtbot.addWidget(window)
    window.show()
    return app, window


def _audit_actions(app: TillApp) -> list[str]:
    assert app.store is not None
    with app.store.db.read() as conn:
        return [row.action for row in conn.execute(select(t.audit).order_by(t.audit.c.id))]


def test_first_start_shows_progress_and_says_demo(qtbot, tmp_path, clock):
    home = tmp_path / "fresh"
    app, window = _start(qtbot, home, clock, demo_members=10)
    try:
        page = window.signin
        assert page.progress.isVisible() and not page.pin.isVisible()
        values: list[int] = []
        page.progress.valueChanged.connect(values.append)
        qtbot.waitUntil(lambda: page.pin.isVisible(), timeout=30_000)
        assert len(set(values)) > 3  # the bar moved while the demo was built
        assert not page.progress.isVisible()
        assert page.demo_banner.isVisible() and "not for real sales" in page.demo_banner.text()
        assert window.windowTitle().startswith("Demo store")
        assert "cashier PIN 1111" in page.hint.text()
        qtbot.waitUntil(lambda: len(list((home / "qr").glob("*.png"))) == 10, timeout=30_000)
        sign_in(qtbot, window, "1111")
        window.sign_out()
        assert "cashier PIN 1111" in page.hint.text() and page.demo_banner.isVisible()  # after sign-out too
    finally:
        window.close()
        app.shutdown()


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 20])
def test_a_bad_store_file_is_refused_not_replaced_by_a_demo(qtbot, tmp_path, clock, content):
    home = tmp_path / "home"
    home.mkdir()
    (home / "store.sqlite3").write_bytes(content)
    app = TillApp(str(home), settings=Settings(camera_source=""), clock=clock, start_sync=False)
    with pytest.raises(StorageError) as refused:
        app.start()
    assert "store.sqlite3" in str(refused.value)
    sentence = fatal_sentence(refused.value)  # what run_app shows in its box
    assert sentence.startswith(f"The store file {home / 'store.sqlite3'} is ") and sentence.count(". ") <= 2
    assert app.window is None
    assert (home / "store.sqlite3").read_bytes() == content
    assert sorted(p.name for p in home.iterdir()) == ["store.sqlite3"]


def test_a_store_file_never_set_up_is_refused(qtbot, tmp_path, clock):
    from pos_member.services.context import open_store

    home = tmp_path / "home"
    open_store(home / "store.sqlite3").close()  # schema, no store
    app = TillApp(str(home), settings=Settings(camera_source=""), clock=clock, start_sync=False)
    with pytest.raises(StorageError, match="not set up"):
        app.start()


def _type_pin(qtbot, window: TillWindow, pin: str) -> None:
    qtbot.waitUntil(lambda: window.signin.pin.isEnabled())
    qtbot.keyClicks(window.signin.pin, pin)
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    idle(qtbot, window)


def test_pin_page_waits_after_five_wrong_pins_also_after_a_restart(qtbot, till_app, people, clock, home):
    window = till_app.window
    page = window.signin
    for tries_left in (4, 3, 2, 1):
        _type_pin(qtbot, window, "9999")
        assert page.message.text() == f"Wrong PIN. {tries_left} more wrong PIN(s) and sign-in waits."
    _type_pin(qtbot, window, "9999")
    assert page.message.text() == "Too many wrong PINs. Try again in 30 second(s)."
    assert not page.pin.isEnabled()
    qtbot.keyClicks(page.pin, CASHIER_PIN)
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert window.staff is None and window.worker.pending == 0  # nothing reached the service
    assert _audit_actions(till_app).count("staff.sign_in_failed") == 5

    window.close()
    till_app.shutdown()
    clock.advance(seconds=10)
    again, window2 = _start(qtbot, home, clock)
    try:
        qtbot.waitUntil(lambda: "Try again in 20 second(s)" in window2.signin.message.text())
        assert not window2.signin.pin.isEnabled()
        window2.signin.show_lock(1)  # the last second of the wait: the page takes PINs again by itself
        qtbot.waitUntil(lambda: window2.signin.pin.isEnabled(), timeout=5_000)
        assert window2.signin.message.text() == "You can try again now."
        clock.advance(seconds=20)
        sign_in(qtbot, window2)
        assert window2.staff is not None and window2.staff.name == "Carl Cashier"
    finally:
        window2.close()
        again.shutdown()


def _manager_pin_dialog(qtbot, window: TillWindow, pin: str) -> None:
    dialog = window.till_actions.dialog
    assert dialog is not None and list(dialog.inputs) == ["manager_pin"]
    qtbot.keyClicks(dialog.inputs["manager_pin"], pin)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)


def test_settings_need_a_manager_pin_even_for_a_cashier_signed_in(qtbot, till_app, window):
    qtbot.keyClick(window.code, Qt.Key.Key_F9)
    pin_dialog = window.till_actions.dialog
    _manager_pin_dialog(qtbot, window, CASHIER_PIN)  # a cashier's own PIN is not a manager's
    qtbot.waitUntil(lambda: pin_dialog.error.text() == "Wrong manager PIN.")
    assert "camera_source" not in window.till_actions.dialog.inputs
    qtbot.keyClicks(pin_dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(pin_dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.till_actions.dialog is not None
                    and "camera_source" in window.till_actions.dialog.inputs)
    assert _audit_actions(till_app)[-1] == "settings.open"
    window.till_actions.dialog.reject()


def test_printing_a_members_card_qr_needs_a_manager_pin(qtbot, till_app, window, people):
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")
    qtbot.keyClick(window.code, Qt.Key.Key_Q, CTRL_SHIFT)
    assert window.till_actions.qr_dialog is None
    _manager_pin_dialog(qtbot, window, MANAGER_PIN)
    qtbot.waitUntil(lambda: window.till_actions.qr_dialog is not None)
    assert window.till_actions.qr_dialog.card_no == people.li.card_no
    assert till_app.store is not None
    with till_app.store.db.read() as conn:
        row = conn.execute(select(t.audit).order_by(t.audit.c.id.desc()).limit(1)).one()
    assert (row.action, row.subject, row.staff_id) == ("card.print_qr", people.li.card_no, window.staff.id)
    assert row.approved_by is not None and json.loads(row.detail) == {}
    window.till_actions.qr_dialog.close()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_said_and_the_till_stays_up(qtbot, qapp, window, caplog):
    import sys
    import threading

    saved = sys.excepthook, threading.excepthook
    reporter = install_exception_hooks(qapp)
    shown_before = len(reporter.shown)
    button = QPushButton("boom", window)

    def broken_slot() -> None:
        raise ZeroDivisionError("a bug in a slot")

    button.clicked.connect(broken_slot)
    try:
        with caplog.at_level(logging.ERROR, logger="pos_member.ui.application"):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: len(reporter.shown) == shown_before + 1)
    finally:
        sys.excepthook, threading.excepthook = saved
    sentence = "Something went wrong (ZeroDivisionError); the till is still running. Details are in the log."
    assert reporter.shown[-1] == sentence
    assert window.statusBar().currentMessage() == sentence
    record = next(r for r in caplog.records if r.getMessage() == "uncaught exception")
    assert record.exc_info is not None and "broken_slot" in caplog.text and "Traceback" in caplog.text
    # the till is still up and working
    assert window.isVisible()
    type_code(qtbot, window, "nonsense")
    qtbot.waitUntil(lambda: window.message.text() != "")




def test_the_pin_page_refuses_in_chinese(qtbot, zh, till_app):
    window = till_app.window
    for _ in range(4):
        _type_pin(qtbot, window, "9999")
    assert window.signin.message.text() == "PIN 码错误。再错 1 次，登录将暂停。"
    _type_pin(qtbot, window, "9999")
    assert window.signin.message.text() == "PIN 码错误次数过多。请在 30 秒后重试。"
    assert window.windowTitle() == "收银台 — pos-member"
    empty = till_app.paths.home / "empty.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(StorageError) as refused:
        from pos_member.services.context import open_store

        open_store(empty, create=False)
    assert fatal_sentence(refused.value) == f"存储文件 {empty} 是空的（0 字节）。请从备份恢复或将其移走；收银台不会在此文件上启动。"


def test_a_bug_in_a_database_tasks_callback_is_said_too(qtbot, qapp, window, caplog):
    import sys
    import threading

    saved = sys.excepthook, threading.excepthook
    reporter = install_exception_hooks(qapp)
    shown_before = len(reporter.shown)

    def broken_callback(_result: object) -> None:
        raise KeyError("a bug in a callback")

    try:
        with caplog.at_level(logging.ERROR, logger="pos_member.ui.tasks"):
            window.worker.run(lambda: 1, on_done=broken_callback)
            qtbot.waitUntil(lambda: len(reporter.shown) == shown_before + 1)
    finally:
        sys.excepthook, threading.excepthook = saved
    assert reporter.shown[-1].startswith("Something went wrong (KeyError)")
    assert "broken_callback" in caplog.text
    assert window.isVisible()


def test_a_read_only_data_dir_is_said_in_one_sentence_not_a_traceback(qtbot, tmp_path, clock):
    """A till started on a read-only disk (a read-only bind mount here: root writes through chmod)."""
    import subprocess

    from pos_member.services.context import open_store
    from pos_member.services.setup import init_store

    home, view = tmp_path / "home", tmp_path / "view"
    view.mkdir()
    store = open_store(home / "store.sqlite3")
    init_store(store, "001", "S", MANAGER_PIN)
    store.close()
    if subprocess.run(["mount", "--bind", str(home), str(view)], capture_output=True).returncode != 0:
        pytest.skip("no right to bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        app = TillApp(str(view), settings=Settings(camera_source=""), clock=clock, start_sync=False)
        with pytest.raises(StorageError) as refused:
            app.start()
    finally:
        subprocess.run(["umount", str(view)], check=True)
    assert fatal_sentence(refused.value) == (
        f"{view / 'store.sqlite3'} cannot be written, so nothing was saved. Check that the file and its folder "
        "are writable.")
    assert app.window is None
