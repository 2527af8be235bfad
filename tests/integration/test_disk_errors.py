"""Issue 10, point 9: a full disk, a read-only store or data dir, a store or HQ database from a newer app and a
reader that goes away each get one sentence and a documented exit code, never a traceback, and lose nothing.

Real files and real file systems: a 1 MB tmpfs filled to the last byte, a read-only bind mount, an immutable
file (`chattr +i`; the tests run as root, where chmod does not stop a write), and SQLite's own SQLITE_FULL
through `max_page_count`."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_member.domain.errors import StorageError
from pos_member.domain.reasons import Reason

ROOT = Path(__file__).resolve().parents[2]
PIN = "1357"


def run(*args: str, module: str = "pos_member.cli") -> subprocess.CompletedProcess[str]:
    # -m from the worktree's root: this checkout's code, not another editable install
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def members(home: Path) -> int:
    conn = sqlite3.connect(f"file:{home / 'store.sqlite3'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM members").fetchone()[0]
    finally:
        conn.close()


def make_store(home: Path) -> None:
    assert run("--home", str(home), "init", "--store-code", "001", "--store-name", "S",
               "--manager-pin", PIN).returncode == 0
    assert run("--home", str(home), "member", "add", "--name", "张三", "--phone", "13800001234").returncode == 0


def assert_one_sentence(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], result.stderr


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=1M", "tmpfs", str(disk)):
        pytest.skip("no right to mount a tmpfs here (the SQLITE_FULL test below still runs)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture
def read_only_view(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The same data dir twice: writable at `home`, read-only (a read-only bind mount) at `view`."""
    home, view = tmp_path / "home", tmp_path / "view"
    view.mkdir()
    make_store(home)
    if not _mount("--bind", str(home), str(view)):
        pytest.skip("no right to bind-mount here")
    try:
        assert _mount("-o", "remount,bind,ro", str(view))
        yield home, view
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_a_full_disk_is_one_sentence_and_loses_nothing(tiny_disk):
    make_store(tiny_disk)
    filler = tiny_disk / "filler"
    with filler.open("wb", buffering=0) as file:  # the disk to its last byte, as a log or backup would
        try:
            while True:
                file.write(b"\0" * 4096)
        except OSError:
            pass
        try:
            while True:
                file.write(b"\0")
        except OSError:
            pass
    result = run("--home", str(tiny_disk), "member", "add", "--name", "李四", "--phone", "13800001235")
    assert_one_sentence(result, "is full, so nothing was saved")
    filler.unlink()
    assert members(tiny_disk) == 1
    assert run("--home", str(tiny_disk), "verify").returncode == 0
    again = run("--home", str(tiny_disk), "member", "add", "--name", "李四", "--phone", "13800001235")
    assert again.returncode == 0 and members(tiny_disk) == 2  # space again: the till goes on


def test_sqlite_full_inside_a_transaction_rolls_it_all_back(store):
    """SQLITE_FULL, the error a disk filling up mid-transaction gives, with `max_page_count` as the wall."""
    with pytest.raises(StorageError) as caught, store.db.write() as conn:
        conn.execute(text("INSERT INTO settings(key, value) VALUES ('before_full', 'x')"))
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        conn.exec_driver_sql(f"PRAGMA max_page_count={pages}")
        for n in range(1000):
            conn.execute(text("INSERT INTO settings(key, value) VALUES (:k, :v)"), {"k": f"fill{n}", "v": "x" * 4000})
    assert caught.value.reason is Reason.STORE_DISK_FULL
    assert "is full, so nothing was saved" in str(caught.value)
    store.db.engine.dispose()  # a new connection: max_page_count was that connection's
    with store.db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM settings WHERE key = 'before_full' OR key LIKE 'fill%'")
                            ).scalar() == 0


def test_a_read_only_data_dir_is_one_sentence(read_only_view):
    home, view = read_only_view
    result = run("--home", str(view), "member", "add", "--name", "李四", "--phone", "13800001235")
    assert_one_sentence(result, "cannot be written")
    assert members(home) == 1


def test_a_read_only_store_file_is_one_sentence(tmp_path):
    make_store(tmp_path)
    db = tmp_path / "store.sqlite3"
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported on this file system")
    try:
        result = run("--home", str(tmp_path), "member", "add", "--name", "李四", "--phone", "13800001235",
                     "--json")
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    assert_one_sentence(result, "cannot be written")
    assert json.loads(result.stdout)["reason"] == Reason.STORE_READ_ONLY.value
    assert members(tmp_path) == 1


def test_a_store_from_a_newer_app_is_one_sentence_and_untouched(tmp_path):
    make_store(tmp_path)
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    result = run("--home", str(tmp_path), "member", "add", "--name", "李四", "--phone", "13800001235")
    assert_one_sentence(result, "written by a newer pos-member (schema 9999)")
    assert members(tmp_path) == 1
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"


def test_an_hq_database_from_a_newer_pos_hq_is_one_sentence_and_untouched(tmp_path):
    assert run("--home", str(tmp_path), "store", "add", "001", "S", module="sync.hq.cli").returncode == 0
    with sqlite3.connect(tmp_path / "hq.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    result = run("--home", str(tmp_path), "store", "add", "002", "T", module="sync.hq.cli")
    assert_one_sentence(result, "newer pos-hq (schema 9999)")
    with sqlite3.connect(tmp_path / "hq.sqlite3") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"
        assert conn.execute("SELECT COUNT(*) FROM stores").fetchone()[0] == 1


def _with_reader_gone(module: str, *args: str) -> tuple[int, str]:
    """Run a command whose stdout reader has gone before it writes (what `| head -c1` becomes once head has
    its byte): every write meets EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", module, *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path):
    make_store(tmp_path)
    code, stderr = _with_reader_gone("pos_member.cli", "--home", str(tmp_path), "member", "show", "M00101000001")
    assert (code, stderr) == (141, "")
    hq = tmp_path / "hq"
    assert run("--home", str(hq), "store", "add", "001", "S", module="sync.hq.cli").returncode == 0
    code, stderr = _with_reader_gone("sync.hq.cli", "--home", str(hq), "store", "list")
    assert (code, stderr) == (141, "")
    assert members(tmp_path) == 1


def test_head_reading_one_byte_leaves_no_traceback(tmp_path):
    """The shell's own pipe, as an admin types it."""
    make_store(tmp_path)
    shell = subprocess.run(f"{sys.executable} -m pos_member.cli --home {tmp_path} member show M00101000001 "
                           "| head -c1", shell=True, capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert shell.returncode == 0 and len(shell.stdout) == 1 and "Traceback" not in shell.stderr


def test_a_store_damaged_past_its_header_is_one_sentence(tmp_path):
    """The header and schema read fine; the members' pages are garbage ("database disk image is malformed")."""
    make_store(tmp_path)
    db = tmp_path / "store.sqlite3"
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'members'").fetchone()[0]
    conn.close()
    with db.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * page_size)
    before = db.read_bytes()
    result = run("--home", str(tmp_path), "member", "show", "M00101000001")
    assert_one_sentence(result, "is damaged; restore it from a backup")
    assert db.read_bytes() == before  # left as it was, for whoever restores or inspects it


def test_a_read_only_hq_database_is_one_sentence(tmp_path):
    assert run("--home", str(tmp_path), "store", "add", "001", "S", module="sync.hq.cli").returncode == 0
    db = tmp_path / "hq.sqlite3"
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported on this file system")
    try:
        result = run("--home", str(tmp_path), "store", "add", "002", "T", module="sync.hq.cli")
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    assert_one_sentence(result, "cannot be written")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM stores").fetchone()[0] == 1
