"""A whole sale by keyboard, and what the till says about a sale it refuses."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from pos_member.services import history
from tests.gui.conftest import idle, type_code


def _sales(till_app) -> list[dict]:
    return history.recent_sales(till_app.store, 50)


def test_whole_sale_by_keyboard(qtbot, till_app, window, people):
    assert window.code.hasFocus()  # the scanner's keystrokes land in the code field
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明")
    assert window.member_panel.phone.text() != "13800001234"  # masked
    assert window.sale.amount.hasFocus()

    qtbot.keyClicks(window.sale.amount, "128.50")
    qtbot.waitUntil(lambda: window.sale.summary["payable"].text() == "¥ 128.50")
    assert window.sale.table.rowCount() == 1
    assert window.sale.points_max.text() == "max 0"  # no points yet

    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    idle(qtbot, window)
    sales = _sales(till_app)
    assert [(s["total_fen"], s["points_earned"]) for s in sales] == [(12850, 128)]
    assert "128.50" in window.receipt.toPlainText()
    assert window.member_panel.points.text() == "128"
    assert window.code.hasFocus()  # ready for the next customer
    assert window.sales.rowCount() == 1


def test_lines_redemption_and_stored_value_by_keyboard(qtbot, till_app, window, people):
    type_code(qtbot, window, "13800001234")  # by phone
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F4)
    qtbot.keyClicks(window.sale.line_category.lineEdit(), "food")
    window.sale.line_category.lineEdit().selectAll()
    qtbot.keyClicks(window.sale.line_category.lineEdit(), "fresh")
    qtbot.keyClick(window.sale.line_category.lineEdit(), Qt.Key.Key_Return)
    qtbot.keyClicks(window.sale.line_amount, "60")
    qtbot.keyClick(window.sale.line_amount, Qt.Key.Key_Return)
    window.sale.line_category.lineEdit().selectAll()
    qtbot.keyClicks(window.sale.line_category.lineEdit(), "tobacco")
    qtbot.keyClick(window.sale.line_category.lineEdit(), Qt.Key.Key_Return)
    qtbot.keyClicks(window.sale.line_amount, "40")
    qtbot.keyClick(window.sale.line_amount, Qt.Key.Key_Return)
    assert window.sale.lines.count() == 2
    # the amount may stay empty: it is the sum of the lines; Shift+F6 pays the rest from stored value
    qtbot.waitUntil(lambda: window.sale.quote is not None and window.sale.quote.total_fen == 10000)
    qtbot.keyClick(window.sale.line_amount, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.sale.summary["payable"].text() == "¥ 0.00")
    assert window.sale.table.rowCount() == 2
    qtbot.keyClick(window.sale.stored, Qt.Key.Key_Return)  # Enter on the last field confirms
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    idle(qtbot, window)
    [sale] = _sales(till_app)
    assert sale["total_fen"] == 10000 and sale["payable_fen"] == 0
    assert sale["points_earned"] == 60  # tobacco earns nothing
    assert window.member_panel.stored.text() == "¥ 200.00"


def test_bad_code_is_one_sentence(qtbot, window):
    type_code(qtbot, window, "hello")
    qtbot.waitUntil(lambda: bool(window.message.text()))
    assert "is not a card number" in window.message.text()
    assert "Traceback" not in window.message.text()
    assert window.member_panel.member is None
    assert window.code.hasFocus()


def test_over_redemption_refused_nothing_written(qtbot, till_app, window, people):
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")
    qtbot.keyClicks(window.sale.amount, "50")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_Return)  # Enter moves on to the points
    assert window.sale.points.hasFocus()
    qtbot.keyClicks(window.sale.points, "500")
    qtbot.waitUntil(lambda: "points" in window.sale.error.text())
    assert window.sale.error.text() == "The member has only 0 points."
    qtbot.keyClick(window.sale.points, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "only 0 points" in window.message.text())
    idle(qtbot, window)
    assert _sales(till_app) == []


def test_database_error_is_one_sentence_and_logged(qtbot, till_app, window, people, caplog):
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")
    # break the file under the running till: the audit table a sale must write to is gone
    with sqlite3.connect(till_app.paths.db) as raw:
        raw.execute("ALTER TABLE audit RENAME TO audit_gone")
    qtbot.keyClicks(window.sale.amount, "20")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: "database" in window.message.text())
    assert window.message.text().startswith("The database could not do this (OperationalError)")
    assert "Traceback" not in window.message.text()
    assert any("database task failed" in r.message for r in caplog.records)
    with sqlite3.connect(till_app.paths.db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM sales").fetchone() == (0,)


def test_scanner_typing_into_the_amount_goes_to_the_code(qtbot, window, people):
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")
    assert window.sale.amount.hasFocus()
    # a USB scanner types into whatever has the focus, one key at a time
    for char in "PM1.BAD":
        qtbot.keyClicks(QApplication.focusWidget(), char)
    assert window.code.text() == "PM1.BAD"
    assert window.code.hasFocus()
    assert window.sale.amount.text() == ""


def test_help_overlay_lists_shortcuts(qtbot, window):
    qtbot.keyClick(window.code, Qt.Key.Key_F1)
    assert window.help.isVisible()
    texts = [label.text() for label in window.help.findChildren(QLabel)]
    for key in ("F2", "F12", "Ctrl+R", "Ctrl+N", "Ctrl+Shift+R", "F9"):
        assert key in texts
    qtbot.keyClick(window.help, Qt.Key.Key_Escape)
    assert not window.help.isVisible()
    assert window.code.hasFocus()


def test_a_coupon_scanned_after_the_card_is_applied_and_used_once(qtbot, till_app, window, people):
    from pos_member.services.coupons import issue_coupon, member_coupons

    coupon = issue_coupon(till_app.store, people.li.card_no, "save10")  # 10 off 100
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: "10 yuan off 100" in window.member_panel.coupons.text())
    assert window.sale.coupon.count() == 2  # none, or the member's one coupon
    qtbot.keyClicks(window.sale.amount, "80")
    # a USB scanner types the coupon's QR wherever the focus is (the amount field), then Enter
    for char in coupon["qr"]:
        qtbot.keyClicks(QApplication.focusWidget(), char)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.sale.coupon_note.text().startswith("not applied: needs a bill of 100.00"))
    assert window.member_panel.name.text() == "Li Lei"  # still the same customer
    window.sale.amount.selectAll()
    qtbot.keyClicks(window.sale.amount, "120")
    qtbot.waitUntil(lambda: window.sale.summary["payable"].text() == "¥ 110.00")
    assert window.sale.summary["coupon"].text() == "− ¥ 10.00"
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    idle(qtbot, window)
    assert f"Coupon {coupon['code']}" in window.receipt.toPlainText()
    assert member_coupons(till_app.store, people.li.card_no, usable_only=True) == []
