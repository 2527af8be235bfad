"""The till's operations layer: UI actions run services as named operations; one place refreshes what changed.

The shape is Anki's CollectionOp/OpChanges (qt/aqt/operations), our own code:
- an `Op` is a name and the `OpChanges` it declares (what on screen may now be stale: the member at the
  till, their coupons, the last sales, the HQ queue, the receipt);
- `Operations.run(op, fn, ...)` runs `fn` on the serial database worker (ui/tasks.py); on success the
  caller's `on_done` runs first (it says what happened, sets what the next refresh must read, e.g. the new
  card number after a replacement), then `executed` is emitted with the op's changes;
- `Operations.query(fn, ...)` is a read: no changes, nothing refreshed;
- `PanelRefresher.apply(changes)` is the one place that brings each panel back in line with the database.
  It gets narrow providers (the code of the member at the till, a callback that shows a member read) and the
  panels themselves; it never reaches into the window.
Actions therefore never call refresh_member()/refresh_sales()/refresh_sync() themselves: they declare.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, fields
from typing import Any

from PySide6.QtCore import QObject, Signal

from pos_member.services import coupons, history, lookup
from pos_member.services.context import Store
from pos_member.services.lookup import MemberView
from pos_member.ui.tasks import DbWorker, OnDone, OnError

log = logging.getLogger(__name__)

RECENT_SALES = 20


@dataclass(frozen=True)
class OpChanges:
    """What an operation changed in the database, by what the till shows of it."""

    member: bool = False  # the member at the till: balances, tier, card status
    coupons: bool = False  # the member's usable coupons (a sale used one)
    sales: bool = False  # the last sales list (a refund's row changes; keep the cashier's pick)
    new_sale: bool = False  # a sale was recorded: the list shows it selected, ready for Ctrl+R
    sync_queue: bool = False  # entries or records now wait to go to HQ
    receipt: bool = False  # a new receipt replaced the last one (shown from the op's result by its on_done)

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Op:
    name: str
    changes: OpChanges


_MEMBER_WRITE = OpChanges(member=True, coupons=True, sync_queue=True)
COMMIT_SALE = Op("commit sale", OpChanges(member=True, coupons=True, sales=True, new_sale=True, sync_queue=True,
                                          receipt=True))
REFUND = Op("refund", OpChanges(member=True, coupons=True, sales=True, sync_queue=True))
REGISTER = Op("register member", OpChanges(sync_queue=True))  # the new member is shown by a look-up
CARD_CHANGE = Op("card change", _MEMBER_WRITE)
TOP_UP = Op("top up", _MEMBER_WRITE)
ADJUST_POINTS = Op("adjust points", _MEMBER_WRITE)
APPROVE_MANAGER = Op("approve manager", OpChanges())  # an audit row; nothing on screen changes


@dataclass(frozen=True)
class MemberRead:
    """A member and their usable coupons, read together so the two panels never disagree."""

    code: str
    view: MemberView
    coupons: list[dict[str, Any]]


def read_member(store: Store, code: str) -> MemberRead:
    view = lookup.show_member(store, code)
    try:
        found = coupons.member_coupons(store, code, usable_only=True) if not view.card_problem else []
    except Exception as exc:  # the member is what matters at the till; the coupon list can wait
        log.info("coupons not read: %s", type(exc).__name__)
        found = []
    return MemberRead(code, view, found)


class Operations(QObject):
    """Named operations over the serial database worker; `executed(name, changes)` after each success."""

    executed = Signal(str, object)  # op name, OpChanges

    def __init__(self, worker: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self._running: dict[str, int] = {}

    def running(self, op: Op) -> bool:
        """True while an `op` is queued or running (a second F12 during a commit is ignored on this)."""
        return self._running.get(op.name, 0) > 0

    def run(self, op: Op, fn: Callable[..., Any], *args: Any, on_done: OnDone | None = None,
            on_error: OnError | None = None, **kwargs: Any) -> Future[Any] | None:
        self._running[op.name] = self._running.get(op.name, 0) + 1

        def done(result: Any) -> None:
            self._running[op.name] -= 1
            try:
                if on_done is not None:
                    on_done(result)
            finally:
                log.debug("operation %s done", op.name)
                self.executed.emit(op.name, op.changes)

        def failed(exc: Exception) -> None:
            self._running[op.name] -= 1
            if on_error is not None:
                on_error(exc)

        future = self.worker.run(fn, *args, on_done=done, on_error=failed, **kwargs)
        if future is None:
            self._running[op.name] -= 1
        return future

    def query(self, fn: Callable[..., Any], *args: Any, on_done: OnDone | None = None,
              on_error: OnError | None = None, **kwargs: Any) -> Future[Any] | None:
        return self.worker.run(fn, *args, on_done=on_done, on_error=on_error, **kwargs)


class PanelRefresher(QObject):
    """The one place a change reported by an operation reaches the panels that show it."""

    def __init__(self, ops: Operations, store: Store, *, member_code: Callable[[], str],
                 show_member: Callable[[MemberRead], None], show_sales: Callable[[list[dict], bool], None],
                 refresh_sync: Callable[[], None], on_error: OnError, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops, self.store = ops, store
        self._member_code, self._show_member = member_code, show_member
        self._show_sales, self._refresh_sync, self._on_error = show_sales, refresh_sync, on_error
        ops.executed.connect(lambda _name, changes: self.apply(changes))

    def apply(self, changes: OpChanges) -> None:
        if changes.member or changes.coupons:
            self.refresh_member()
        if changes.sales:
            keep = not changes.new_sale  # after a refund the cashier's row stays picked
            self.ops.query(history.recent_sales, self.store, RECENT_SALES,
                           on_done=lambda rows: self._show_sales(rows, keep), on_error=self._on_error)
        if changes.sync_queue or changes.sales:
            self._refresh_sync()

    def refresh_member(self) -> None:
        code = self._member_code()
        if code:
            self.ops.query(read_member, self.store, code, on_done=self._show_member,
                           on_error=lambda exc: log.info("member not refreshed: %s", type(exc).__name__))
