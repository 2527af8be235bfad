"""Feedback is current (issue 9, point 7): after any action the screen shows what the database now holds.

Operations declare what they changed (ui/ops.py) and one refresher brings the panels back in line; the sync
state has one source for the status bar and the F11 panel; the camera box says when its source ended."""

from __future__ import annotations

import socket
import sqlite3
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos_member.services import cards, history
from pos_member.services.coupons import issue_coupon
from tests.gui.conftest import idle, type_code
from tests.scanner_frames import write_qr_video


def _set_sync_state(db, **values: str) -> None:
    with sqlite3.connect(db) as raw:
        raw.executemany("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", values.items())


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def _member_shown(qtbot, window, code: str, name: str) -> None:
    type_code(qtbot, window, code)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == name)
    idle(qtbot, window)


def test_a_second_f12_keeps_the_sale_recorded_message(qtbot, till_app, window, people):
    _member_shown(qtbot, window, people.li.card_no, "Li Lei")
    qtbot.keyClicks(window.sale.amount, "20")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F12)  # while the sale is being written
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    idle(qtbot, window)
    assert window.message.text().startswith("Sale recorded")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F12)  # right after: nothing to ring, nothing said
    idle(qtbot, window)
    assert window.message.text().startswith("Sale recorded")
    assert window.message.property("error") is False
    assert len(history.recent_sales(till_app.store, 10)) == 1
    # typing a new bill makes F12 mean something again
    qtbot.keyClick(window.code, Qt.Key.Key_F3)
    qtbot.keyClicks(window.sale.amount, "5")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: len(history.recent_sales(till_app.store, 10)) == 2)


def test_a_used_coupon_leaves_the_lists_after_the_sale(qtbot, till_app, window, people):
    coupon = issue_coupon(till_app.store, people.li.card_no, "save10")  # 10 off 100
    _member_shown(qtbot, window, people.li.card_no, "Li Lei")
    assert "10 yuan off 100" in window.member_panel.coupons.text()
    assert window.sale.coupon.count() == 2
    qtbot.keyClicks(window.sale.amount, "120")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F8)
    qtbot.keyClicks(QApplication.focusWidget(), coupon["code"])
    qtbot.waitUntil(lambda: window.sale.summary["coupon"].text() == "− ¥ 10.00")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    idle(qtbot, window)
    assert "10 yuan off 100" not in window.member_panel.coupons.text()
    assert window.sale.coupon.count() == 1  # only the empty choice is left
    assert window.member_panel.points.text() == "110"  # and the balances are the database's


def test_a_red_error_under_the_quote_goes_when_the_quote_is_valid(qtbot, till_app, window, people):
    _member_shown(qtbot, window, people.li.card_no, "Li Lei")
    qtbot.keyClicks(window.sale.amount, "50")
    qtbot.waitUntil(lambda: window.sale.summary["payable"].text() == "¥ 50.00")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    idle(qtbot, window)
    # the next bill asks for more points than the member has: refused in red under the quote
    qtbot.keyClick(window.code, Qt.Key.Key_F3)
    qtbot.keyClicks(window.sale.amount, "100")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F5)
    qtbot.keyClicks(window.sale.points, "900")
    qtbot.waitUntil(lambda: "points" in window.sale.error.text())
    # Shift+F5 after the refusal uses the most the bill allows (the last max known), and the error goes
    qtbot.keyClick(window.sale.points, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.sale.quote is not None and window.sale.quote.points_redeemed > 0)
    assert window.sale.points.text() == str(window.sale.quote.max_redeemable_points)
    assert window.sale.error.text() == ""
    # a commit refusal in red goes too once the bill is priced again
    window.sale.show_error("refused")
    qtbot.keyClicks(window.sale.points, "\b")
    qtbot.waitUntil(lambda: window.sale.error.text() == "")


def test_the_camera_box_says_when_the_video_ends(qtbot, till_app, window, people, tmp_path):
    qr = cards.card_qr(till_app.store, people.wang.card_no).qr
    video = write_qr_video(tmp_path / "counter.avi", qr, blank_before=3, qr_frames=6, blank_after=3)
    window.settings = replace(window.settings, camera_source=str(video), decoder="zxing")
    till_app.start_scanner()
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明", timeout=10_000)
    qtbot.waitUntil(lambda: "the video source ended" in window.camera.caption.text(), timeout=10_000)
    assert window.camera.image.pixmap().isNull()  # no last frame left as if the camera still watched
    assert not window.camera.showing_read
    assert "Read ✓" not in window.camera.caption.text()
    assert window.status.camera.text() == "no camera"


def test_bar_and_panel_show_the_same_sync_state_and_a_failed_attempt(qtbot, till_app, window):
    ok = "2026-11-24T09:30:00+08:00"
    _set_sync_state(till_app.paths.db, token="t", hq_url=f"http://127.0.0.1:{_closed_port()}", push_through="0",
                    last_attempt=ok, last_success=ok)
    qtbot.keyClick(window.code, Qt.Key.Key_F11)
    panel = window.sync_panel
    qtbot.waitUntil(lambda: window.status.sync.text() == "online" and panel.values["state"].text() == "online")
    assert panel.values["last_error"].text() == "none"
    # HQ is down: the attempt "Sync now" wakes fails, and both say so at once (no poll, no next attempt)
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert window.message.text() == "Syncing with HQ now; this panel shows the outcome."
    qtbot.waitUntil(lambda: window.status.sync.text() == "offline", timeout=10_000)
    assert panel.values["state"].text() == "offline"
    assert panel.values["last_error"].text() == "HQ cannot be reached (ConnectionError)."
    assert window.status.sync.toolTip() == panel.values["last_error"].text()
    panel.close()


def test_sync_now_without_hq_says_hq_is_not_set_up(qtbot, till_app, window):
    qtbot.keyClick(window.code, Qt.Key.Key_F11)
    panel = window.sync_panel
    qtbot.waitUntil(lambda: panel.values["state"].text() == "HQ sync not set up")
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert window.message.text().startswith("HQ is not set up for this till")
    assert "Syncing" not in panel.note.text()
    panel.close()


def test_sync_and_camera_reasons_read_in_chinese(qtbot, zh, till_app, people):
    from tests.gui.conftest import sign_in

    window = till_app.window
    sign_in(qtbot, window)
    _set_sync_state(till_app.paths.db, token="t", hq_url="http://127.0.0.1:9", push_through="0",
                    last_attempt="2026-11-24T09:45:00+08:00", last_error="HQ unreachable: ConnectionError",
                    last_error_reason="unreachable")
    window.sync_monitor.refresh()
    qtbot.waitUntil(lambda: window.status.sync.text() == "离线")
    tip = window.status.sync.toolTip()
    assert tip and "HQ unreachable" not in tip and not tip.isascii()
    qtbot.keyClick(window.code, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.sync_panel.values["last_error"].text() == tip)
    window.sync_panel.close()
    # a camera index with no camera behind it
    window.settings = replace(window.settings, camera_source="97")
    till_app.start_scanner()
    qtbot.waitUntil(lambda: "97" in window.camera.caption.text(), timeout=10_000)
    caption = window.camera.caption.text()
    assert "no camera at index" not in caption and not caption.isascii()
    assert window.status.camera.text() == "无摄像头"


def test_what_a_sale_changed_reaches_every_panel_that_shows_it(qtbot, till_app, window, people):
    ok = "2026-11-24T09:30:00+08:00"
    _set_sync_state(till_app.paths.db, token="t", hq_url="http://127.0.0.1:9", push_through="0",
                    last_attempt=ok, last_success=ok)
    window.sync_monitor.refresh()
    idle(qtbot, window)
    waiting = window.sync_monitor.view.pending
    _member_shown(qtbot, window, people.wang.card_no, "王小明")
    qtbot.keyClicks(window.sale.amount, "30")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.sale.summary["payable"].text() == "¥ 0.00")
    qtbot.keyClick(window.sale.stored, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    idle(qtbot, window)
    assert window.member_panel.stored.text() == "¥ 270.00"  # the member
    assert window.sale.stored_hint.text() == "balance ¥ 270.00"  # the bill's hint
    assert window.sales.rowCount() == 1 and window.sales.selected_sale()["total_fen"] == 3000  # the last sales
    # the spend and the earn wait for HQ, and the sale itself (its spend counts for HQ's tier evaluation)
    assert window.status.pending.text() == f"pending sync: {waiting + 3}"
