"""The HQ sync panel (F11): what is waiting to go to HQ, when it last worked, the last error, and the entries
HQ quarantined; "Sync now" wakes the sync worker. Read on the database worker, shown here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_member.services import sync_service
from pos_member.services.context import Store
from pos_member.ui.messages import sync_error_sentence


def read_panel(store: Store) -> dict[str, Any]:
    """Status and the latest rejections, in one call on the database worker."""
    try:
        return {"status": sync_service.sync_status(store), "rejections": sync_service.recent_rejections(store)}
    except Exception as exc:  # a store file from before the sync tables: the panel says so
        return {"status": {"enrolled": False, "last_error": str(exc)}, "rejections": []}


class SyncPanel(QDialog):
    def __init__(self, parent: QWidget | None, sync_now: Callable[[], None] | None) -> None:
        super().__init__(parent)
        self.setObjectName("syncPanel")
        self.setWindowTitle(self.tr("HQ sync"))
        self.setMinimumWidth(560)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, caption in (("hq", self.tr("HQ")), ("pending", self.tr("Waiting to send")),
                             ("last_success", self.tr("Last success")), ("last_attempt", self.tr("Last attempt")),
                             ("last_error", self.tr("Last error")), ("rejected", self.tr("Quarantined by HQ"))):
            label = QLabel(objectName="syncValue")
            label.setWordWrap(True)
            form.addRow(caption, label)
            self.values[key] = label
        self.rejections = QLabel(objectName="hint")
        self.rejections.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setEnabled(sync_now is not None)
        if sync_now is not None:
            self.sync_button.clicked.connect(sync_now)
        buttons.addButton(self.sync_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rejections)
        layout.addWidget(buttons)

    def show_panel(self, data: dict[str, Any]) -> None:
        status, rejections = data["status"], data["rejections"]
        v = self.values
        if not status.get("enrolled"):
            v["hq"].setText(self.tr("not set up: enrol this till with `pos-member enrol URL CODE`"))
        else:
            v["hq"].setText(status.get("hq_url") or "")
        pending = self.tr("{0} ledger entries, {1} member/card changes").format(
            status.get("pending_entries", 0), status.get("pending_records", 0))
        v["pending"].setText(pending)
        v["last_success"].setText(status.get("last_success") or self.tr("never"))
        v["last_attempt"].setText(status.get("last_attempt") or self.tr("never"))
        v["last_error"].setText(sync_error_sentence(status) or self.tr("none"))  # in the till's language
        v["rejected"].setText(str(status.get("rejected_entries", 0)))
        self.rejections.setText("\n".join(f"#{r['local_seq']} {r['entry_id']}: {r['reason']}" for r in rejections))
