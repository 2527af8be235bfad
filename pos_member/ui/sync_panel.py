"""The HQ sync panel (F11): the state the status bar shows (both follow one SyncMonitor), what waits to go to
HQ, when it last worked, the last error in the till's language, the entries HQ quarantined, and the rows of
HQ's feed this till set aside because it could not apply them (each with its reason in the till's language).
"Sync now" wakes the sync worker, or says that HQ is not set up for this till."""

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

from pos_member.domain.reasons import Reason
from pos_member.services import sync_service
from pos_member.services.context import Store
from pos_member.ui.messages import sentence
from pos_member.ui.sync_status import SyncMonitor, SyncView


def read_rejections(store: Store) -> list[dict[str, Any]]:
    try:
        return sync_service.recent_rejections(store)
    except Exception:  # a store file from before the sync tables: nothing was quarantined
        return []


def read_set_aside(store: Store) -> list[dict[str, Any]]:
    try:
        return sync_service.set_aside_pulled(store)
    except Exception:  # a store file from before migration 0006: nothing was set aside
        return []


class SyncPanel(QDialog):
    def __init__(self, parent: QWidget | None, monitor: SyncMonitor,
                 sync_now: Callable[[], Callable[[], None] | None]) -> None:
        """`sync_now` gives the sync worker's "now" (None when no sync worker runs in this session)."""
        super().__init__(parent)
        self.setObjectName("syncPanel")
        self.setWindowTitle(self.tr("HQ sync"))
        self.setMinimumWidth(520)
        self.monitor = monitor
        self._sync_now = sync_now
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, caption in (("state", self.tr("State")), ("hq", self.tr("HQ")),
                             ("pending", self.tr("Waiting to send")),
                             ("last_success", self.tr("Last success")), ("last_attempt", self.tr("Last attempt")),
                             ("last_error", self.tr("Last error")), ("rejected", self.tr("Quarantined by HQ")),
                             ("set_aside", self.tr("Set aside from HQ")), ("rules", self.tr("Rules in force"))):
            label = QLabel(objectName="syncValue")
            label.setWordWrap(True)
            form.addRow(caption, label)
            self.values[key] = label
        self.rejections = QLabel(objectName="hint")
        self.rejections.setWordWrap(True)
        self.set_aside = QLabel(objectName="hint")
        self.set_aside.setWordWrap(True)
        self.note = QLabel(objectName="syncNote")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.clicked.connect(self.sync_now)
        buttons.addButton(self.sync_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rejections)
        layout.addWidget(self.set_aside)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        monitor.changed.connect(self.show_view)
        self.show_view(monitor.view)

    def sync_now(self) -> str:
        """Wake the sync worker; the sentence said (also returned, for the window's message line)."""
        if not self.monitor.view.set_up:
            text = self.tr("HQ is not set up for this till: nothing to sync. Enrol it with "
                           "`pos-member enrol URL CODE`.")
        elif (wake := self._sync_now()) is None:
            text = self.tr("The sync worker is not running in this session.")
        else:
            wake()
            text = self.tr("Syncing with HQ now; this panel shows the outcome.")
        self.note.setText(text)
        return text

    def show_view(self, view: SyncView) -> None:
        v = self.values
        if not view.set_up:
            v["state"].setText(self.tr("HQ sync not set up"))
            v["hq"].setText(self.tr("not set up: enrol this till with `pos-member enrol URL CODE`"))
        else:
            v["state"].setText(self.tr("online") if view.online else self.tr("offline"))
            v["hq"].setText(view.hq_url)
        v["pending"].setText(self.tr("{0} ledger entries, {1} other records (members, cards, sales, coupons)").format(
            view.pending_entries, view.pending_records))
        v["last_success"].setText(view.last_sync or self.tr("never"))
        v["last_attempt"].setText(view.last_attempt or self.tr("never"))
        v["last_error"].setText(view.last_error or self.tr("none"))
        v["rejected"].setText(str(view.rejected))
        v["set_aside"].setText(str(view.set_aside))
        v["rules"].setText(self.rules_text(view))

    def rules_text(self, view: SyncView) -> str:
        """Which rules version prices sales here, and whose it is (chain rules win once enrolled)."""
        if view.rules_version is None:
            return self.tr("none")
        if view.rules_hq_version is not None:
            return self.tr("version {0}: HQ's rules (HQ version {1})").format(view.rules_version,
                                                                          view.rules_hq_version)
        if not view.set_up:
            return self.tr("version {0}: this store's own rules").format(view.rules_version)
        if view.local_rules:
            return self.tr("version {0}: this store's own rules (allowed by HQ)").format(view.rules_version)
        return self.tr("version {0}: this store's own rules, until HQ's rules arrive").format(view.rules_version)

    def show_rejections(self, rejections: list[dict[str, Any]]) -> None:
        self.rejections.setText("\n".join(f"#{r['local_seq']} {r['entry_id']}: {r['reason']}" for r in rejections))

    def show_set_aside(self, rows: list[dict[str, Any]]) -> None:
        """Rows of HQ's feed this till could not apply: where in the feed, what, and why (in the till's
        language, from the reason code)."""
        kinds = {"member": self.tr("member"), "card": self.tr("card"), "entry": self.tr("ledger entry"),
                 "rules": self.tr("rules")}
        lines = []
        for row in rows:
            reason = Reason(row["reason"]) if row["reason"] in Reason._value2member_map_ else Reason.PULL_NOT_APPLIED
            lines.append(self.tr("#{0} {1} {2}: {3}").format(
                row["seq"], kinds.get(row["kind"], row["kind"]), row["key"],
                sentence(reason, row.get("params") or {}, widget=self)))
        self.set_aside.setText("\n".join(lines))
