"""Pricing the bill as it is typed: every edit (coalesced over a few keystrokes) asks for a quote on the
database worker; only the answer to the newest request is shown, and a refusal is said under the quote.

After a refused redemption ("at most 980 points") the same bill is priced once more without points, so the
panel still knows the most points it allows: Shift+F5 sets it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from pos_member.domain.errors import PosError
from pos_member.domain.quote import Quote
from pos_member.services import checkout
from pos_member.services.checkout import SaleRequest
from pos_member.services.context import Store
from pos_member.ui.ops import Operations
from pos_member.ui.sale_panel import SalePanel
from pos_member.ui.tasks import describe_error

QUOTE_DELAY_MS = 60  # coalesce a burst of keystrokes into one quote


class BillPricer(QObject):
    def __init__(self, ops: Operations, store: Store, sale: SalePanel, member_code: Callable[[], str | None],
                 parent: QObject | None = None) -> None:
        """`member_code` gives the code of the member at the till, None when there is none."""
        super().__init__(parent)
        self.ops, self.store, self.sale, self._member_code = ops, store, sale, member_code
        self._seq = 0
        self._timer = QTimer(self, singleShot=True, interval=QUOTE_DELAY_MS)
        self._timer.timeout.connect(self.price_now)

    def schedule(self) -> None:
        """The bill was edited: a quote still on its way is for what was typed before; price it again soon."""
        self._seq += 1
        self.sale.mark_unpriced()
        self._timer.start()

    def request(self) -> SaleRequest | None:
        """The sale as typed, or None (no member, nothing typed, or a typing error now shown in red)."""
        code = self._member_code()
        if code is None:
            return None
        try:
            return self.sale.request(code)
        except PosError as exc:
            self._seq += 1  # a quote still on its way is for what was typed before
            self.sale.clear_quote()
            self.sale.show_error(describe_error(exc))
            return None

    def price_now(self) -> None:
        request = self.request()
        if request is None:
            if self._member_code() is not None and not self.sale.error.text():
                self.sale.clear_quote()
            return
        self._seq += 1
        seq = self._seq
        self.ops.query(checkout.quote_sale, self.store, request, on_done=lambda quote: self._quoted(seq, quote),
                       on_error=lambda exc: self._refused(seq, request, exc))

    def _quoted(self, seq: int, quote: Quote) -> None:
        if seq == self._seq:  # an older quote arriving late is not what is typed now
            self.sale.show_quote(quote)

    def _refused(self, seq: int, request: SaleRequest, exc: Exception) -> None:
        if seq != self._seq:
            return
        self.sale.clear_quote()
        self.sale.show_error(describe_error(exc))
        if request.redeem_points:
            probe = SaleRequest(request.code, request.amount_fen, request.lines, 0, 0, request.coupon)
            self.ops.query(checkout.quote_sale, self.store, probe,
                           on_done=lambda quote: seq == self._seq and self.sale.set_known_max(quote),
                           on_error=lambda _exc: None)
