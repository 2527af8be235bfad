"""Every refusal the till can show reads in Chinese when the till is in Chinese (issue 9, point 6), and the
quote's maximum points is what F12 accepts, offline too (point 4).

Refusals are triggered the way a cashier meets them: typed at the keyboard into the real till on a real store
file. After each, every sentence on the screen (window message, the bill's error, the coupon note, the member
panel's refusal, the sign-in page, an open dialog's error) must contain Chinese: an ASCII-only sentence is an
English one that slipped through."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import text

from pos_member.domain.reasons import Reason
from pos_member.services import cards, coupons, stored_value
from pos_member.services.context import Store
from pos_member.ui.window import TillWindow
from tests.conftest import MANAGER_PIN
from tests.gui.conftest import idle, sign_in, type_code

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier




def test_every_reason_has_a_chinese_sentence(zh):
    from pos_member.ui.messages import every_sentence, sentence

    sentences = every_sentence()
    assert set(sentences) == set(Reason)
    for reason, said in sentences.items():
        assert not said.isascii(), f"{reason}: {said!r}"
    assert sentence(Reason.POINTS_OVER_CONFIRMED, {"available": 1130}) == (
        "总部未应答：总部只确认了该会员的 1130 积分；上次同步后在本店获得的积分须等下次同步后才能使用（离线限额）。")
    assert sentence(Reason.NO_STAFF_PIN, {}, "pin") == "没有员工使用这个密码。"


def test_every_reason_has_an_english_till_sentence(qapp):
    from pos_member.ui.messages import every_sentence

    assert set(every_sentence()) == set(Reason)


def _screen(window: TillWindow) -> list[str]:
    labels = [window.message, window.sale.error, window.sale.coupon_note, window.member_panel.problem,
              window.signin.message]
    dialog = getattr(window.till_actions, "dialog", None)
    if dialog is not None and getattr(dialog, "error", None) is not None and dialog.isVisible():
        labels.append(dialog.error)
    return [label.text() for label in labels if label.text()]


def _all_chinese(window: TillWindow) -> None:
    for said in _screen(window):
        assert not said.isascii(), f"English on a Chinese till: {said!r}"


def _shows(qtbot, window: TillWindow, expected: str) -> None:
    """Wait until `expected` is on the screen, then check nothing on it is English."""
    qtbot.waitUntil(lambda: any(expected in said for said in _screen(window)), timeout=10_000)
    _all_chinese(window)


def _retype(qtbot, field: QLineEdit, value: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    if value:
        qtbot.keyClicks(field, value)


def _enrol_offline(store: Store) -> None:
    """What enrolment and a last good push leave: a token, every entry so far acknowledged by HQ."""
    with store.db.write() as conn:
        through = conn.execute(text("SELECT COALESCE(MAX(local_seq), 0) FROM ledger")).scalar_one()
        conn.execute(text("INSERT INTO sync_state (key, value) VALUES ('token', 'device-token'), "
                          "('push_through', :through)"), {"through": str(through)})


def test_wrong_staff_pin_reads_in_chinese(qtbot, zh, till_app):
    window = till_app.window
    qtbot.waitUntil(lambda: window.signin.pin.isVisible() and window.signin.pin.isEnabled())
    qtbot.keyClicks(window.signin.pin, "9999")
    qtbot.keyClick(window.signin.pin, Qt.Key.Key_Return)
    _shows(qtbot, window, "PIN 码错误。再错 4 次，登录将暂停。")  # wrong, and how many tries are left


def test_bill_points_stored_value_and_code_refusals_read_in_chinese(qtbot, zh, till_app, people):
    window = till_app.window
    store = till_app.store
    stored_value.adjust_points(store, people.li.card_no, 10_000, "opening balance", MANAGER_PIN)
    sign_in(qtbot, window)

    type_code(qtbot, window, "13911112222")
    _shows(qtbot, window, "没有与此号码匹配的会员或卡。")
    window.code.clear()
    type_code(qtbot, window, "ABC")
    _shows(qtbot, window, "不是卡号、会员二维码、手机号或会员号")
    window.code.clear()

    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")
    assert window.member_panel.tier.text() == "普通会员"  # the tier's name from the rules' zh_CN labels
    sale = window.sale
    for typed, said in (("0", "账单金额：必须大于 0。"), ("2000000", "账单金额：数值过大（最多 ¥ 1000000.00）。"),
                        ("200000", "账单金额：超过本店上限 ¥ 100000.00。")):
        _retype(qtbot, sale.amount, typed)
        _shows(qtbot, window, said)
    _retype(qtbot, sale.amount, "100")
    _retype(qtbot, sale.points, "6000")
    _shows(qtbot, window, "本单最多可用 5000 积分（账单的 50%）。")
    _retype(qtbot, sale.amount, "1000")
    _retype(qtbot, sale.points, "20000")
    _shows(qtbot, window, "会员只有 10000 积分。")
    _retype(qtbot, sale.points, "")
    _retype(qtbot, sale.stored, "1")
    _shows(qtbot, window, "会员储值余额只有 ¥ 0.00。")
    _retype(qtbot, sale.stored, "")

    # a coupon: not applicable on this bill (the note, then F12), unknown, not a coupon code at all
    coupons.issue_coupon(store, people.li.card_no, "save10")
    window.code.clear()
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.sale.coupon.count() == 2)
    assert "满 100 减 10 元" in window.sale.coupon.itemText(1)  # the coupon's name from the rules' labels
    assert "满 100 减 10 元" in window.member_panel.coupons.text()
    _retype(qtbot, sale.amount, "80")
    sale.coupon.setCurrentIndex(1)
    _shows(qtbot, window, "不可用：账单需满 ¥ 100.00（本单 ¥ 80.00）")
    qtbot.keyClick(sale.amount, Qt.Key.Key_F12)
    _shows(qtbot, window, "这张优惠券不能用于本单：账单需满 ¥ 100.00（本单 ¥ 80.00）")
    _retype(qtbot, sale.amount, "120")
    _shows(qtbot, window, "可用：减 ¥ 10.00（满 100 减 10 元）")
    sale.coupon.setEditText("AAAAAAAAAA")
    _shows(qtbot, window, "本店没有这张优惠券。")
    sale.coupon.setEditText("PMC.x.y")
    _shows(qtbot, window, "这不是优惠券码（10 位字母和数字）。")
    sale.coupon.setEditText("")

    # stored value beyond what is left to pay (Wang has 300 yuan)
    window.code.clear()
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明")
    _retype(qtbot, sale.amount, "100")
    _retype(qtbot, sale.stored, "200")
    _shows(qtbot, window, "储值超过了待付的 ¥ 100.00。")

    # offline: only what HQ confirmed, less this till's unconfirmed spend
    _enrol_offline(store)
    window.code.clear()
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")
    from pos_member.services.checkout import SaleRequest, commit_sale
    commit_sale(store, SaleRequest(people.li.card_no, 100_000, redeem_points=4000))  # 960 earned, unconfirmed
    _retype(qtbot, sale.amount, "1000")
    _retype(qtbot, sale.points, "6500")  # within the balance of 6960
    _shows(qtbot, window, "总部只确认了该会员的 6000 积分")
    _retype(qtbot, sale.points, "2000")
    _shows(qtbot, window, "在总部恢复应答前，该会员在本机还可使用 1000 积分（离线限额）。")


def test_card_and_manager_refusals_read_in_chinese(qtbot, zh, till_app, people):
    window = till_app.window
    cards.report_lost(till_app.store, people.li.card_no, MANAGER_PIN)
    sign_in(qtbot, window)
    type_code(qtbot, window, people.li.card_no)
    _shows(qtbot, window, "已挂失")
    qtbot.keyClick(window.code, Qt.Key.Key_F12)
    idle(qtbot, window)
    _all_chinese(window)

    window.code.clear()
    type_code(qtbot, window, people.wang.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "王小明")
    qtbot.keyClick(window.code, Qt.Key.Key_F, CTRL_SHIFT)  # freeze, without a manager PIN
    dialog = window.till_actions.dialog
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    _shows(qtbot, window, "需要店长")
    qtbot.keyClicks(dialog.inputs["manager_pin"], "1111")
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    _shows(qtbot, window, "店长密码错误。")
    qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    _shows(qtbot, window, "已冻结")
    window.code.clear()
    type_code(qtbot, window, people.wang.card_no)
    _shows(qtbot, window, "已冻结")

    qtbot.keyClick(window.code, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # register: a bad phone
    dialog = window.till_actions.dialog
    dialog.inputs["name"].setText("赵六")
    qtbot.keyClicks(dialog.inputs["phone"], "12345")
    qtbot.keyClicks(dialog.inputs["manager_pin"], MANAGER_PIN)
    qtbot.keyClick(dialog.inputs["manager_pin"], Qt.Key.Key_Return)
    _shows(qtbot, window, "不是手机号（以 1 开头的 11 位数字）")
    assert window.till_actions.dialog.findChild(type(dialog.inputs["card_type"]), "card_type").itemText(0) == "普通卡"


def test_shift_f5_then_f12_takes_the_most_points_offline(qtbot, till_app, people):
    """The maximum the quote offers is what F12 accepts, offline with unconfirmed spends (issue 9, point 4)."""
    window = till_app.window
    store = till_app.store
    stored_value.adjust_points(store, people.li.card_no, 2000, "opening balance", MANAGER_PIN)
    _enrol_offline(store)
    from pos_member.services.checkout import SaleRequest, commit_sale
    commit_sale(store, SaleRequest(people.li.card_no, 10_000, redeem_points=300))  # not yet acknowledged
    sign_in(qtbot, window)
    type_code(qtbot, window, people.li.card_no)
    qtbot.waitUntil(lambda: window.member_panel.name.text() == "Li Lei")
    qtbot.keyClicks(window.sale.amount, "1000")
    qtbot.waitUntil(lambda: window.sale.points_max.text() == "max 1700")  # balance 1797, HQ confirmed 1700
    qtbot.keyClick(window.sale.amount, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.sale.points.text() == "1700")
    qtbot.waitUntil(lambda: window.sale.summary["points"].text().startswith("1700 pts"))
    qtbot.keyClick(window.sale.points, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: window.message.text().startswith("Sale recorded"), timeout=10_000)
    with store.db.read() as conn:
        redeemed = conn.execute(text("SELECT points_redeemed FROM sales ORDER BY business_time DESC, rowid DESC "
                                     "LIMIT 1")).scalar_one()
    assert redeemed == 1700


def test_a_failed_sync_reads_in_chinese(zh, store):
    """HQ unreachable: the refusal and the stored last error are typed, so the till says them in Chinese."""
    import socket

    from pos_member.services import sync_service
    from pos_member.ui.messages import sync_error_sentence, till_sentence

    with socket.socket() as probe:  # a port on this machine that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with store.db.write() as conn:
        conn.execute(text("INSERT INTO sync_state (key, value) VALUES ('token', 'device-token'), "
                          "('hq_url', :url)"), {"url": f"http://127.0.0.1:{port}"})
    with pytest.raises(sync_service.SyncFailed) as caught:
        sync_service.sync_once(store, attempts=1, timeout=5)
    assert caught.value.params["why"] == Reason.HQ_UNREACHABLE
    assert str(caught.value) == "sync: HQ unreachable: ConnectionError"
    assert till_sentence(caught.value) == "与总部同步失败：无法连接总部（ConnectionError）。"
    status = sync_service.sync_status(store)
    assert status["last_error"] == "HQ unreachable: ConnectionError"
    assert sync_error_sentence(status) == "无法连接总部（ConnectionError）。"


def test_rows_of_hq_set_aside_read_in_chinese_in_the_sync_panel(qtbot, zh, till_app):
    from tests.gui.test_status import _set_aside_row

    window = till_app.window
    _enrol_offline(till_app.store)
    _set_aside_row(till_app.paths.db)
    sign_in(qtbot, window)
    qtbot.keyClick(window.code, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.sync_panel is not None and window.sync_panel.set_aside.text() != "")
    assert window.sync_panel.set_aside.text() == "#42 会员 M00101000001：本机上 M00101000001 已属于另一位会员。"
    window.sync_panel.close()
