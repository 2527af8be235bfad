"""What the till's actions (ui/actions.py) may see of the till: a narrow provider, not the window.

TillActions is handed an object of this shape (the window is one) and reaches nothing else: no widget of the
window, no worker. What an action changed in the database reaches the panels through the operations layer
(`ops`, ui/ops.py); what it has to say goes to `say`; a new receipt to `show_receipt`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pos_member.config import Paths, Settings
    from pos_member.services.context import Store
    from pos_member.services.lookup import MemberView
    from pos_member.services.staff import StaffMember
    from pos_member.ui.ops import Operations
    from pos_member.ui.sync_status import SyncMonitor


class TillContext(Protocol):
    store: Store
    paths: Paths
    staff: StaffMember | None
    member: MemberView | None  # the member at the till, as last read
    current_code: str  # the code that member was read by
    ops: Operations
    sync_monitor: SyncMonitor
    sync_now: Callable[[], None] | None
    sync_panel: Any
    last_receipt: Any  # the last receipt shown (a sale's or a refund's): what Ctrl+P and Ctrl+S print

    @property
    def settings(self) -> Settings: ...

    def say(self, text: str, error: bool = False) -> None: ...
    def back_to_till(self) -> None: ...
    def focus_code(self) -> None: ...
    def show_code(self, code: str) -> None: ...
    def look_up(self, code: str | None = None) -> None: ...
    def selected_sale(self) -> dict[str, Any] | None: ...
    def show_receipt(self, receipt: Any) -> None: ...
    def apply_settings(self, settings: Settings, camera_changed: bool) -> None: ...
