"""The status bar: signed-in staff, HQ sync (online/offline, pending, last sync) and the camera."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from pos_member.ui.sync_status import SyncView


def _short_time(iso: str | None) -> str:
    if not iso:
        return "—"
    return iso[:16].replace("T", " ")  # 2026-11-24T10:00:00+08:00 -> 2026-11-24 10:00


class TillStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = QLabel(objectName="statusStaff")
        self.sync = QLabel(objectName="statusSync")
        self.pending = QLabel(objectName="statusPending")
        self.last_sync = QLabel(objectName="statusLastSync")
        self.camera = QLabel(objectName="statusCamera")
        for label in (self.staff, self.sync, self.pending, self.last_sync):
            self.addWidget(label)
        self.addPermanentWidget(self.camera)
        self.set_staff(None)
        self.show_sync(SyncView(False, False, 0, None))
        self.set_camera(self.tr("camera starting"), ok=True)

    def set_staff(self, name: str | None, role: str | None = None) -> None:
        if name is None:
            self.staff.setText(self.tr("Not signed in"))
        else:
            shown_role = self.tr("manager") if role == "manager" else self.tr("cashier")
            self.staff.setText(self.tr("Signed in: {0} ({1})").format(name, shown_role))

    def show_sync(self, view: SyncView) -> None:
        if not view.set_up:
            self.sync.setText(self.tr("HQ sync not set up"))
            self.sync.setProperty("state", "off")
            self.pending.hide()
            self.last_sync.hide()
        else:
            self.sync.setText(self.tr("online") if view.online else self.tr("offline"))
            self.sync.setProperty("state", "ok" if view.online else "bad")
            self.sync.setToolTip(view.last_error or "")
            self.pending.setText(self.tr("pending sync: {0}").format(view.pending))
            self.last_sync.setText(self.tr("last sync: {0}").format(_short_time(view.last_sync)))
            self.pending.show()
            self.last_sync.show()
        self._restyle(self.sync)

    def set_camera(self, text: str, ok: bool, detail: str = "") -> None:
        self.camera.setText(text)
        self.camera.setToolTip(detail)
        self.camera.setProperty("state", "ok" if ok else "bad")
        self._restyle(self.camera)

    @staticmethod
    def _restyle(label: QLabel) -> None:
        label.style().unpolish(label)
        label.style().polish(label)
