"""Till work beside the sale: refunds, manager actions, printing, settings.

Each action opens a FormDialog; its values go to one service call, run as a named operation (ui/ops.py) that
declares what it changed; success closes the dialog and says what happened in one line (the operations layer
then refreshes the panels), a refusal keeps the dialog open with the sentence. Manager
work always asks for a manager's PIN here, even where the service would let a small change through
without one; the service checks it in its own transaction and its audit row names the approving manager.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject

from pos_member.config import save_settings
from pos_member.domain.errors import InvalidInput, NeedsManager
from pos_member.domain.money import format_yuan, parse_signed_points, parse_yuan
from pos_member.services import cards, members, refunds, stored_value
from pos_member.services.context import Store
from pos_member.services.lookup import show_member
from pos_member.ui.dialogs import FieldSpec, FormDialog, manager_pin_field, settings_dialog
from pos_member.ui.names import current_rules, display_name
from pos_member.ui.ops import ADJUST_POINTS, APPROVE_MANAGER, CARD_CHANGE, REFUND, REGISTER, TOP_UP, Op
from pos_member.ui.printing import PrintFailed, ReceiptPrinting, RefundReceipt, document, save_pdf
from pos_member.ui.qr_dialog import QrDialog
from pos_member.ui.tasks import describe_error

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from pos_member.ui.till_context import TillContext

log = logging.getLogger(__name__)


def _card_then_member(fn: Callable[..., cards.CardResult], store: Store, code: str, pin: str,
                      staff_id: int) -> tuple[cards.CardResult, Any]:
    result = fn(store, code, pin, staff_id=staff_id)
    return result, show_member(store, result.card_no)


class TillActions(QObject):
    """`till` is all the actions see of the till (ui/till_context.py); `parent` owns their dialogs."""

    def __init__(self, parent: QWidget, till: TillContext) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.w = till
        self.dialog: FormDialog | None = None  # the open one, for tests and to avoid stacking two
        self.qr_dialog: QrDialog | None = None

    # -- plumbing ------------------------------------------------------------------------------------

    def _open(self, title: str, intro: str, fields: list[FieldSpec],
              on_submit: Callable[[FormDialog, dict[str, str]], None]) -> FormDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reject()
        dialog = FormDialog(self.parent_widget, title, intro, fields)
        dialog.submitted.connect(lambda values: self._submit(dialog, values, on_submit))
        dialog.finished.connect(lambda _code: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _submit(self, dialog: FormDialog, values: dict[str, str],
                on_submit: Callable[[FormDialog, dict[str, str]], None]) -> None:
        if "manager_pin" in values and not values["manager_pin"]:
            dialog.fail(QCoreApplication.translate("TillActions", "This needs a manager's PIN."))
            return
        try:
            on_submit(dialog, values)
        except (InvalidInput, NeedsManager) as exc:  # parsing the typed values
            dialog.fail(describe_error(exc))

    def _closed(self, dialog: FormDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        self.w.back_to_till()

    def _run(self, dialog: FormDialog, op: Op, fn: Callable[..., Any], *args: Any,
             done: Callable[[Any], None], **kwargs: Any) -> None:
        def finished(result: Any) -> None:
            if shiboken6.isValid(dialog):
                dialog.done_ok()
            done(result)

        def failed(exc: Exception) -> None:
            if shiboken6.isValid(dialog):  # closed (Esc) while the service ran: say it in the window
                dialog.refuse(exc)
            else:
                self.w.say(describe_error(exc), error=True)

        self.w.ops.run(op, fn, *args, on_done=finished, on_error=failed, **kwargs)

    def _member_code(self) -> str:
        member = self.w.member
        return (member.card_no if member and member.card_no else self.w.current_code) or ""

    def _needs_member(self) -> bool:
        if self.w.member is None:
            self.w.say(self.tr("Scan or type the member's code first."), error=True)
            self.w.focus_code()
            return False
        return True

    @property
    def _staff_id(self) -> int:
        assert self.w.staff is not None
        return self.w.staff.id

    # -- refund ----------------------------------------------------------------------------------

    def refund(self) -> None:
        """The selected sale, or any sale of the chain by the receipt number printed on its receipt (HQ is
        asked for a sale of another till; offline such a sale is refused with the reason)."""
        sale = self.w.selected_sale()
        if sale is None:
            intro = self.tr("Type or scan the receipt number of the sale to refund: a sale of any till of the "
                            "chain can be refunded while HQ answers.")
        else:
            left = sale["total_fen"] - sale["refunded_fen"]
            intro = self.tr("Refund the sale to {0} of ¥ {1} ({2}); ¥ {3} can still be refunded.").format(
                sale["name"], format_yuan(sale["total_fen"]), sale["business_time"][:16].replace("T", " "),
                format_yuan(left)) + " " + self.tr("For another sale, type its receipt number.")
        fields = [FieldSpec("sale_id", self.tr("Receipt no."), required=sale is None,
                            placeholder=self.tr("empty = the sale above") if sale is not None else "001-1-25"),
                  FieldSpec("amount", self.tr("Amount (¥)"), "amount", required=False,
                            placeholder=self.tr("empty = all that is left")),
                  manager_pin_field(self.parent_widget)]

        def submit(dialog: FormDialog, values: dict[str, str]) -> None:
            amount = parse_yuan(values["amount"], "amount") if values["amount"] else None
            typed = values["sale_id"].strip()  # refusals about the sale (sale_id) mark this field
            if not typed and sale is None:
                dialog.fail(self.tr("Type the receipt number of the sale."))
                return
            key = typed or sale["sale_id"]
            name = "" if typed or sale is None else sale["name"]
            self._run(dialog, REFUND, refunds.refund_sale, self.w.store, key, amount, values["manager_pin"],
                      self._staff_id, done=lambda result: self._refunded(result, name))

        self._open(self.tr("Refund"), intro, fields, submit)

    def _refunded(self, result: refunds.RefundResult, member_name: str = "") -> None:
        f = result.figures
        assert self.w.staff is not None
        receipt = RefundReceipt(self.w.store.identity.store_name, self.w.staff.name,
                                self.w.store.now()[:19].replace("T", " "), member_name, result.member_no, result)
        self.w.show_receipt(receipt)  # Ctrl+P / Ctrl+S print the last receipt, sale or refund
        if self.w.sync_now is not None:  # HQ learns of the refund at once, so no other till refunds it again
            self.w.sync_now()
        self.w.say(self.tr("Refunded ¥ {0}: ¥ {1} back in cash, {2} points reversed, approved by {3}.").format(
            format_yuan(f.amount_fen), format_yuan(f.cash_refund_fen), f.points_reversed, result.approved_by or "—"))

    # -- members and cards -----------------------------------------------------------------------

    def register_member(self) -> None:
        types = [(code, display_name("card_types", code, self.parent_widget)) for code in current_rules(self.parent_widget).card_types]
        fields = [FieldSpec("name", self.tr("Name")), FieldSpec("phone", self.tr("Mobile phone"), "phone"),
                  FieldSpec("birthday", self.tr("Birthday (YYYY-MM-DD, optional)"), "date"),
                  FieldSpec("card_type", self.tr("Card type"), "choice", types, "standard"),
                  manager_pin_field(self.parent_widget)]

        def submit(dialog: FormDialog, v: dict[str, str]) -> None:
            self._run(dialog, REGISTER, members.register_member, self.w.store, v["name"], v["phone"], v["birthday"] or None,
                      card_type=v["card_type"], staff_id=self._staff_id, manager_pin=v["manager_pin"],
                      done=self._registered)

        self._open(self.tr("Register a member"), self.tr("A card is issued at once; print its QR next."), fields,
                   submit)

    def _registered(self, view: Any) -> None:
        self.w.look_up(view.card_no or view.member_no)  # the new member is now the one at the till
        if view.card_no:
            self.w.ops.query(cards.card_qr, self.w.store, view.card_no,
                              on_done=lambda card: self._show_qr(view, card))

    def _card_action(self, title: str, intro: str, fn: Callable[..., cards.CardResult], verb: str,
                     print_after: bool = False) -> None:
        if not self._needs_member():
            return
        fields = [FieldSpec("code", self.tr("Card or member code"), initial=self._member_code()),
                  manager_pin_field(self.parent_widget)]

        def submit(dialog: FormDialog, v: dict[str, str]) -> None:
            self._run(dialog, CARD_CHANGE, _card_then_member, fn, self.w.store, v["code"], v["manager_pin"], self._staff_id,
                      done=lambda pair: self._card_done(pair, verb, print_after))

        self._open(title, intro, fields, submit)

    def _card_done(self, pair: tuple[cards.CardResult, Any], verb: str, print_after: bool) -> None:
        result, view = pair
        self.w.say(verb.format(result.card_no))
        self.w.show_code(result.card_no)  # the refresh CARD_CHANGE declares reads this card (a replacement's new one)
        if print_after:
            self._show_qr(view, result)

    def report_lost(self) -> None:
        self._card_action(self.tr("Report card lost"), self.tr("The card is refused everywhere at once."),
                          cards.report_lost, self.tr("Card {0} is now reported lost."))

    def replace_card(self) -> None:
        self._card_action(self.tr("Replace card"),
                          self.tr("A new card number keeps the balances; the old card is refused from now on."),
                          cards.replace, self.tr("New card {0} issued; print its QR."), print_after=True)

    def freeze(self) -> None:
        self._card_action(self.tr("Freeze card"), "", cards.freeze, self.tr("Card {0} is frozen."))

    def unfreeze(self) -> None:
        self._card_action(self.tr("Unfreeze card"), "", cards.unfreeze, self.tr("Card {0} works again."))

    def print_card_qr(self) -> None:
        """A member's card QR is their card: printing one needs a manager's PIN (approval audited)."""
        from pos_member.services.staff import approve_manager

        if not self._needs_member():
            return
        member, code = self.w.member, self._member_code()

        def submit(dialog: FormDialog, v: dict[str, str]) -> None:
            self._run(dialog, APPROVE_MANAGER, approve_manager, self.w.store, v["manager_pin"], "card.print_qr",
                      "printing a member's card QR", self._staff_id, code,
                      done=lambda _manager: self.w.ops.query(
                          cards.card_qr, self.w.store, code, on_done=lambda card: self._show_qr(member, card),
                          on_error=lambda exc: self.w.say(describe_error(exc), error=True)))

        self._open(self.tr("Print the card's QR"), self.tr("Printing a member's card needs a manager."),
                   [manager_pin_field(self.parent_widget)], submit)

    def _show_qr(self, member: Any, card: cards.CardResult) -> None:
        self.qr_dialog = QrDialog(self.parent_widget, member, card.card_no, card.qr, self.w.store.identity.store_name,
                                  self.w.paths.home / "cards", self.w.settings)
        self.qr_dialog.finished.connect(lambda _code: self.w.back_to_till())
        self.qr_dialog.open()

    # -- stored value and points -----------------------------------------------------------------

    def top_up(self) -> None:
        if not self._needs_member():
            return
        fields = [FieldSpec("amount", self.tr("Paid (¥)"), "amount"), manager_pin_field(self.parent_widget)]

        def submit(dialog: FormDialog, v: dict[str, str]) -> None:
            amount = parse_yuan(v["amount"], "amount")
            self._run(dialog, TOP_UP, stored_value.top_up, self.w.store, self.w.current_code, amount,
                      staff_id=self._staff_id, manager_pin=v["manager_pin"], done=self._topped_up)

        name = self.w.member.name if self.w.member else ""
        self._open(self.tr("Top up stored value"), self.tr("Top up for {0}; bonus steps apply.").format(name),
                   fields, submit)

    def _topped_up(self, result: stored_value.TopupResult) -> None:
        self.w.say(self.tr("Topped up ¥ {0} + bonus ¥ {1}; stored value now ¥ {2}.").format(
            format_yuan(result.paid_fen), format_yuan(result.bonus_fen), format_yuan(result.stored_value_fen)))

    def adjust_points(self) -> None:
        if not self._needs_member():
            return
        fields = [FieldSpec("delta", self.tr("Points (+ adds, − removes)"), "int"),
                  FieldSpec("reason", self.tr("Reason")), manager_pin_field(self.parent_widget)]

        def submit(dialog: FormDialog, v: dict[str, str]) -> None:
            delta = parse_signed_points(v["delta"], "points")  # the dialog has already refused a bad entry
            self._run(dialog, ADJUST_POINTS, stored_value.adjust_points, self.w.store, self.w.current_code, delta, v["reason"],
                      v["manager_pin"], staff_id=self._staff_id, done=self._adjusted)

        self._open(self.tr("Adjust points"), "", fields, submit)

    def _adjusted(self, balance: int) -> None:
        self.w.say(self.tr("Points adjusted; the balance is now {0}.").format(balance))

    # -- receipts ----------------------------------------------------------------------------------

    @property
    def printing(self) -> ReceiptPrinting:
        """Made on first use; it owns the open preview and the thermal printer's worker."""
        if getattr(self, "_printing", None) is None:
            self._printing = ReceiptPrinting(self.parent_widget, lambda text, error: self.w.say(text, error=error))
        return self._printing

    def print_receipt(self) -> None:
        if self.w.last_receipt is None:
            self.w.say(self.tr("No receipt yet: confirm a sale first."), error=True)
            return
        self.printing.print(self.w.last_receipt, self.w.settings)

    def save_receipt_pdf(self) -> None:
        receipt = self.w.last_receipt
        if receipt is None:
            self.w.say(self.tr("No receipt yet: confirm a sale first."), error=True)
            return
        path = self.w.paths.home / "receipts" / f"{receipt.receipt_id}.pdf"
        try:
            save_pdf(document(receipt.html()), path)
        except (OSError, PrintFailed) as exc:
            log.warning("saving receipt PDF %s failed: %s", path, exc)
            self.w.say(self.tr("The receipt could not be saved in {0}.").format(path.parent), error=True)
            return
        self.w.say(self.tr("Receipt saved: {0}").format(path))

    # -- settings ----------------------------------------------------------------------------------

    def open_sync_panel(self) -> None:
        """F11: one panel, kept; it follows the window's SyncMonitor like the status bar does."""
        from pos_member.ui.sync_panel import SyncPanel, read_rejections, read_set_aside

        panel = self.w.sync_panel
        if panel is None:
            panel = SyncPanel(self.parent_widget, self.w.sync_monitor, lambda: self.w.sync_now)
            panel.sync_button.clicked.connect(lambda: self.w.say(panel.note.text()))
            panel.finished.connect(lambda _code: self.w.back_to_till())
            self.w.sync_monitor.changed.connect(
                lambda _view: panel.isVisible() and self.w.ops.query(read_rejections, self.w.store,
                                                                     on_done=panel.show_rejections))
            self.w.sync_monitor.changed.connect(
                lambda _view: panel.isVisible() and self.w.ops.query(read_set_aside, self.w.store,
                                                                     on_done=panel.show_set_aside))
            self.w.sync_panel = panel
        panel.note.clear()
        self.w.sync_monitor.refresh()
        panel.open()

    def open_settings(self) -> None:
        """Settings change the camera, printer and language of the till: a manager's PIN first (audited)."""
        from pos_member.services.staff import approve_manager

        def submit(dialog: FormDialog, v: dict[str, str]) -> None:
            self._run(dialog, APPROVE_MANAGER, approve_manager, self.w.store, v["manager_pin"], "settings.open",
                      "opening the settings", self._staff_id, done=lambda _manager: self._open_settings_form())

        self._open(self.tr("Settings"), self.tr("The settings need a manager."), [manager_pin_field(self.parent_widget)], submit)

    def _open_settings_form(self) -> None:
        from pos_member.scanner import available_decoders  # numpy, OpenCV, zxing: not on the start's path

        dialog = settings_dialog(self.parent_widget, self.w.settings, available_decoders())

        def submitted(values: dict[str, str]) -> None:
            new = replace(self.w.settings, **values)
            try:
                save_settings(self.w.paths, new)
            except OSError as exc:
                dialog.fail(str(exc))
                return
            camera_changed = (new.camera_source, new.decoder) != (self.w.settings.camera_source, self.w.settings.decoder)
            dialog.done_ok()
            self.w.apply_settings(new, camera_changed)

        dialog.submitted.connect(submitted)
        dialog.finished.connect(lambda _code: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
