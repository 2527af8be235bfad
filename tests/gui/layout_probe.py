"""Open the real till on whatever screen Qt gives it, as `pos-member` does (screen-scaled type, maximised
without a window manager), put the busiest sale on it and print where each essential widget landed (JSON).

    QT_QPA_PLATFORM=offscreen:configfile=screen.json python -m tests.gui.layout_probe HOME CARD_NO [--qm zh.qm]

HOME must hold a store seeded by tests.gui.conftest.seed_store. Run in its own process by test_layout.py:
one QApplication per screen size and language.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

LONG_NOTE = {"en": "not applied: this coupon needs a bill of at least ¥ 300.00 in the categories fresh, dairy and "
                   "bakery, and it cannot be combined with the member day discount or any other coupon",
             "zh": "未使用：此优惠券需要生鲜、乳品和烘焙类账单满 ¥ 300.00，且不能与会员日折扣或其他优惠券同时使用，"
                   "请另选一张优惠券或不用优惠券"}
LONG_ERROR = {"en": "Stored value is more than the ¥ 100.00 left to pay; lower it, or leave the field empty and "
                    "take the rest in cash, or scan another card to pay the rest with its stored value.",
              "zh": "储值超过了待付的 ¥ 100.00；请减少储值，或留空并以现金收取余额，或扫描另一张卡用其储值支付余额。"}


def _wait(app: QApplication, condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the till did not reach the expected state")
        app.processEvents()
        time.sleep(0.01)


def _settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _place(widget: QWidget, window: QWidget) -> dict:
    """The widget's rectangle in window coordinates, what each ancestor lets show of it, and its wishes."""
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    shown = QRect(rect)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        shown = shown.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    shown = shown.intersected(window.rect())
    return {"rect": rect.getRect(), "shown": shown.getRect(), "visible": widget.isVisible(),
            "hint_height": widget.sizeHint().height(), "min_height": widget.minimumSizeHint().height()}


def probe(home: str, code: str, qm: str | None) -> dict:
    from pos_member.app import TillApp
    from pos_member.config import Settings
    from pos_member.ui.application import create_application, show_maximised
    from tests.gui.conftest import CASHIER_PIN

    app, _translators = create_application("en")
    translator = QTranslator()
    if qm:
        assert translator.load(qm), qm
        app.installTranslator(translator)
    language = "zh" if qm else "en"
    till = TillApp(home, settings=Settings(camera_source=""), replay_pace=False)
    window = till.start()
    show_maximised(window)
    _wait(app, lambda: window.signin.pin.isVisible())
    window.signin.pin.setText(CASHIER_PIN)
    window.signin._submit()
    _wait(app, lambda: window.staff is not None)
    window.code.setText(code)
    window.look_up()
    _wait(app, lambda: window.member is not None)
    window.sale.amount.setText("268.00")
    window.sale.changed.emit()
    _wait(app, lambda: window.sale.quote is not None)
    _wait(app, lambda: window.worker.pending == 0)
    window.sale.coupon_note.setText(LONG_NOTE[language])
    window.sale.show_error(LONG_ERROR[language])
    window.say(LONG_ERROR[language], error=True)
    _settle(app)
    screen = window.screen()
    widgets = {
        "member code": window.code, "member panel": window.member_panel, "member name": window.member_panel.name,
        "points balance": window.member_panel.points, "stored balance": window.member_panel.stored,
        "bill amount": window.sale.amount, "quote": window.sale.table, "to pay": window.sale.summary["payable"],
        "coupon note": window.sale.coupon_note, "error": window.sale.error, "message": window.message,
        "confirm": window.confirm_button, "status bar": window.status,
    }
    report = {
        "screen": screen.availableGeometry().getRect(),
        "window": window.frameGeometry().getRect(),
        "window_min": window.minimumSizeHint().toTuple(),
        "widgets": {name: _place(widget, window) for name, widget in widgets.items()},
        "fitted": {name: {"full": label.full_text, "shown": label.toolTip()}
                   for name, label in (("coupon note", window.sale.coupon_note), ("error", window.sale.error))},
    }
    window.close()
    till.shutdown()
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("home")
    parser.add_argument("code", help="a member's card number")
    parser.add_argument("--qm")
    args = parser.parse_args()
    print(json.dumps(probe(args.home, args.code, args.qm)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
