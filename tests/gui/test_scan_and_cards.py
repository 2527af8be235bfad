"""The camera path end to end, refused cards, a refund behind a manager PIN, a replacement."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pos_member.config import load_settings
from pos_member.services import cards, checkout
from pos_member.services.checkout import SaleRequest
from pos_member.ui.ops import OpChanges
from tests.conftest import MANAGER_PIN
from tests.gui.conftest import idle, type_code
from tests.scanner_frames import write_qr_video


def _count(till_app, table: str) -> int:
    with sqlite3.connect(till_app.paths.db) as raw:
        return raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_no_camera_keyboard_still_works(qtbot, window, people):
    qtbot.waitUntil(lambda: window.status.camera.text() == "no camera")
    assert "No camera" in window.camera.image.text()
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")


def test_scan_replayed_from_video_reaches_member_panel(qtbot, till_app, window, people, tmp_path):
    qr = cards.card_qr(till_app.store, people.wang.card_no).qr
    video = write_qr_video(tmp_path / "counter.avi", qr, blank_before=5, qr_frames=8, blank_after=5)
    # choose the "camera" in the settings dialog (F9), as a manager setting up the till would: PIN first
    qtbot.keyClick(window.code, Qt.Key.Key_F9)
    approval = window.till_actions.dialog
    assert approval is not None and list(approval.inputs) == ["manager_pin"]
    qtbot.keyClicks(approval.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(approval.inputs["manager_pin"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.till_actions.dialog is not None and "camera_source" in window.till_actions.dialog.inputs)
    dialog = window.till_actions.dialog
    dialog.inputs["camera_source"].setText(str(video))
    dialog.inputs["decoder"].setCurrentIndex(dialog.inputs["decoder"].findData("zxing"))
    last = list(dialog.inputs.values())[-1]
    last.setFocus()
    qtbot.keyClick(last, Qt.Key.Key_Return)  # Enter on the last field saves
    assert load_settings(till_app.paths).camera_source == str(video)
    # the real OpenCV frame source and zxing decoder on the scanner QThread, through the confirmer
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明", timeout=10_000)
    assert window.camera.frames_shown > 0
    assert window.camera.caption.text() in ("Read ✓",) or window.status.camera.text() == "camera on"
    assert window.sale.amount.hasFocus()
    assert window.code.text() == qr


def test_lost_card_refused(qtbot, till_app, window, people):
    cards.report_lost(till_app.store, people.li.card_no, MANAGER_PIN)
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.problem.isVisible())
    assert window.member_panel.property("refused") is True
    assert "reported lost" in window.member_panel.problem.text()
    assert "reported lost" in window.message.text()
    assert window.code.hasFocus()  # no bill for a refused card
    qtbot.keyClicks(window.sale.amount, "10")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    idle(qtbot, window)
    assert "reported lost" in window.message.text()
    assert _count(till_app, "sales") == 0


def test_refund_with_manager_pin(qtbot, till_app, window, people):
    sale = checkout.commit_sale(till_app.store, SaleRequest(people.wang.card_no, 25000))
    window.refresher.apply(OpChanges(sales=True))  # a sale recorded outside this window
    qtbot.waitUntil(lambda: window.sales.rowCount() == 1)
    qtbot.keyClick(window.code, Qt.Key.Key_F7)
    assert window.sales.hasFocus()
    qtbot.keyClick(window.sales, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = window.till_actions.dialog
    assert dialog is not None and "250.00" in dialog.findChild(QLabel, "dialogIntro").text()
    pin = dialog.inputs["manager_pin"]
    qtbot.keyClick(dialog.inputs["amount"], Qt.Key.Key_Return)  # empty amount = the whole sale
    assert dialog.focusWidget() is pin
    qtbot.keyClick(pin, Qt.Key.Key_Return)
    assert "manager's PIN" in dialog.error.text()
    qtbot.keyClicks(pin, "1111")  # the cashier's own PIN is not a manager's
    qtbot.keyClick(pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.text() == "Wrong manager PIN.")
    assert _count(till_app, "refunds") == 0
    qtbot.keyClicks(pin, MANAGER_PIN)
    qtbot.keyClick(pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.till_actions.dialog is None)
    idle(qtbot, window)
    with sqlite3.connect(till_app.paths.db) as raw:
        assert raw.execute("SELECT sale_id, amount_fen, approved_by IS NOT NULL FROM refunds").fetchall() == [
            (sale.sale_id, 25000, 1)]
    assert "Refunded ¥ 250.00" in window.message.text()
    assert "Refunded ¥ 250.00" in window.sales.item(0, 2).toolTip()  # the last sales show the refund
    assert window.code.hasFocus()


def test_replacement_then_old_qr_refused(qtbot, till_app, window, people, tmp_path):
    old_qr = cards.card_qr(till_app.store, people.wang.card_no).qr
    type_code(qtbot, window, old_qr)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_R,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.till_actions.dialog
    assert dialog is not None and dialog.inputs["code"].text() == people.wang.card_no
    qtbot.keyClick(dialog.inputs["code"], Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.till_actions.qr_dialog is not None)
    qr_dialog = window.till_actions.qr_dialog
    new_card = qr_dialog.card_no
    assert new_card != people.wang.card_no
    assert qr_dialog.qr_text == cards.card_qr(till_app.store, new_card).qr
    pdf = qr_dialog.save_card_pdf()  # the new card's QR, printable
    assert pdf.read_bytes().startswith(b"%PDF")
    qr_dialog.close()
    qtbot.waitUntil(lambda: window.member_panel.card.text() == new_card)

    window.clear_customer()
    type_code(qtbot, window, old_qr)
    qtbot.waitUntil(lambda: window.member_panel.problem.isVisible())
    assert "replaced" in window.member_panel.problem.text()
    qtbot.keyClicks(window.sale.amount, "10")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    idle(qtbot, window)
    assert _count(till_app, "sales") == 0

    window.clear_customer()
    type_code(qtbot, window, cards.card_qr(till_app.store, new_card).qr)
    qtbot.waitUntil(lambda: window.member_panel.card.text() == new_card and not window.member_panel.problem.isVisible())
    assert window.member_panel.stored.text() == "¥ 300.00"  # the balance stayed with the member


def test_closing_the_window_stops_the_camera(qtbot, till_app, window, tmp_path):
    import cv2

    from tests.scanner_frames import blank_frame

    still = tmp_path / "counter.png"  # a still picture repeats for ever, like a live camera
    cv2.imwrite(str(still), blank_frame())
    window.settings.camera_source = str(still)
    till_app.start_scanner()
    thread = till_app.scanner
    qtbot.waitUntil(lambda: window.camera.frames_shown > 2)
    assert thread.isRunning() and window.status.camera.text() == "camera on"
    qtbot.waitUntil(lambda: "decode" in window.status.camera.toolTip())  # the loop's fps, once a second
    window.close()  # closeEvent -> TillApp.shutdown: scanner, (sync), database worker, engine
    assert not thread.isRunning()
    assert till_app.scanner is None
    assert till_app.worker.pending == 0
