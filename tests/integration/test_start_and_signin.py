"""Start and safety, below the window: store files that must be refused (never replaced by a demo), the demo
built whole on an empty data dir, the sign-in lockout and its audit rows, manager approvals."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import select

from pos_member.cli import main
from pos_member.domain.errors import NeedsManager, SignInLocked, StorageError, WrongPin
from pos_member.services import staff
from pos_member.services.context import open_store
from pos_member.services.demo import create_demo_store_file, is_demo_store
from pos_member.services.verify import verify_store
from pos_member.storage import tables as t
from tests.conftest import MANAGER_PIN

CASHIER_PIN = "1357"


def _audit(store, action: str) -> list[dict]:
    with store.db.read() as conn:
        rows = conn.execute(select(t.audit).where(t.audit.c.action == action).order_by(t.audit.c.id))
        return [{"staff_id": r.staff_id, "approved_by": r.approved_by, "subject": r.subject,
                 "detail": json.loads(r.detail)} for r in rows]


# -- store files --------------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"these are not the bytes of a database" * 50, None])
def test_an_empty_damaged_or_unreadable_store_file_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "store.sqlite3"
    if content is None:
        path.mkdir()  # unreadable as a file whoever runs the test (root reads any file)
    else:
        path.write_bytes(content)
    with pytest.raises(StorageError) as refused:
        open_store(path, create=False)
    assert str(path) in refused.value.message and "\n" not in str(refused.value)
    with pytest.raises(StorageError):
        open_store(path)  # create=True (init, demo) refuses it just the same
    if content is not None:
        assert path.read_bytes() == content


def test_a_truncated_store_file_is_refused(tmp_path, store):
    store.close()
    path = store.db.path
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(StorageError, match="damaged"):
        open_store(path, create=False)


def test_no_store_file_without_create_is_refused_and_creates_nothing(tmp_path):
    with pytest.raises(StorageError, match="pos-member init"):
        open_store(tmp_path / "store.sqlite3", create=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [b"", b"junk" * 100])
def test_cli_refuses_a_bad_store_file_with_one_line_and_exit_1(tmp_path, capsys, content):
    home = tmp_path / "home"
    home.mkdir()
    (home / "store.sqlite3").write_bytes(content)
    for argv in (["sales"], ["demo", "--members", "3"], ["init", "--store-code", "001", "--store-name", "X",
                                                        "--manager-pin", MANAGER_PIN]):
        assert main(["--home", str(home), *argv]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: database: the store file") and err.count("\n") == 1
    assert (home / "store.sqlite3").read_bytes() == content


def test_cli_on_an_empty_data_dir_says_so_and_makes_no_store_file(tmp_path, capsys):
    home = tmp_path / "home"
    assert main(["--home", str(home), "sales"]) == 1
    assert "pos-member init" in capsys.readouterr().err
    assert not (home / "store.sqlite3").exists()


def test_the_demo_file_is_built_whole_then_renamed_into_place(tmp_path, clock):
    path = tmp_path / "store.sqlite3"
    seen: list[tuple[int, int]] = []
    summary = create_demo_store_file(path, 12, tmp_path / "qr", clock, progress=lambda d, n: seen.append((d, n)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite3"]  # no scratch, no PNGs yet
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] and len(seen) > 5
    assert len(summary.card_qrs) == 12
    store = open_store(path, create=False)
    try:
        assert is_demo_store(store) and verify_store(store).ok
    finally:
        store.close()
    with pytest.raises(Exception, match="already holds a store"):
        create_demo_store_file(path, 12, tmp_path / "qr", clock)


# -- sign-in lockout ----------------------------------------------------------------------------------

def _wrong(store, times: int) -> Exception:
    last: Exception | None = None
    for _ in range(times):
        with pytest.raises((WrongPin, SignInLocked)) as refused:
            staff.attempt_sign_in(store, "9999")
        last = refused.value
    assert last is not None
    return last


def test_five_wrong_pins_lock_sign_in_for_30_s_then_60_s_and_each_is_audited(store, clock):
    staff.add_staff(store, "Carl", "cashier", CASHIER_PIN, MANAGER_PIN)
    fourth = _wrong(store, 4)
    assert isinstance(fourth, WrongPin) and fourth.tries_left == 1
    fifth = _wrong(store, 1)
    assert isinstance(fifth, SignInLocked) and fifth.seconds == 30
    # locked: even the right PIN is refused, without being checked
    with pytest.raises(SignInLocked) as locked:
        staff.attempt_sign_in(store, CASHIER_PIN)
    assert locked.value.seconds == 30
    clock.advance(seconds=29)
    assert staff.sign_in_lock(store) == 1
    clock.advance(seconds=1)
    assert staff.sign_in_lock(store) == 0
    # the next round of five waits twice as long
    assert isinstance(_wrong(store, 4), WrongPin)
    assert _wrong(store, 1).seconds == 60
    clock.advance(seconds=60)
    assert staff.attempt_sign_in(store, CASHIER_PIN).name == "Carl"  # a right PIN ends the streak
    assert isinstance(_wrong(store, 4), WrongPin)
    assert _wrong(store, 1).seconds == 30
    failed = _audit(store, "staff.sign_in_failed")
    assert len(failed) == 5 + 1 + 5 + 5  # every wrong PIN, and the attempt made while locked
    assert failed[4]["detail"] == {"reason": "wrong_pin", "in_a_row": 5, "wait_s": 30}
    assert failed[5]["detail"] == {"reason": "locked", "wait_s": 30}
    assert all(CASHIER_PIN not in json.dumps(row) and "9999" not in json.dumps(row) for row in failed)
    assert verify_store(store).ok


def test_the_lockout_survives_a_restart_and_a_clock_set_back(tmp_path, store, clock):
    _wrong(store, 5)
    path = store.db.path
    store.close()
    reopened = open_store(path, clock=clock, create=False)
    try:
        assert staff.sign_in_lock(reopened) == 30
        clock.advance(days=-2)  # the till's clock set back: the wait is never longer than it was
        assert staff.sign_in_lock(reopened) == 30
    finally:
        reopened.close()


def test_cli_pin_goes_through_the_same_lockout(tmp_path, capsys):
    home = tmp_path / "home"
    assert main(["--home", str(home), "init", "--store-code", "001", "--store-name", "X",
                 "--manager-pin", MANAGER_PIN]) == 0
    for _ in range(5):
        assert main(["--home", str(home), "--pin", "0000", "sales"]) == 1
    capsys.readouterr()
    assert main(["--home", str(home), "--pin", MANAGER_PIN, "sales"]) == 1
    assert "sign-in is possible again in" in capsys.readouterr().err


# -- manager approvals ----------------------------------------------------------------------------------

def test_approval_needs_a_manager_pin_and_is_audited(store):
    carl = staff.add_staff(store, "Carl", "cashier", CASHIER_PIN, MANAGER_PIN)
    with pytest.raises(NeedsManager):
        staff.approve_manager(store, CASHIER_PIN, "settings.open", "opening the settings", carl.id)
    with pytest.raises(NeedsManager):
        staff.approve_manager(store, "", "settings.open", "opening the settings", carl.id)
    assert _audit(store, "settings.open") == []
    manager = staff.approve_manager(store, MANAGER_PIN, "card.print_qr", "printing a card", carl.id, "0010100000013")
    assert _audit(store, "card.print_qr") == [
        {"staff_id": carl.id, "approved_by": manager.id, "subject": "0010100000013", "detail": {}}]
