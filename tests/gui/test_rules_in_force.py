"""The till shows the rules version in force and whose it is (issue 11, point 7), in English and Chinese, in
the HQ sync panel (F11), read from the real store file."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import sign_in
from tests.gui.test_feedback import _set_sync_state


def _panel_says(qtbot, window, expected: str) -> None:
    window.sync_monitor.refresh()
    qtbot.keyClick(window.code, Qt.Key.Key_F11)
    panel = window.sync_panel
    qtbot.waitUntil(lambda: panel.values["rules"].text() == expected)
    panel.close()


def test_the_sync_panel_says_which_rules_are_in_force(qtbot, till_app, window):
    _panel_says(qtbot, window, "version 1: this store's own rules")
    _set_sync_state(till_app.paths.db, token="t", hq_url="http://127.0.0.1:9", push_through="0")
    _panel_says(qtbot, window, "version 1: this store's own rules, until HQ's rules arrive")
    _set_sync_state(till_app.paths.db, hq_rules_applied="4:1")  # the pull made HQ's version 4 this till's 1
    _panel_says(qtbot, window, "version 1: HQ's rules (HQ version 4)")


def test_the_rules_in_force_read_in_chinese(qtbot, zh, till_app):
    window = till_app.window
    sign_in(qtbot, window)
    _set_sync_state(till_app.paths.db, token="t", hq_url="http://127.0.0.1:9", push_through="0",
                    hq_local_rules="1")
    _panel_says(qtbot, window, "第 1 版：本店自己的规则（总部已允许）")
