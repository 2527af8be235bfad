"""The refund dialog finds a sale by the receipt number printed on its receipt (issue 11), and names the
field when no sale has that number."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from pos_member.services import checkout
from pos_member.services.checkout import SaleRequest
from pos_member.ui.ops import OpChanges
from tests.conftest import MANAGER_PIN
from tests.gui.conftest import idle


def test_a_sale_is_refunded_by_its_receipt_number(qtbot, till_app, window, people):
    first = checkout.commit_sale(till_app.store, SaleRequest(people.wang.card_no, 12000))
    checkout.commit_sale(till_app.store, SaleRequest(people.li.card_no, 3000))  # the selected (latest) sale
    assert first.receipt_no and first.receipt_no.endswith("-1")
    window.refresher.apply(OpChanges(sales=True))
    qtbot.waitUntil(lambda: window.sales.rowCount() == 2)
    qtbot.keyClick(window.code, Qt.Key.Key_F7)
    qtbot.keyClick(window.sales, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = window.till_actions.dialog
    assert dialog is not None
    receipt, pin = dialog.inputs["sale_id"], dialog.inputs["manager_pin"]
    qtbot.keyClicks(receipt, "001-9-99")
    qtbot.keyClicks(pin, MANAGER_PIN)
    qtbot.keyClick(pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "001-9-99" in dialog.error.text())
    assert dialog.focusWidget() is receipt
    receipt.clear()
    qtbot.keyClicks(receipt, first.receipt_no.lower())  # typed in any case
    pin.setFocus()  # the refusal put the cursor in the receipt field
    qtbot.keyClicks(pin, MANAGER_PIN)
    qtbot.keyClick(pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.till_actions.dialog is None)
    idle(qtbot, window)
    with sqlite3.connect(till_app.paths.db) as raw:
        assert raw.execute("SELECT sale_id, amount_fen FROM refunds").fetchall() == [(first.sale_id, 12000)]
    assert "Refunded ¥ 120.00" in window.message.text()
