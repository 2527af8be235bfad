"""Keyboard flow as F1 says (issue 9, point 5): every shortcut in the F1 table does what it says and F1 lists
every shortcut; a whole sale needs no mouse; nothing the cashier typed is silently discarded."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from pos_member.domain.money import format_yuan
from pos_member.services import history, stored_value
from pos_member.services.coupons import issue_coupon, member_coupons
from tests.conftest import MANAGER_PIN
from tests.gui.conftest import idle


def _press(qtbot, keys: str) -> None:
    """The keys as a cashier presses them, on whatever has the keyboard focus."""
    combo = QKeySequence(keys)[0]
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())


def _type(qtbot, text: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, text)


def _focused(widget) -> bool:
    focus = QApplication.focusWidget()
    return focus is widget or (focus is not None and widget.isAncestorOf(focus))


def _scan(qtbot, window, code: str, name: str) -> None:
    _press(qtbot, "F2")
    _type(qtbot, code)
    _press(qtbot, "Return")
    qtbot.waitUntil(lambda: window.member_panel.name.text() == name)
    idle(qtbot, window)


def _open_dialog(qtbot, window) -> QDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog)))
    return next(d for d in window.findChildren(QDialog) if d.isVisible())


def _closes(qtbot, window, title_part: str = "") -> Callable[[], None]:
    def check() -> None:
        dialog = _open_dialog(qtbot, window)
        assert title_part in dialog.windowTitle()
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.isVisible())
        qtbot.waitUntil(lambda: _focused(window.code))  # the till takes the keyboard back

    return check


def test_every_shortcut_in_f1_does_what_it_says(qtbot, till_app, window, people):
    table = {keys: text for keys, text, _ in window.shortcuts}
    # F1 lists every shortcut the window has, and only those
    installed = {s.key().toString() for s in window.findChildren(QShortcut)}
    assert installed == {QKeySequence(k).toString() for k in table}
    _press(qtbot, "F1")
    assert window.help.isVisible()
    shown = {label.text() for label in window.help.findChildren(QLabel)}
    assert set(table) <= shown and set(table.values()) <= shown
    _press(qtbot, "F1")
    assert not window.help.isVisible() and _focused(window.code)

    stored_value.adjust_points(till_app.store, people.wang.card_no, 400, "test", MANAGER_PIN)
    _scan(qtbot, window, people.wang.card_no, "王小明")
    sale, done = window.sale, {"F1"}

    def check(keys: str, effect: Callable[[], bool] | None = None, then: Callable[[], None] | None = None) -> None:
        _press(qtbot, keys)
        if effect is not None:
            qtbot.waitUntil(effect)
        if then is not None:
            then()
        done.add(keys)

    check("F2", lambda: _focused(window.code))
    check("F3", lambda: _focused(sale.amount))
    _type(qtbot, "100")
    qtbot.waitUntil(lambda: sale.quote is not None)
    check("F4", lambda: _focused(sale.line_category))
    check("F5", lambda: _focused(sale.points))
    check("Shift+F5", lambda: sale.points.text() == str(sale.quote.max_redeemable_points) != "0")
    qtbot.waitUntil(lambda: sale.quote is not None and sale.quote.points_redeemed > 0)
    check("F6", lambda: _focused(sale.stored))
    rest = format_yuan(sale.quote.payable_fen)
    check("Shift+F6", lambda: sale.stored.text() == rest and _focused(sale.stored))
    check("F8", lambda: _focused(sale.coupon))
    check("Ctrl+P", lambda: window.message.text() == "No receipt yet: confirm a sale first.")
    check("Ctrl+S", lambda: window.message.text() == "No receipt yet: confirm a sale first.")
    qtbot.waitUntil(lambda: sale.quote is not None and sale.quote.payable_fen == 0)
    check("F12", lambda: window.message.text().startswith("Sale recorded"))
    idle(qtbot, window)
    assert [(s["total_fen"], s["payable_fen"]) for s in history.recent_sales(till_app.store, 5)] == [(10000, 0)]
    check("Ctrl+S", lambda: window.message.text().startswith("Receipt saved"))
    assert list((till_app.paths.home / "receipts").glob("*.pdf"))
    check("F7", lambda: _focused(window.sales))
    check("Ctrl+R", then=_closes(qtbot, window, "Refund"))
    check("Ctrl+T", then=_closes(qtbot, window, "Top up"))
    check("Ctrl+Shift+A", then=_closes(qtbot, window, "Adjust points"))
    check("Ctrl+Shift+L", then=_closes(qtbot, window, "Report card lost"))
    check("Ctrl+Shift+R", then=_closes(qtbot, window, "Replace card"))
    check("Ctrl+Shift+F", then=_closes(qtbot, window, "Freeze card"))
    check("Ctrl+Shift+U", then=_closes(qtbot, window, "Unfreeze card"))
    check("Ctrl+Shift+Q", then=_closes(qtbot, window))  # the card's QR (behind a manager's PIN, if asked)
    check("F9", then=_closes(qtbot, window))  # settings (behind a manager's PIN, if asked)
    check("F11", then=_closes(qtbot, window, "HQ sync"))
    check("Esc", lambda: window.member is None and window.code.text() == "" and _focused(window.code))
    check("Ctrl+N", then=_closes(qtbot, window, "Register a member"))
    check("F10", lambda: window.staff is None and window.signin.isVisible())
    assert done == set(table)  # a new shortcut needs its check here


def test_a_whole_sale_with_lines_points_stored_value_and_a_coupon_needs_no_mouse(qtbot, till_app, window,
                                                                                  people):
    stored_value.adjust_points(till_app.store, people.wang.card_no, 400, "test", MANAGER_PIN)
    coupon = issue_coupon(till_app.store, people.wang.card_no, "save10")  # 10 off 100
    _scan(qtbot, window, people.wang.card_no, "王小明")
    sale = window.sale
    _press(qtbot, "F4")
    _type(qtbot, "fresh")
    _press(qtbot, "Return")  # Enter in the category goes on to the line's amount
    assert _focused(sale.line_amount)
    _type(qtbot, "70")
    _press(qtbot, "Return")  # adds the line; back to the category, ready for the next one
    assert _focused(sale.line_category)
    _type(qtbot, "tobacco")
    _press(qtbot, "Return")
    _type(qtbot, "50")
    _press(qtbot, "Return")
    assert [c for c, _ in sale.line_items()] == ["fresh", "tobacco"]
    _press(qtbot, "F8")
    _press(qtbot, "Down")  # the member's one coupon
    qtbot.waitUntil(lambda: sale.quote is not None and sale.quote.coupon_fen == 1000)
    _press(qtbot, "F5")
    _type(qtbot, "200")
    qtbot.waitUntil(lambda: sale.quote is not None and sale.quote.points_redeemed == 200)
    _press(qtbot, "Shift+F6")
    qtbot.waitUntil(lambda: sale.quote is not None and sale.quote.payable_fen == 0)
    _press(qtbot, "F12")
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    idle(qtbot, window)
    with sqlite3.connect(till_app.paths.db) as raw:
        row = raw.execute("SELECT total_fen, coupon_fen, points_redeemed, stored_paid_fen + stored_bonus_fen, payable_fen "
                          "FROM sales").fetchone()
        lines = raw.execute("SELECT category FROM sale_lines ORDER BY line_no").fetchall()
    total, coupon_fen, points, stored, payable = row
    assert (total, coupon_fen, points, payable) == (12000, 1000, 200, 0)
    assert stored == 12000 - 1000 - 200  # the points were worth ¥ 2.00 at 100 points a yuan
    assert [c for (c,) in lines] == ["fresh", "tobacco"]
    assert member_coupons(till_app.store, people.wang.card_no, usable_only=True) == []
    assert coupon["code"] in window.receipt.toPlainText()


def test_enter_in_the_coupon_field_confirms(qtbot, till_app, window, people):
    _scan(qtbot, window, people.li.card_no, "Li Lei")
    _type(qtbot, "30")
    _press(qtbot, "F8")
    qtbot.waitUntil(lambda: window.sale.quote is not None)
    _press(qtbot, "Return")
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    assert len(history.recent_sales(till_app.store, 5)) == 1


def test_an_amount_typed_before_the_member_is_kept(qtbot, till_app, window, people):
    _press(qtbot, "F3")
    _type(qtbot, "45.50")
    _scan(qtbot, window, people.li.card_no, "Li Lei")
    assert window.sale.amount.text() == "45.50"
    assert "The bill typed before the scan is kept." in window.message.text()
    qtbot.waitUntil(lambda: window.sale.summary["payable"].text() == "¥ 45.50")
    _press(qtbot, "F12")
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    assert [s["total_fen"] for s in history.recent_sales(till_app.store, 5)] == [4550]
