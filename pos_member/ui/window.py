"""The till window: sign-in, then member code, camera, member panel, bill, quote, receipt and last sales.

Every database call goes through `self.worker` (one serial thread) and comes back to a method here; the
window itself holds only what is on screen. Manager work, refunds, printing and settings live in
TillActions (actions.py) to keep this file about the sale.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
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
from pos_member.domain.errors import PosError
from pos_member.domain.money import format_yuan
from pos_member.services import checkout, coupons, history, lookup
from pos_member.services.checkout import SaleRequest, SaleResult
from pos_member.services.context import Store
from pos_member.services.lookup import MemberView
from pos_member.services.staff import StaffMember, attempt_sign_in
from pos_member.ui.actions import TillActions
from pos_member.ui.camera_view import CameraView
from pos_member.ui.help_overlay import HelpOverlay
from pos_member.ui.member_panel import MemberPanel
from pos_member.ui.printing import Receipt
from pos_member.ui.sale_panel import SalePanel
from pos_member.ui.sales_list import SalesList
from pos_member.ui.shortcuts import install_shortcuts
from pos_member.ui.signin_page import SignInPage
from pos_member.ui.sound import ReadSound
from pos_member.ui.status_bar import TillStatusBar
from pos_member.ui.sync_status import read_sync_view
from pos_member.ui.tasks import DbWorker, describe_error

log = logging.getLogger(__name__)

QUOTE_DELAY_MS = 60  # coalesce a burst of keystrokes into one quote
SYNC_POLL_MS = 15_000
RECENT_SALES = 20


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
        self.last_receipt: Receipt | None = None
        self._quote_seq = 0
        self.sync_now: Callable[[], None] | None = None  # the app plugs the sync worker's "now" in here
        self.sync_panel: Any = None
        self._committing = False
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
        self.till_actions = TillActions(self)
        self.shortcuts = install_shortcuts(self)
        self.help = HelpOverlay(self, [(keys, text) for keys, text, _ in self.shortcuts])
        self.help.closed.connect(self.focus_code)
        self._quote_timer = QTimer(self, singleShot=True, interval=QUOTE_DELAY_MS)
        self._quote_timer.timeout.connect(self._request_quote)
        self._sync_timer = QTimer(self, interval=SYNC_POLL_MS)
        self._sync_timer.timeout.connect(self.refresh_sync)

    # -- layout ------------------------------------------------------------------------------------

    def _build_till(self) -> QWidget:
        self.code = QLineEdit(objectName="memberCode")
        self.code.setPlaceholderText(self.tr("Scan, or type a code and Enter"))
        self.code.returnPressed.connect(self.look_up)
        self.camera = CameraView()
        self.member_panel = MemberPanel()
        self.sale = SalePanel()
        self.sale.changed.connect(lambda: self._quote_timer.start())
        self.sale.confirm_requested.connect(self.confirm_sale)
        self.sale.foreign_text.connect(self._scanner_typed)
        self.confirm_button = QPushButton(self.tr("Confirm sale  [F12]"), objectName="confirm")
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm_button.clicked.connect(self.confirm_sale)
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.receipt = QTextBrowser(objectName="receipt")
        self.receipt.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.receipt.setPlaceholderText(self.tr("The receipt of the last sale shows here."))
        self.sales = SalesList()

        left = QVBoxLayout()
        code_box = QGroupBox(self.tr("Member code  [F2]"))
        QVBoxLayout(code_box).addWidget(self.code)
        left.addWidget(code_box)
        left.addWidget(self.camera)
        left.addWidget(self.member_panel, 1)
        middle = QVBoxLayout()
        middle.addWidget(self.sale, 1)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.confirm_button)
        middle.addLayout(row)
        right = QVBoxLayout()
        receipt_box = QGroupBox(self.tr("Receipt  [Ctrl+P print, Ctrl+S PDF]"))
        QVBoxLayout(receipt_box).addWidget(self.receipt)
        sales_box = QGroupBox(self.tr("Last sales  [F7; Ctrl+R refund]"))
        QVBoxLayout(sales_box).addWidget(self.sales)
        right.addWidget(receipt_box, 1)
        right.addWidget(sales_box, 1)
        page = QWidget()
        columns = QHBoxLayout(page)
        columns.addLayout(left, 9)
        columns.addLayout(middle, 13)
        columns.addLayout(right, 10)
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
        if isinstance(widget, QLineEdit):
            widget.selectAll()

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
        self.worker.run(_sign_in, self.store, pin, on_done=self._signed_in, on_error=self.signin.sign_in_refused)

    def _signed_in(self, staff: StaffMember) -> None:
        self.staff = staff
        self.status.set_staff(staff.name, staff.role)
        self.stack.setCurrentIndex(1)
        self.clear_customer()
        self.refresh_sales()
        self.refresh_sync()
        self._sync_timer.start()

    def sign_out(self) -> None:
        self.clear_customer()
        self._sync_timer.stop()
        self.show_sign_in()

    # -- member ------------------------------------------------------------------------------------

    def look_up(self, code: str | None = None, announce: bool = True) -> None:
        """Show the member a code names; `announce=False` for a refresh after an action that has already
        said what happened (its message must not be replaced by "Member ...")."""
        code = (self.code.text() if code is None else code).strip()
        if not code or self.take_coupon(code):
            return
        self.worker.run(lookup.show_member, self.store, code,
                        on_done=lambda view: self._show_member(code, view, announce), on_error=self._lookup_failed)

    def _show_member(self, code: str, view: MemberView, announce: bool = True) -> None:
        same = self.member is not None and self.member.id == view.id and not view.card_problem
        self.member, self.current_code = view, code
        self.member_panel.show_member(view)
        self.sale.set_member_balances(view.stored_value_fen)
        self.worker.run(coupons.member_coupons, self.store, code, True,
                        on_done=lambda found: self._show_coupons(view.id, found),
                        on_error=lambda exc: log.info("coupons not shown: %s", exc))
        if view.card_problem:
            self.sale.clear()
            if announce:
                self.say(self.member_panel.problem.text(), error=True)  # the panel's sentence, translated
            self.focus_code()
        else:
            if announce:
                self.say(self.tr("Member {0}: {1}").format(view.member_no, view.name))
            if same:
                self._quote_timer.start()
            else:
                self.sale.clear()
                self.sale.set_member_balances(view.stored_value_fen)
            self.focus_field(self.sale.amount)
        self.member_shown.emit(view)

    def _show_coupons(self, member_id: int, found: list[dict]) -> None:
        if self.member is None or self.member.id != member_id:
            return  # the next customer is already at the till
        self.member_panel.show_coupons(found)
        if not self.sale.coupon_code():
            self.sale.set_coupons(found)

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
        self.sale.clear()
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
        self.member, self.current_code = None, ""
        self.member_panel.clear()
        self.sale.clear()
        self.code.clear()
        self.message.clear()
        self.focus_code()

    # -- quote and confirm ---------------------------------------------------------------------------

    def _sale_request(self) -> SaleRequest | None:
        if self.member is None:
            return None
        try:
            return self.sale.request(self.current_code)
        except PosError as exc:
            self.sale.clear_quote()
            self.sale.show_error(describe_error(exc))
            return None

    def _request_quote(self) -> None:
        request = self._sale_request()
        if request is None:
            if self.member is not None and not self.sale.error.text():
                self.sale.clear_quote()
            return
        self._quote_seq += 1
        seq = self._quote_seq
        self.worker.run(checkout.quote_sale, self.store, request,
                        on_done=lambda quote: self._quoted(seq, quote), on_error=lambda exc: self._quote_failed(seq, exc))

    def _quoted(self, seq: int, quote: Any) -> None:
        if seq == self._quote_seq:  # an older quote arriving late is not what is typed now
            self.sale.show_quote(quote)

    def _quote_failed(self, seq: int, exc: Exception) -> None:
        if seq == self._quote_seq:
            self.sale.clear_quote()
            self.sale.show_error(describe_error(exc))

    def confirm_sale(self) -> None:
        if self._committing or self.staff is None:
            return
        if self.member is None:
            self.say(self.tr("Scan or type the member's code first."), error=True)
            self.focus_code()
            return
        if self.member.card_problem:
            self.say(self.member.card_problem, error=True)
            return
        request = self._sale_request()
        if request is None:
            if not self.sale.error.text():
                self.say(self.tr("Type the bill amount first."), error=True)
                self.focus_field(self.sale.amount)
            return
        self._committing = True
        self.confirm_button.setEnabled(False)
        self.worker.run(checkout.commit_sale, self.store, request, self.staff.id,
                        on_done=self._committed, on_error=self._commit_failed)

    def _committed(self, result: SaleResult) -> None:
        self._committing = False
        self.confirm_button.setEnabled(True)
        assert self.member is not None and self.staff is not None
        self.last_receipt = Receipt(self.store.identity.store_name, self.staff.name, self.store.now()[:19].replace(
            "T", " "), self.member, result)
        self.receipt.setHtml(self.last_receipt.html())
        self.say(self.tr("Sale recorded: pay ¥ {0}, {1} points earned.").format(
            format_yuan(result.quote.payable_fen), result.quote.points_earned))
        self.sale.clear()
        self.refresh_sales()
        self.refresh_sync()
        code = self.current_code
        self.worker.run(lookup.show_member, self.store, code, on_done=self._refreshed_member)
        self.sale_committed.emit(result)
        self.focus_code()

    def _refreshed_member(self, view: MemberView) -> None:
        if self.member is not None and self.member.id == view.id:
            self.member = view
            self.member_panel.show_member(view)
            self.sale.set_member_balances(view.stored_value_fen)

    def _commit_failed(self, exc: Exception) -> None:
        self._committing = False
        self.confirm_button.setEnabled(True)
        self.say(describe_error(exc), error=True)
        self.sale.show_error(describe_error(exc))

    # -- refreshes -----------------------------------------------------------------------------------

    def refresh_sales(self, keep_selection: bool = False) -> None:
        self.worker.run(history.recent_sales, self.store, RECENT_SALES,
                        on_done=lambda rows: self.sales.show_sales(rows, keep_selection),
                        on_error=lambda exc: self.say(describe_error(exc), error=True))

    def refresh_sync(self) -> None:
        self.worker.run(read_sync_view, self.store, on_done=self.status.show_sync)

    def refresh_member(self) -> None:
        if self.current_code:
            self.look_up(self.current_code, announce=False)

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
