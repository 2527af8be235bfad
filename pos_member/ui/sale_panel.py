"""Bill entry, redemption and the quote, line by line.

Typing never waits on the database: every edit emits `changed`; the window prices the request on the
database worker and hands the quote (or the one-sentence refusal) back to `show_quote`/`show_error`.
Enter moves amount -> points -> stored value, and category -> line amount (Enter there adds the line); Enter
on the stored value or the coupon, or F12 anywhere, asks to confirm. Shift+F5/Shift+F6 pressed while the bill
is being priced are done when its quote arrives.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_member.domain.money import format_yuan
from pos_member.domain.quote import Quote
from pos_member.domain.redemption import SpendRule
from pos_member.services.checkout import SaleRequest
from pos_member.ui.fitted_label import FittedLabel
from pos_member.ui.messages import coupon_note, field_label
from pos_member.ui.names import category_code, coupon_name, display_name
from pos_member.ui.number_fields import PointsField, YuanField

CATEGORIES = ("general", "grocery", "fresh", "dairy", "bakery", "drinks", "household", "tobacco")


class SalePanel(QWidget):
    changed = Signal()
    confirm_requested = Signal()
    foreign_text = Signal(str)  # a key no bill field takes (a scanner typing "PM1..."): for the code field

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote: Quote | None = None
        # the most points the last priced bill allowed: kept when a quote is refused ("at most 980 points"), so
        # Shift+F5 can still set it; forgotten with the bill
        self.known_max_points: int | None = None
        # Shift+F5/Shift+F6 pressed while the bill as typed is still being priced: done when its quote comes
        self._max_wanted = False
        self._rest_wanted = False
        self._priced = False  # the quote (or the known max) is for the bill as typed now
        self.stored_balance_fen = 0
        # the bill's fields are named as the checkout's own refusals name them ("Bill amount: above the
        # store's limit"), so a typing mistake and a rule say the same field the same way
        self.amount = YuanField(field_label("amount"), "amount")
        self.line_category = QComboBox(objectName="lineCategory")
        self.line_category.setEditable(True)
        for code in CATEGORIES:  # shown by the rules' name in the till's language, the code kept as data
            self.line_category.addItem(display_name("categories", code), code)
        self.line_category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.line_amount = YuanField(self.tr("Category line amount (¥)"), "lineAmount", required=True)
        self.lines = QListWidget(objectName="lines")
        self.lines.setMaximumHeight(64)
        self.points = PointsField(field_label("redeem_points"), "points")
        self.points_max = QLabel(objectName="hint")
        self.stored = YuanField(field_label("stored_value"), "storedValue", allow_zero=True)
        self.stored_hint = QLabel(objectName="hint")
        # the member's usable coupons to pick from; a coupon QR scanned or typed lands here too
        self.coupon = QComboBox(objectName="coupon")
        self.coupon.setEditable(True)
        self.coupon.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # fixed heights: a long note or refusal is cut with "…" (all of it in the tooltip), never pushing
        # "To pay" or Confirm off a 768-pixel screen
        self.coupon_note = FittedLabel(2, "couponNote")
        self.error = FittedLabel(2, "error")
        self.table = QTableWidget(0, 7, objectName="quoteLines")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # the columns share the width (a narrow till cuts a header with "…" rather than hiding a column)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(24)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.summary: dict[str, QLabel] = {}
        self._build()
        for field in (self.amount, self.points, self.stored):
            field.textEdited.connect(lambda _text: self.changed.emit())
            field.installEventFilter(self)
        self.coupon.currentTextChanged.connect(lambda _text: self.changed.emit())
        self.line_amount.returnPressed.connect(self.add_line)
        self.lines.installEventFilter(self)
        # an editable combo box keeps the focus itself and hands keys to its line edit directly (no event
        # filter of the line edit sees them): Enter is caught on the combo box, and on the line edit for clicks
        for combo in (self.line_category, self.coupon):
            combo.installEventFilter(self)
            combo.lineEdit().installEventFilter(self)
        self.clear()

    def _build(self) -> None:
        bill = QGroupBox(self.tr("Bill and payment"))
        form = QFormLayout(bill)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(4)
        form.addRow(self.tr("Bill amount (¥) [F3]"), self.amount)
        line_row = QHBoxLayout()
        line_row.addWidget(self.line_category, 3)
        line_row.addWidget(self.line_amount, 2)
        line_row.addWidget(self.lines, 4)
        form.addRow(self.tr("Category line [F4]"), line_row)
        prow = QHBoxLayout()
        prow.addWidget(self.points, 3)
        prow.addWidget(self.points_max, 2)
        form.addRow(self.tr("Points to use [F5]"), prow)
        srow = QHBoxLayout()
        srow.addWidget(self.stored, 3)
        srow.addWidget(self.stored_hint, 2)
        form.addRow(self.tr("Stored value (¥) [F6]"), srow)
        form.addRow(self.tr("Coupon [F8]"), self.coupon)
        form.addRow("", self.coupon_note)
        for hint in (self.points_max, self.stored_hint):  # a figure is never cut: the field gives way
            hint.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.coupon.setMinimumContentsLength(8)
        self.coupon.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.line_category.setMinimumContentsLength(6)
        self.line_category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.table.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("Category"), self.tr("Amount"), self.tr("Discount"), self.tr("Points ¥"),
            self.tr("Stored ¥"), self.tr("Earns")])
        # the lines table gives up height first; it keeps room for its header and about two lines
        self.table.setMinimumHeight(90)
        # the figures in two pairs of columns, "To pay" across under them: half the height of one column
        totals = QGridLayout()
        totals.setVerticalSpacing(2)
        pairs = (("total", self.tr("Bill")), ("points", self.tr("Points used")),
                 ("discount", self.tr("Tier discount")), ("stored", self.tr("Stored value")),
                 ("coupon", self.tr("Coupon")), ("earned", self.tr("Points earned")))
        for index, (key, caption) in enumerate(pairs):
            row, column = divmod(index, 2)
            label, value = QLabel(caption, objectName="figureCaption"), QLabel(objectName="figure")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            totals.addWidget(label, row, column * 2)
            totals.addWidget(value, row, column * 2 + 1)
            self.summary[key] = value
        totals.setColumnStretch(1, 1)
        totals.setColumnStretch(3, 1)
        totals.setColumnMinimumWidth(2, 0)
        payable_caption = QLabel(self.tr("To pay"), objectName="payableCaption")
        payable = QLabel(objectName="payable")
        payable.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.summary["payable"] = payable
        pay_row = QHBoxLayout()
        pay_row.addWidget(payable_caption)
        pay_row.addWidget(payable, 1)
        quote_box = self.quote_box = QGroupBox(self.tr("Quote"), objectName="quoteBox")
        qlayout = QVBoxLayout(quote_box)
        qlayout.setSpacing(4)
        qlayout.addWidget(self.table, 1)
        qlayout.addLayout(totals)
        qlayout.addLayout(pay_row)
        qlayout.addWidget(self.error)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bill)
        layout.addWidget(quote_box, 1)

    # -- input -------------------------------------------------------------------------------------

    def line_items(self) -> tuple[tuple[str, int], ...]:
        items = []
        for row in range(self.lines.count()):
            category, fen = self.lines.item(row).data(Qt.ItemDataRole.UserRole)
            items.append((category, fen))
        return tuple(items)

    def add_line(self) -> None:
        category = category_code(self.line_category.currentText(), self)
        refusal = self.line_amount.refusal()
        if refusal is not None:
            self.show_error(refusal)
            return
        fen = self.line_amount.value() or 0
        item_text = f"{display_name('categories', category, self)}  ¥ {format_yuan(fen)}"
        self.lines.addItem(item_text)
        self.lines.item(self.lines.count() - 1).setData(Qt.ItemDataRole.UserRole, (category, fen))
        self.line_amount.clear()
        self.lines.show()
        self.line_category.setFocus()
        self.line_category.lineEdit().selectAll()  # the next line's category is typed over this one
        self.changed.emit()

    def request(self, code: str) -> SaleRequest | None:
        """The sale as typed, or None when there is nothing to price yet. Raises InvalidInput."""
        lines = self.line_items()
        # every figure is read (and a bad one marked) even when the bill is still empty
        typed = self.amount.value()
        points = self.points.value() or 0
        stored = self.stored.value() or 0
        if typed is None and not lines:
            return None
        amount = typed if typed is not None else sum(fen for _, fen in lines)
        return SaleRequest(code, amount, lines, points, stored, self.coupon_code())

    def coupon_code(self) -> str | None:
        """The picked coupon's code (the list shows "CODE  name"), or what was typed or scanned."""
        text = self.coupon.currentText().strip()
        return text.split()[0] if text else None

    def set_coupons(self, coupons: list[dict]) -> None:
        """The member's usable coupons, offered in the coupon field (nothing is picked for the cashier)."""
        self.coupon.blockSignals(True)
        self.coupon.clear()
        self.coupon.addItem("")
        for coupon in coupons:
            self.coupon.addItem(f"{coupon['code']}  {coupon_name(coupon, self)}")
        self.coupon.setCurrentIndex(0)
        self.coupon.blockSignals(False)

    def use_coupon(self, text: str) -> None:
        """A coupon code or QR scanned at the till."""
        self.coupon.setEditText(text.strip())
        self.changed.emit()

    def has_bill(self) -> bool:
        """An amount or a category line is typed (what the member's scan must not wipe)."""
        return bool(self.amount.text().strip() or self.lines.count())

    def set_known_max(self, quote: Quote) -> None:
        """The most points a bill allows, from a quote of it without points (after a refused redemption)."""
        self.known_max_points = quote.max_redeemable_points
        self._priced = True
        self.points_max.setText(self.tr("max {0}").format(quote.max_redeemable_points))
        self._do_wanted()

    def mark_unpriced(self) -> None:
        """The bill was edited: the quote shown is for what was typed before, until the next one comes."""
        self._priced = False

    def use_max_points(self) -> None:
        self.points.setFocus()
        if self.known_max_points is None or not self._priced:
            self._max_wanted = True  # the bill is being priced; its max is used when it is known
            return
        self._max_wanted = False
        self.points.setText(str(self.known_max_points))
        self.points.selectAll()
        self.changed.emit()

    def _do_wanted(self) -> None:
        """A Shift+F5 or Shift+F6 that waited for the price: the max points first, then the rest."""
        if self._max_wanted:
            self.use_max_points()
        elif self._rest_wanted:
            self.pay_rest_with_stored_value()

    def pay_rest_with_stored_value(self) -> None:
        self.stored.setFocus()
        if self.quote is None or not self._priced:
            self._rest_wanted = True
            return
        self._rest_wanted = False
        left = self.quote.payable_fen + self.quote.stored_value_fen
        self.stored.setText(format_yuan(min(left, self.stored_balance_fen)))
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if watched in (self.line_category, self.line_category.lineEdit()) and enter:
            self.line_amount.setFocus()  # category, Enter, amount, Enter: one line added
            return True
        if watched is self.lines and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            row = self.lines.currentRow()
            if row >= 0:
                self.lines.takeItem(row)
                self.lines.setVisible(self.lines.count() > 0)
                self.changed.emit()
            return True
        if watched in (self.coupon, self.coupon.lineEdit()) and enter:
            self.confirm_requested.emit()
            return True
        if watched in (self.amount, self.points, self.stored):
            if event.text():  # what is typed by hand wins over a Shift+F5/F6 still waiting
                self._max_wanted = self._max_wanted and watched is not self.points
                self._rest_wanted = self._rest_wanted and watched is not self.stored
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                following = {self.amount: self.points, self.points: self.stored}
                if watched in following:
                    following[watched].setFocus()
                    following[watched].selectAll()
                else:
                    self.confirm_requested.emit()
                return True
            text = event.text()
            # A USB scanner is a keyboard: a card's QR text ("PM1...") typed while a bill field has the
            # focus belongs to the member-code field, not to the amount.
            if text and text.isalpha() and text.isascii():
                self.foreign_text.emit(text)
                return True
        return False

    # -- output ------------------------------------------------------------------------------------

    def set_member_balances(self, stored_value_fen: int) -> None:
        self.stored_balance_fen = stored_value_fen
        self.stored_hint.setText(self.tr("balance ¥ {0}").format(format_yuan(stored_value_fen)))

    def show_quote(self, quote: Quote) -> None:
        self.quote = quote
        self.known_max_points = quote.max_redeemable_points
        self._priced = True
        self.error.clear()
        if self._max_wanted or self._rest_wanted:
            self._do_wanted()
            if not self._priced:
                return  # the points or stored value changed: the quote for them follows
        self.points_max.setText(self.tr("max {0}").format(quote.max_redeemable_points))
        self.table.setRowCount(len(quote.line_details))
        for row, line in enumerate(quote.line_details):
            values = (str(line.line_no), display_name("categories", line.category, self), format_yuan(line.amount_fen),
                      format_yuan(line.discount_fen + line.coupon_fen), format_yuan(line.points_cash_fen),
                      format_yuan(line.stored_paid_fen + line.stored_bonus_fen), str(line.points_earned))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        s = self.summary
        s["total"].setText(f"¥ {format_yuan(quote.total_fen)}")
        s["discount"].setText(f"− ¥ {format_yuan(quote.discount_fen)}")
        s["coupon"].setText(f"− ¥ {format_yuan(quote.coupon_fen)}")
        # the quote says why a coupon applies or not, as a reason: said here in the till's language
        self.coupon_note.setText(coupon_note(quote.coupon_verdict, self))
        s["points"].setText(self.tr("{0} pts = − ¥ {1}").format(quote.points_redeemed,
                                                                 format_yuan(quote.points_cash_fen)))
        s["stored"].setText(f"− ¥ {format_yuan(quote.stored_value_fen)}")
        s["earned"].setText(self.tr("+{0} pts").format(quote.points_earned))
        s["payable"].setText(f"¥ {format_yuan(quote.payable_fen)}")
        self.show_spend_rule(quote.spend_rule)

    def show_spend_rule(self, rule: SpendRule | None) -> None:
        """Which rule bounds the points and stored value of this quote, in the quote's title (no extra height
        on a 768-pixel screen); a store on its own has only its balance, and says nothing."""
        said = {SpendRule.HQ: self.tr("authorised by HQ"), SpendRule.OFFLINE: self.tr("offline limit")}.get(rule)
        self.quote_box.setTitle(self.tr("Quote") if said is None else self.tr("Quote · {0}").format(said))

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def clear_quote(self) -> None:
        self.quote = None
        self.table.setRowCount(0)
        for label in self.summary.values():
            label.setText("—")
        self.points_max.clear()
        self.coupon_note.clear()
        self.show_spend_rule(None)

    def clear(self) -> None:
        """Next customer: the whole bill goes."""
        for field in (self.amount, self.line_amount):
            field.clear()
        self.lines.clear()
        self.lines.hide()  # an empty box beside the line entry reads as a broken field
        self.line_category.setCurrentIndex(0)
        self.clear_member_fields()

    def clear_member_fields(self) -> None:
        """Another member at the till: what belonged to the last one goes (points, stored value, coupons and
        the quote made for them); the bill typed (amount, lines) stays."""
        for field in (self.points, self.stored):
            field.clear()
        self.error.clear()
        self.stored_hint.clear()
        self.stored_balance_fen = 0
        self.set_coupons([])
        self.clear_quote()
        self.known_max_points = None
        self._max_wanted = self._rest_wanted = self._priced = False
