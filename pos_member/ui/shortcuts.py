"""Every till shortcut in one table: installed on the window and listed, as is, by the F1 help."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut

if TYPE_CHECKING:
    from pos_member.ui.window import TillWindow

Shortcut = tuple[str, str, Callable[[], None]]


def install_shortcuts(window: TillWindow) -> list[Shortcut]:
    translate = QCoreApplication.translate  # context TillWindow: the window's own catalogue
    w, a = window, window.till_actions
    table: list[Shortcut] = [
        ("F1", translate("TillWindow", "This help"), lambda: w.help.toggle()),
        ("F2", translate("TillWindow", "Member code (scan or type, Enter)"), w.focus_code),
        ("F3", translate("TillWindow", "Bill amount"), lambda: w.focus_field(w.sale.amount)),
        ("F4", translate("TillWindow", "Category line (Enter adds, Del removes)"), lambda: w.focus_field(w.sale.line_category)),
        ("F5", translate("TillWindow", "Points to use"), lambda: w.focus_field(w.sale.points)),
        ("Shift+F5", translate("TillWindow", "Use the most points allowed"), w.sale.use_max_points),
        ("F6", translate("TillWindow", "Stored value to use"), lambda: w.focus_field(w.sale.stored)),
        ("Shift+F6", translate("TillWindow", "Pay the rest with stored value"), w.sale.pay_rest_with_stored_value),
        ("F8", translate("TillWindow", "Coupon (pick, type or scan)"), lambda: w.focus_field(w.sale.coupon)),
        ("F12", translate("TillWindow", "Confirm the sale (Enter on the last field too)"), w.confirm_sale),
        ("Esc", translate("TillWindow", "Clear: next customer"), w.clear_customer),
        ("Ctrl+P", translate("TillWindow", "Print the receipt"), a.print_receipt),
        ("Ctrl+S", translate("TillWindow", "Save the receipt as PDF"), a.save_receipt_pdf),
        ("F7", translate("TillWindow", "Last sales"), lambda: w.focus_field(w.sales)),
        ("Ctrl+R", translate("TillWindow", "Refund the selected sale (manager)"), a.refund),
        ("Ctrl+N", translate("TillWindow", "Register a member (manager)"), a.register_member),
        ("Ctrl+T", translate("TillWindow", "Top up stored value (manager)"), a.top_up),
        ("Ctrl+Shift+A", translate("TillWindow", "Adjust points (manager)"), a.adjust_points),
        ("Ctrl+Shift+L", translate("TillWindow", "Report card lost (manager)"), a.report_lost),
        ("Ctrl+Shift+R", translate("TillWindow", "Replace card, print new QR (manager)"), a.replace_card),
        ("Ctrl+Shift+F", translate("TillWindow", "Freeze card (manager)"), a.freeze),
        ("Ctrl+Shift+U", translate("TillWindow", "Unfreeze card (manager)"), a.unfreeze),
        ("Ctrl+Shift+Q", translate("TillWindow", "Print the card's QR"), a.print_card_qr),
        ("F9", translate("TillWindow", "Settings"), a.open_settings),
        ("F11", translate("TillWindow", "HQ sync: pending, last error, quarantined; sync now"), a.open_sync_panel),
        ("F10", translate("TillWindow", "Sign out"), w.sign_out),
    ]
    for keys, _, handler in table:
        shortcut = QShortcut(QKeySequence(keys), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(lambda h=handler: window.guarded(h))
    return table
