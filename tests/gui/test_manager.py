"""Manager work at the till, each behind a manager PIN; receipts; the first start; Chinese."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pos_member.app import TillApp
from pos_member.config import Settings
from pos_member.domain.coupons import parse_coupon_code
from pos_member.domain.errors import PosError
from pos_member.domain.money import parse_points, parse_yuan
from pos_member.services import checkout, refunds
from pos_member.services.checkout import SaleRequest
from pos_member.ui.ops import OpChanges
from tests.conftest import MANAGER_PIN
from tests.gui.conftest import idle, sign_in, type_code

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _fill(qtbot, dialog, values: dict[str, str]) -> None:
    for key, text in values.items():
        qtbot.keyClicks(dialog.inputs[key], text)
    last = list(dialog.inputs.values())[-1]
    qtbot.keyClick(last, Qt.Key.Key_Return)


def test_register_member_and_print_qr(qtbot, till_app, window, tmp_path):
    qtbot.keyClick(window.code, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.till_actions.dialog
    dialog.inputs["name"].setText("赵六")  # Chinese comes through an input method, not key by key
    _fill(qtbot, dialog, {"phone": "13700009999", "manager_pin": "1111"})
    qtbot.waitUntil(lambda: dialog.error.text() == "Wrong manager PIN.")
    qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.till_actions.qr_dialog is not None)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "赵六")
    qr_dialog = window.till_actions.qr_dialog
    assert qr_dialog.qr_text.startswith("PM1." + qr_dialog.card_no)
    assert qr_dialog.save_card_pdf().read_bytes().startswith(b"%PDF")


def test_freeze_unfreeze_top_up_and_adjust(qtbot, till_app, window, people):
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")

    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F, CTRL_SHIFT)
    _fill(qtbot, window.till_actions.dialog, {"manager_pin": MANAGER_PIN})
    qtbot.waitUntil(lambda: "frozen" in window.member_panel.problem.text())
    qtbot.keyClick(window.code, Qt.Key.Key_U, CTRL_SHIFT)
    _fill(qtbot, window.till_actions.dialog, {"manager_pin": MANAGER_PIN})
    qtbot.waitUntil(lambda: "works again" in window.message.text())
    qtbot.waitUntil(lambda: not window.member_panel.problem.isVisible())

    qtbot.keyClick(window.code, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    _fill(qtbot, window.till_actions.dialog, {"amount": "500", "manager_pin": MANAGER_PIN})
    qtbot.waitUntil(lambda: window.member_panel.stored.text() == "¥ 550.00")  # 500 paid + 50 bonus

    qtbot.keyClick(window.code, Qt.Key.Key_A, CTRL_SHIFT)
    dialog = window.till_actions.dialog
    _fill(qtbot, dialog, {"delta": "75", "reason": "goodwill", "manager_pin": MANAGER_PIN})
    qtbot.waitUntil(lambda: window.member_panel.points.text() == "75")
    with sqlite3.connect(till_app.paths.db) as raw:
        assert raw.execute("SELECT note FROM ledger WHERE kind = 'adjust'").fetchall() == [("goodwill",)]


def test_report_lost_from_the_till(qtbot, till_app, window, people):
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_L, CTRL_SHIFT)
    _fill(qtbot, window.till_actions.dialog, {"manager_pin": MANAGER_PIN})
    qtbot.waitUntil(lambda: "reported lost" in window.member_panel.problem.text())


def test_receipt_saved_as_pdf(qtbot, till_app, window, people):
    window.sales.selectRow(0)  # nothing yet; then an older sale exists and is selected
    checkout.commit_sale(till_app.store, SaleRequest(people.wang.card_no, 1000))
    window.refresher.apply(OpChanges(sales=True))  # a sale recorded outside this window
    qtbot.waitUntil(lambda: window.sales.rowCount() == 1)
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")
    qtbot.keyClicks(window.sale.amount, "9.90")
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.last_receipt is not None)
    qtbot.keyClick(window.code, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    pdf = till_app.paths.home / "receipts" / f"{window.last_receipt.sale.sale_id}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Receipt saved" in window.message.text()
    qtbot.waitUntil(lambda: window.sales.rowCount() == 2)
    assert window.sales.selected_sale()["sale_id"] == window.last_receipt.sale.sale_id  # Ctrl+R: the newest


def test_first_start_builds_the_demo_store(qtbot, qapp, tmp_path):
    app = TillApp(str(tmp_path / "fresh"), demo_members=8, settings=Settings(camera_source=""))
    window = app.start()
    qtbot.addWidget(window)
    window.show()
    try:
        assert "preparing the demo store" in window.signin.title.text()
        qtbot.waitUntil(lambda: window.signin.pin.isVisible(), timeout=30_000)
        assert "cashier PIN 1111" in window.signin.hint.text()
        sign_in(qtbot, window, "1234")
        assert window.status.staff.text() == "Signed in: Demo Manager (manager)"
        idle(qtbot, window)
        assert window.sales.rowCount() > 0
    finally:
        window.close()




def test_chinese_interface(qtbot, zh_translator, till_app):
    window = till_app.window
    assert window.signin.prompt.text() == "员工 PIN 码"
    sign_in(qtbot, window)
    assert window.confirm_button.text() == "确认结账  [F12]"
    assert window.status.staff.text() == "已登录：Carl Cashier（收银员）"
    qtbot.keyClick(window.code, Qt.Key.Key_F1)
    texts = [label.text() for label in window.help.findChildren(QLabel)]
    assert "快捷键" in texts and "确认结账（在最后一栏按回车也可）" in texts


def test_refusals_read_in_chinese(qtbot, zh_translator, till_app, people):
    from pos_member.services import cards
    from tests.conftest import MANAGER_PIN
    from tests.gui.conftest import type_code

    window = till_app.window
    cards.report_lost(till_app.store, people.li.card_no, MANAGER_PIN)
    sign_in(qtbot, window)
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: "已挂失" in window.member_panel.problem.text())
    assert window.member_panel.problem.text() == f"拒绝：卡 {people.li.card_no} 已挂失"
    assert window.message.text() == f"拒绝：卡 {people.li.card_no} 已挂失"
    type_code(qtbot, window, "13911112222")
    qtbot.waitUntil(lambda: window.message.text() == "没有与此号码匹配的会员或卡。")


def test_typing_mistakes_on_the_bill_read_in_chinese(qtbot, zh_translator, till_app, people):
    """The fields' validators stop letters and a third decimal; what they let through is refused in Chinese,
    and the camera box says why there is no camera in Chinese too."""
    from tests.gui.conftest import type_code

    window = till_app.window
    sign_in(qtbot, window)
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.sale.amount.hasFocus())
    qtbot.keyClicks(window.sale.amount, "999999")
    qtbot.waitUntil(lambda: window.sale.error.text() == "账单金额：超过本店上限 ¥ 100000.00。")
    window.sale.amount.clear()
    qtbot.keyClicks(window.sale.amount, "100")
    qtbot.keyClicks(window.sale.stored, "150")  # Wang holds 300 yuan, but the bill is 100
    qtbot.waitUntil(lambda: window.sale.error.text() == "储值超过了待付的 ¥ 100.00。")
    assert window.camera.caption.text() == "请用键盘输入或扫码枪扫描会员码。（未设置摄像头）"


@pytest.mark.parametrize(("make_error", "expected"), [
    (lambda: parse_yuan("12a", "amount"), "账单金额：请输入以元为单位的金额，例如 128.50。"),
    (lambda: parse_yuan("1.234", "stored_value"), "储值：最多两位小数（0.01 元）。"),
    (lambda: parse_points("1.5", "redeem_points"), "积分：积分须为整数。"),
    (lambda: parse_coupon_code("hello", b"key"), "这不是优惠券码（10 位字母和数字）。"),
    (lambda: parse_coupon_code("PMC.x.y", b"key"), "这不是优惠券码（10 位字母和数字）。"),
])
def test_what_the_parsers_refuse_reads_in_chinese(zh_translator, make_error, expected):
    from pos_member.ui.messages import till_sentence

    with pytest.raises(PosError) as caught:
        make_error()
    assert till_sentence(caught.value) == expected


def test_the_last_sales_mark_a_refund_on_the_amount_with_the_refunded_sum_in_the_tooltip(qtbot, till_app, window,
                                                                                         people):
    whole = checkout.commit_sale(till_app.store, SaleRequest(people.wang.card_no, 1000))
    part = checkout.commit_sale(till_app.store, SaleRequest(people.li.card_no, 3000))
    refunds.refund_sale(till_app.store, whole.sale_id, None, None)
    refunds.refund_sale(till_app.store, part.sale_id, 1000, None)
    window.refresher.apply(OpChanges(sales=True))
    qtbot.waitUntil(lambda: window.sales.rowCount() == 2)
    assert window.sales.columnCount() == 3  # time, member, amount: the panel's width at 1024 pixels
    cells = {window.sales.rows[row]["sale_id"]: window.sales.item(row, 2) for row in range(2)}
    assert cells[whole.sale_id].font().strikeOut() and cells[whole.sale_id].text() == "10.00"
    assert not cells[part.sale_id].font().strikeOut() and cells[part.sale_id].text() == "↩ 30.00"
    assert "Refunded ¥ 10.00 of ¥ 30.00" in cells[part.sale_id].toolTip()
