"""Money and points fields are strict: each bad entry typed into each dialog and each bill field is kept as
typed, refused with one sentence naming the field, the field is marked, and nothing is written."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

from pos_member.services import checkout
from pos_member.services.checkout import SaleRequest
from pos_member.ui.number_fields import NumberField
from pos_member.ui.ops import OpChanges
from tests.conftest import MANAGER_PIN
from tests.gui.conftest import idle, type_code

BAD_YUAN = ["-50", "1.234", "abc", "99999999999", "１２", "12.", "1,5"]
BAD_POINTS = ["1.5", "-50", "abc", "99999999999", "１２"]
BAD_CORRECTION = ["1.5", "-1.5", "abc", "99999999999", "１２", "", "0"]


def _rows(till_app, table: str) -> int:
    with sqlite3.connect(till_app.paths.db) as raw:
        return raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - a fixed name


def _written(till_app) -> tuple[int, int, int, int]:
    return tuple(_rows(till_app, table) for table in ("ledger", "sales", "refunds", "topups"))  # type: ignore[return-value]


def _type(qtbot, field: NumberField, text: str) -> None:
    """Type `text` as the cashier would. Letters typed into a bill field are taken by the sale panel's
    filter for the member code (a USB scanner types them), and QTest cannot click a full-width digit's key,
    so those go as key events straight to the field's own handler, as an input method delivers them."""
    field.setFocus()
    field.selectAll()
    if not text.isascii() or any(ch.isalpha() for ch in text):
        for ch in text:
            field.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier,
                                          ch))
    else:
        qtbot.keyClicks(field, text)
    assert field.text() == text  # nothing typed was dropped or rewritten


def _submit_dialog(qtbot, window, field_key: str, text: str, name: str, till_app) -> None:
    dialog = window.till_actions.dialog
    assert dialog is not None
    field = dialog.inputs[field_key]
    assert isinstance(field, NumberField)
    idle(qtbot, window)  # the member's coupons, still being read
    before = _written(till_app)
    if text:
        _type(qtbot, field, text)
    dialog.inputs["manager_pin"].setFocus()
    qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)  # Enter on the last field submits
    assert dialog.error.text().startswith((f"{name}:", f"{name}：")), dialog.error.text()
    assert "\n" not in dialog.error.text()
    assert field.invalid and field.property("invalid") is True
    assert field.text() == text
    assert not dialog.busy and window.worker.pending == 0  # nothing was sent to a service
    assert dialog.isVisible()
    idle(qtbot, window)
    assert _written(till_app) == before
    qtbot.keyClicks(field, "1")  # typing again takes the mark away
    assert not field.invalid


@pytest.mark.parametrize("text", [*BAD_YUAN, ""])
def test_top_up_refuses_a_bad_amount_naming_its_field(qtbot, till_app, window, people, text):
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member is not None)
    window.till_actions.top_up()
    _submit_dialog(qtbot, window, "amount", text, "Paid (¥)", till_app)


def test_a_top_up_the_rules_refuse_names_the_dialogs_field(qtbot, till_app, window, people):
    """A figure the parser takes but the service refuses (above the rules' top-up limit) is named as the
    dialog names it, "Paid (¥)", not as the bill's amount, and that field is marked."""
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member is not None)
    before = _written(till_app)
    window.till_actions.top_up()
    dialog = window.till_actions.dialog
    qtbot.keyClicks(dialog.inputs["amount"], "60000")
    qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.error.text()))
    assert dialog.error.text().startswith("Paid (¥):"), dialog.error.text()
    assert "50000.00" in dialog.error.text() and dialog.inputs["amount"].invalid
    idle(qtbot, window)
    assert _written(till_app) == before


@pytest.mark.parametrize("text", BAD_YUAN)
def test_refund_refuses_a_bad_amount_naming_its_field(qtbot, till_app, window, people, text):
    checkout.commit_sale(till_app.store, SaleRequest(people.wang.card_no, 25000))
    window.refresher.apply(OpChanges(sales=True))  # a sale recorded outside this window
    qtbot.waitUntil(lambda: window.sales.rowCount() == 1)
    window.till_actions.refund()
    _submit_dialog(qtbot, window, "amount", text, "Amount (¥)", till_app)


@pytest.mark.parametrize("text", BAD_CORRECTION)
def test_adjust_points_refuses_a_bad_correction_naming_its_field(qtbot, till_app, window, people, text):
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member is not None)
    window.till_actions.adjust_points()
    qtbot.keyClicks(window.till_actions.dialog.inputs["reason"], "goodwill")
    _submit_dialog(qtbot, window, "delta", text, "Points (+ adds, − removes)", till_app)


def test_a_good_correction_either_way_is_written(qtbot, till_app, window, people):
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member is not None)
    for typed, balance in (("+120", 120), ("-20", 100)):
        window.till_actions.adjust_points()
        dialog = window.till_actions.dialog
        qtbot.keyClicks(dialog.inputs["delta"], typed)
        qtbot.keyClicks(dialog.inputs["reason"], "goodwill")
        dialog.inputs["manager_pin"].setFocus()
        qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
        qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.till_actions.dialog is None)
        idle(qtbot, window)
        assert window.message.text() == f"Points adjusted; the balance is now {balance}."


def test_top_up_refusal_in_chinese_names_its_own_field(qtbot, zh_translator, till_app, people):  # noqa: F811
    from tests.gui.conftest import sign_in

    window = till_app.window
    sign_in(qtbot, window)
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member is not None)
    window.till_actions.top_up()
    _submit_dialog(qtbot, window, "amount", "-50", "充值金额（¥）", till_app)
    assert window.till_actions.dialog.error.text() == "充值金额（¥）：不能为负数。"


SALE_FIELDS = [("amount", "Bill amount", BAD_YUAN), ("points", "Points", BAD_POINTS),
               ("stored", "Stored value", BAD_YUAN)]


@pytest.mark.parametrize(("attr", "name", "text"),
                         [(attr, name, text) for attr, name, texts in SALE_FIELDS for text in texts])
def test_bill_fields_refuse_a_bad_figure_and_f12_writes_nothing(qtbot, till_app, window, people, attr, name, text):
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.sale.amount.hasFocus())
    sale = window.sale
    if attr != "amount":
        qtbot.keyClicks(sale.amount, "100")
    before = _written(till_app)
    field = getattr(sale, attr)
    _type(qtbot, field, text)
    qtbot.waitUntil(lambda: sale.error.text() != "")
    idle(qtbot, window)
    assert sale.error.text().startswith(f"{name}:"), sale.error.text()
    assert field.invalid
    qtbot.keyClick(field, Qt.Key.Key_F12)
    idle(qtbot, window)
    assert _written(till_app) == before
    assert field.text() == text and field.invalid
    assert sale.error.text().startswith(f"{name}:")


@pytest.mark.parametrize("text", [*BAD_YUAN, ""])
def test_category_line_amount_refuses_a_bad_figure(qtbot, till_app, window, people, text):
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.sale.amount.hasFocus())
    sale = window.sale
    before = _written(till_app)
    if text:
        _type(qtbot, sale.line_amount, text)
    qtbot.keyClick(sale.line_amount, Qt.Key.Key_Return)
    assert sale.error.text().startswith("Category line amount (¥):"), sale.error.text()
    assert sale.line_amount.invalid and sale.line_amount.text() == text
    assert sale.lines.count() == 0
    qtbot.keyClick(sale.line_amount, Qt.Key.Key_F12)
    idle(qtbot, window)
    assert _written(till_app) == before
