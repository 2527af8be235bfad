"""The status bar's sync figures, read from the store file (HQ itself is not needed for this)."""

from __future__ import annotations

import sqlite3

from pos_member.ui.sync_status import read_sync_view
from tests.gui.conftest import idle


def _set_sync_state(db, **values: str) -> None:
    with sqlite3.connect(db) as raw:
        raw.executemany("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", values.items())


def test_not_set_up_until_enrolled(qtbot, till_app, window):
    assert not read_sync_view(till_app.store).set_up
    assert window.status.sync.text() == "HQ sync not set up"
    assert window.status.staff.text() == "Signed in: Carl Cashier (cashier)"


def test_online_offline_pending_and_last_sync(qtbot, till_app, window):
    # an enrolled till whose last sync worked; the seeded top-up and registrations are not pushed yet
    _set_sync_state(till_app.paths.db, token="t", hq_url="https://hq.example", push_through="0",
                    last_attempt="2026-11-24T09:30:00+08:00", last_success="2026-11-24T09:30:00+08:00")
    view = read_sync_view(till_app.store)
    assert view.set_up and view.online and view.pending > 0
    window.sync_monitor.refresh()
    idle(qtbot, window)
    assert window.status.sync.text() == "online"
    assert window.status.pending.text() == f"pending sync: {view.pending}"
    assert window.status.last_sync.text() == "last sync: 2026-11-24 09:30"
    _set_sync_state(till_app.paths.db, last_attempt="2026-11-24T09:45:00+08:00",
                    last_error="HQ unreachable: ConnectionError", last_error_reason='{"reason": "hq_unreachable", "params": {"error": "ConnectionError"}}')
    window.sync_monitor.refresh()
    idle(qtbot, window)
    assert window.status.sync.text() == "offline"
    assert window.status.sync.toolTip() == "HQ cannot be reached (ConnectionError)."


def test_the_app_runs_the_days_jobs_and_a_sync_worker_that_stops_on_close(qtbot, till_app, window):
    import threading

    from sqlalchemy import text

    qtbot.waitUntil(lambda: till_app.sync_worker is not None)  # started off the GUI thread
    assert any(t.name == "hq-sync" for t in threading.enumerate())
    store = till_app.store

    def jobs_ran() -> bool:
        with store.db.read() as conn:
            return conn.execute(text("SELECT COUNT(*) FROM job_runs WHERE run_date = '2026-11-24'")).scalar() == 4

    qtbot.waitUntil(jobs_ran, timeout=10_000)
    window.close()
    till_app.shutdown()
    assert not any(t.name == "hq-sync" for t in threading.enumerate())


def test_sync_panel_shows_what_waits_and_syncs_now(qtbot, till_app, window):
    from PySide6.QtCore import Qt

    qtbot.keyClick(window.code, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.sync_panel is not None and window.sync_panel.values["hq"].text() != "")
    panel = window.sync_panel
    assert panel.values["hq"].text().startswith("not set up")
    # the seeded store: one top-up entry; two members, their two cards and the top-up document, never sent
    assert panel.values["pending"].text() == "1 ledger entries, 5 other records (members, cards, sales, coupons)"
    assert panel.sync_button.isEnabled()
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    # no HQ: the till says so instead of "Syncing with HQ now." and nothing happening
    assert panel.note.text().startswith("HQ is not set up for this till")
    assert window.message.text() == panel.note.text()
    panel.close()


def _set_aside_row(db) -> None:
    """A row of HQ's feed this till could not apply, as the pull leaves it (pos_member.storage.sync_apply)."""
    with sqlite3.connect(db) as raw:
        raw.execute("INSERT INTO pull_quarantine (seq, kind, key, reason, params, data, at) VALUES "
                    "(42, 'member', 'M00101000001', 'pull_number_taken', '{\"number\": \"M00101000001\"}', '{}', "
                    "'2026-11-24T09:30:00+08:00')")


def test_sync_panel_lists_the_rows_of_hq_set_aside_by_this_till(qtbot, till_app, window):
    from PySide6.QtCore import Qt

    _set_sync_state(till_app.paths.db, token="t", hq_url="https://hq.example", push_through="0")
    _set_aside_row(till_app.paths.db)
    qtbot.keyClick(window.code, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: window.sync_panel is not None and window.sync_panel.set_aside.text() != "")
    panel = window.sync_panel
    assert panel.values["set_aside"].text() == "1"
    assert panel.set_aside.text() == "#42 member M00101000001: M00101000001 is held here by another member."
    panel.close()
