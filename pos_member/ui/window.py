"""The till window: sign-in, then member code, camera, member panel, bill, quote, receipt and last sales.

Database work goes through `self.ops` (ui/ops.py): reads as queries, writes as named operations that declare
what they changed; `self.refresher` is the one place those changes reach the panels. The window holds only
what is on screen and the customer at the till. Manager work, refunds, printing and settings live in
TillActions (actions.py) to keep this file about the sale.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pos_member.config import Paths, Settings
from pos_member.domain.coupons import is_coupon_text
from pos_member.domain.money import format_yuan
from pos_member.services import checkout
from pos_member.services.checkout import SaleResult
from pos_member.services.context import Store
from pos_member.services.lookup import MemberView
from pos_member.services.staff import StaffMember, attempt_sign_in
from pos_member.ui.actions import TillActions
from pos_member.ui.camera_view import CameraView
from pos_member.ui.fitted_label import FittedLabel
from pos_member.ui.help_overlay import HelpOverlay
from pos_member.ui.member_panel import MemberPanel
from pos_member.ui.ops import COMMIT_SALE, MemberRead, OpChanges, Operations, PanelRefresher, read_member
from pos_member.ui.printing import Receipt, member_qr
from pos_member.ui.quoting import BillPricer
from pos_member.ui.sale_panel import SalePanel
from pos_member.ui.sales_list import SalesList
from pos_member.ui.shortcuts import install_shortcuts
from pos_member.ui.signin_page import SignInPage
from pos_member.ui.sound import ReadSound
from pos_member.ui.status_bar import TillStatusBar
from pos_member.ui.sync_status import SyncMonitor
from pos_member.ui.tasks import DbWorker, describe_error

log = logging.getLogger(__name__)

SYNC_POLL_MS = 15_000
SIGNED_IN = OpChanges(sales=True, new_sale=True, sync_queue=True)  # what a till shows of itself


def _sign_in(store: Store, pin: str) -> StaffMember:
    return attempt_sign_in(store, pin)  # the lockout and the audit of failures live in the service


class TillWindow(QMainWindow):
    closing = Signal()
    ready = Signal()  # the PIN page is up and the store is open
    member_shown = Signal(object)  # MemberView, after the panel shows it (the scan benchmark listens)
    sale_committed = Signal(object)  # SaleResult
    settings_changed = Signal(bool)  # True when the camera source or decoder changed

    def __init__(self, store: Store, worker: DbWorker, settings: Settings, paths: Paths) -> None:
        super().__init__()
        self.store, self.worker, self.settings, self.paths = store, worker, settings, paths
        self.staff: StaffMember | None = None
        self.member: MemberView | None = None
        self.current_code = ""
        self.last_receipt: Any = None  # a Receipt or a RefundReceipt (ui/printing.py)
        self._recorded = False  # a sale was just recorded and nothing was typed since: F12 has nothing to do
        self.sync_now: Callable[[], None] | None = None  # the app plugs the sync worker's "now" in here
        self.sync_panel: Any = None
        self.setWindowTitle(self.tr("Till — pos-member"))
        self.setObjectName("till")
        self.sound = ReadSound(self)
        self.status = TillStatusBar(self)
        self.setStatusBar(self.status)
        self.signin = SignInPage()
        self.signin.pin_entered.connect(self._sign_in)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.signin)
        self.stack.addWidget(self._build_till())
        self.setCentralWidget(self.stack)
        self.ops = Operations(worker, self)
        self.sync_monitor = SyncMonitor(store, worker, self)
        self.sync_monitor.changed.connect(self.status.show_sync)
        self.refresher = PanelRefresher(
            self.ops, store, member_code=lambda: self.current_code, show_member=self._member_refreshed,
            show_sales=self.sales.show_sales, refresh_sync=self.sync_monitor.refresh,
            on_error=lambda exc: self.say(describe_error(exc), error=True), parent=self)
        self.till_actions = TillActions(self, self)  # the window is the actions' TillContext
        self.shortcuts = install_shortcuts(self)
        self.help = HelpOverlay(self, [(keys, text) for keys, text, _ in self.shortcuts])
        self.help.closed.connect(self.focus_code)
        self.pricer = BillPricer(self.ops, store, self.sale, lambda: self.current_code if self.member else None,
                                 self)
        self._sync_timer = QTimer(self, interval=SYNC_POLL_MS)
        self._sync_timer.timeout.connect(self.sync_monitor.refresh)

    # -- layout ------------------------------------------------------------------------------------

    def _build_till(self) -> QWidget:
        self.code = QLineEdit(objectName="memberCode")
        self.code.setPlaceholderText(self.tr("Scan, or type a code and Enter"))
        self.code.returnPressed.connect(self.look_up)
        self.camera = CameraView()
        self.member_panel = MemberPanel()
        self.sale = SalePanel()
        self.sale.changed.connect(self._bill_edited)
        self.sale.confirm_requested.connect(self.confirm_sale)
        self.sale.foreign_text.connect(self._scanner_typed)
        self.confirm_button = QPushButton(self.tr("Confirm sale  [F12]"), objectName="confirm")
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm_button.clicked.connect(self.confirm_sale)
        self.message = FittedLabel(2, "message")  # two lines at most: Confirm and the status bar stay put
        self.receipt = QTextBrowser(objectName="receipt")
        self.receipt.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.receipt.setPlaceholderText(self.tr("The receipt of the last sale shows here."))
        self.sales = SalesList()

        # Three columns over one row for what was said and Confirm. Built to fit 1024x768 (the status bar
        # included) in English and Chinese: the columns share the width by stretch from small minimums, and
        # only the tables, the receipt and the member panel's blank grow with the height.
        left = QVBoxLayout()
        code_box = QGroupBox(self.tr("Member code  [F2]"))
        QVBoxLayout(code_box).addWidget(self.code)
        left.addWidget(code_box)
        left.addWidget(self.camera, 2)  # up to its 16:9; the member panel first gets all it needs
        left.addWidget(self.member_panel, 3)
        right = QVBoxLayout()
        receipt_box = QGroupBox(self.tr("Receipt  [Ctrl+P, Ctrl+S]"))
        receipt_box.setToolTip(self.tr("Ctrl+P prints the receipt; Ctrl+S saves it as PDF"))
        QVBoxLayout(receipt_box).addWidget(self.receipt)
        sales_box = QGroupBox(self.tr("Sales  [F7; Ctrl+R refund]"))
        QVBoxLayout(sales_box).addWidget(self.sales)
        for box in (receipt_box, sales_box):
            box.setMinimumWidth(200)
        right.addWidget(receipt_box, 1)
        right.addWidget(sales_box, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 8)
        columns.addWidget(self.sale, 13)
        columns.addLayout(right, 8)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignVCenter)
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(8, 6, 8, 4)
        outer.addLayout(columns, 1)
        outer.addLayout(bottom)
        return page

    def guarded(self, handler: Callable[[], None]) -> None:
        # till shortcuts do nothing on the PIN page (F1 and F9 neither: nobody is signed in)
        if self.help.isVisible():  # any shortcut first closes the help, as Esc and F1 do
            self.help.close_overlay()
            return
        if self.staff is not None and self.stack.currentIndex() == 1:
            handler()

    def focus_field(self, widget: QWidget) -> None:
        widget.setFocus()
        edit = widget.lineEdit() if isinstance(widget, QComboBox) and widget.isEditable() else widget
        if isinstance(edit, QLineEdit):
            edit.selectAll()  # what is typed next replaces what is there

    def back_to_till(self) -> None:
        """After a dialog: the till window takes the keyboard again, the code field ready."""
        self.activateWindow()
        self.focus_code()

    def focus_code(self) -> None:
        self.code.setFocus()
        self.code.selectAll()

    @staticmethod
    def tr_demo_hint() -> str:
        return QCoreApplication.translate("TillWindow", "Demo store: cashier PIN {0}, manager PIN {1}")

    # -- start, sign-in ------------------------------------------------------------------------------

    def show_preparing(self) -> None:
        self.stack.setCurrentIndex(0)
        self.signin.preparing(self.tr("First start: preparing the demo store…"))

    def show_sign_in(self, hint: str = "") -> None:
        self.staff = None
        self.status.set_staff(None)
        self.stack.setCurrentIndex(0)
        self.signin.ask_pin(self.store.identity.store_name, hint)
        self.setWindowTitle(self.signin.window_title())
        self.ready.emit()

    def _sign_in(self, pin: str) -> None:
        self.ops.query(_sign_in, self.store, pin, on_done=self._signed_in, on_error=self.signin.sign_in_refused)

    def _signed_in(self, staff: StaffMember) -> None:
        self.staff = staff
        self.status.set_staff(staff.name, staff.role)
        self.stack.setCurrentIndex(1)
        self.clear_customer()
        self.refresher.apply(SIGNED_IN)
        self._sync_timer.start()

    def sign_out(self) -> None:
        self.clear_customer()
        self._sync_timer.stop()
        self.show_sign_in()

    # -- member ------------------------------------------------------------------------------------

    def look_up(self, code: str | None = None) -> None:
        """Show the member a code names (typed, scanned, or a member an action just made)."""
        code = (self.code.text() if code is None else code).strip()
        if not code or self.take_coupon(code):
            return
        self.ops.query(read_member, self.store, code, on_done=self._show_member, on_error=self._lookup_failed)

    def show_code(self, code: str) -> None:
        """The code of the member at the till changed under an action (a replacement card): the next refresh
        reads this one."""
        self.code.setText(code)
        self.current_code = code

    def _show_member(self, read: MemberRead) -> None:
        view = read.view
        same = self.member is not None and self.member.id == view.id and not view.card_problem
        self.member, self.current_code, self._recorded = view, read.code, False
        self.member_panel.show_member(view)
        self.member_panel.show_coupons(read.coupons)
        if not same:
            # points, stored value and coupons are the last customer's; the bill typed is what is on the counter
            self.sale.clear_member_fields()
        self.sale.set_member_balances(view.stored_value_fen)
        if not self.sale.coupon_code():
            self.sale.set_coupons(read.coupons)
        if view.card_problem:
            self.say(self.member_panel.problem.text(), error=True)  # the panel's sentence, translated
            self.focus_code()
        else:
            said = self.tr("Member {0}: {1}").format(view.member_no, view.name)
            if not same and self.sale.has_bill():
                said += " " + self.tr("The bill typed before the scan is kept.")
            self.say(said)
            if self.sale.has_bill():
                self.pricer.schedule()
            self.focus_field(self.sale.amount)
        self.member_shown.emit(view)

    def _member_refreshed(self, read: MemberRead) -> None:
        """After an operation changed the member at the till: figures and coupons, the bill untouched."""
        if self.member is None or self.member.id != read.view.id:
            return  # the next customer is already at the till
        self.member = read.view
        self.member_panel.show_member(read.view)
        self.member_panel.show_coupons(read.coupons)
        self.sale.set_member_balances(read.view.stored_value_fen)
        if not self.sale.coupon_code():
            self.sale.set_coupons(read.coupons)

    def take_coupon(self, text: str) -> bool:
        """A coupon code or QR typed or scanned: it belongs in the coupon field of the current sale."""
        if not is_coupon_text(text) or text.strip().upper().startswith("PM1."):
            return False
        if self.member is None:
            self.say(self.tr("Scan the member's card first, then the coupon."), error=True)
        else:
            self.sale.use_coupon(text)
            self.say(self.tr("Coupon read: see the quote."))
        self.code.setText(self.current_code)
        return True

    def _lookup_failed(self, exc: Exception) -> None:
        self.member, self.current_code = None, ""
        self.member_panel.clear()
        self.sale.clear_member_fields()  # the bill typed stays for the right card
        self.say(describe_error(exc), error=True)
        self.focus_code()

    def _scanner_typed(self, text: str) -> None:
        """A USB scanner started typing while a bill field had the focus: the rest goes to the code."""
        self.code.setText(text)
        self.code.setFocus()

    def on_scanned(self, text: str) -> None:
        """A code the camera confirmed (seen in 2 frames)."""
        self.sound.play()
        self.camera.flash_read(self.tr("Read ✓"))
        if self.staff is None or self.stack.currentIndex() != 1 or self.take_coupon(text):
            return
        self.code.setText(text)
        self.code.setCursorPosition(0)  # the start of a QR text says what it is; the signature is noise
        self.look_up(text)

    def on_preview(self, image: QImage) -> None:
        self.camera.show_frame(image)

    def clear_customer(self) -> None:
        self.member, self.current_code, self._recorded = None, "", False
        self.member_panel.clear()
        self.sale.clear()
        self.code.clear()
        self.message.clear()
        self.focus_code()

    # -- quote and confirm ---------------------------------------------------------------------------

    def _bill_edited(self) -> None:
        self._recorded = False
        self.pricer.schedule()

    def confirm_sale(self) -> None:
        if self.ops.running(COMMIT_SALE) or self.staff is None:
            return  # a second F12 while the sale is written: the first one is recording it
        if self.member is None:
            self.say(self.tr("Scan or type the member's code first."), error=True)
            self.focus_code()
            return
        if self.member.card_problem:
            self.say(self.member_panel.problem.text(), error=True)  # the panel's sentence, translated
            return
        if self._recorded and not self.sale.has_bill():
            return  # F12 again right after "Sale recorded": that message stays, nothing is rung twice
        request = self.pricer.request()
        if request is None:
            if not self.sale.error.text():
                self.say(self.tr("Type the bill amount first."), error=True)
                self.focus_field(self.sale.amount)
            return
        self.confirm_button.setEnabled(False)
        self.ops.run(COMMIT_SALE, checkout.commit_sale, self.store, request, self.staff.id,
                     on_done=self._committed, on_error=self._commit_failed)

    def _committed(self, result: SaleResult) -> None:
        self.confirm_button.setEnabled(True)
        assert self.member is not None and self.staff is not None
        self.show_receipt(Receipt(self.store.identity.store_name, self.staff.name, self.store.now()[:19].replace(
            "T", " "), self.member, result, member_qr(self.store, self.member)))
        self.say(self.tr("Sale recorded: pay ¥ {0}, {1} points earned.").format(
            format_yuan(result.quote.payable_fen), result.quote.points_earned))
        self.sale.clear()  # the member, balances and coupons come back with the refresh COMMIT_SALE declares
        self._recorded = True
        self.sale_committed.emit(result)
        self.focus_code()

    def _commit_failed(self, exc: Exception) -> None:
        self.confirm_button.setEnabled(True)
        self.say(describe_error(exc), error=True)
        self.sale.show_error(describe_error(exc))

    def show_receipt(self, receipt: Any) -> None:
        """A sale's or a refund's receipt: shown, and what Ctrl+P and Ctrl+S print from now on."""
        self.last_receipt = receipt
        self.receipt.setHtml(receipt.html())

    def selected_sale(self) -> dict[str, Any] | None:
        return self.sales.selected_sale()

    def apply_settings(self, settings: Settings, camera_changed: bool) -> None:
        """Settings saved by a manager: in force at once (the app restarts the camera when it changed)."""
        self.settings = settings
        self.settings_changed.emit(camera_changed)

    def say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # -- camera state --------------------------------------------------------------------------------

    def camera_started(self, description: str) -> None:
        self.camera.set_message(self.tr("Camera: {0}").format(description))
        self.status.set_camera(self.tr("camera on"), ok=True, detail=description)

    def camera_stats(self, stats: Any) -> None:
        """Once a second from the scan loop: the figures go in the camera label's tooltip."""
        self.status.camera.setToolTip(self.tr("capture {0:.0f} fps, decode {1:.0f} fps, {2} frames dropped").format(
            stats.capture_fps, stats.decode_fps, stats.frames_dropped))

    def camera_failed(self, reason: str) -> None:
        self.camera.no_camera(reason)
        self.status.set_camera(self.tr("no camera"), ok=False, detail=reason)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._sync_timer.stop()
        self.closing.emit()
        super().closeEvent(event)
