"""HQ's edge (issue 10, point 4): a size limit before parsing, the token before the body, short 422s, a
permanent database error that rejects one record instead of answering 503 forever (with the real exception
in HQ's log), HTTPS that the till verifies, and private files at the till and at HQ."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from pos_member.config import Paths, resolve_paths, save_settings
from pos_member.config import Settings as TillSettings
from pos_member.services import members, sync_service
from sync.hq import admin, db
from sync.hq import tables as hqt
from tests.sync.fixtures import HQ, Stores, sync
from tests.sync.pg import free_port

LIMIT = 2 * 1024 * 1024


def _token(store) -> str:
    info = sync_service.sync_store(store).connection_info()
    assert info is not None
    return info[1]


def _push(hq: HQ, token: str | None, **kwargs) -> requests.Response:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    return requests.post(f"{hq.url}/v1/push", headers=headers, timeout=60, **kwargs)


def test_a_body_over_the_limit_is_413_before_it_is_parsed_or_its_token_checked(hq: HQ, stores: Stores):
    a = stores.enrolled(hq, "001")
    token = _token(a)
    over = b"x" * (LIMIT + 1)  # not even JSON: a parse would answer 422
    assert _push(hq, token, data=over).status_code == 413
    assert _push(hq, "a-wrong-token", data=over).status_code == 413
    chunked = _push(hq, token, data=iter([b"{" + b" " * (LIMIT // 2)] * 3))  # no Content-Length: counted
    assert chunked.status_code == 413
    assert requests.post(f"{hq.url}/v1/enrol", data=over, timeout=60).status_code == 413
    assert _push(hq, token, data=b'{"entries": []}').status_code == 200  # under the limit: served


def test_a_bad_or_missing_token_is_401_before_the_body_is_read(hq: HQ, stores: Stores):
    stores.enrolled(hq, "001")
    malformed = b'{"entries": [{"local_seq": "seven"}]}'
    assert _push(hq, None, data=malformed).status_code == 401
    refused = _push(hq, "not-a-token", data=malformed)
    assert refused.status_code == 401  # before this change the body was validated first: a 422
    assert "seven" not in refused.text


def test_a_422_echoes_only_a_short_excerpt_of_the_input(hq: HQ, stores: Stores):
    a = stores.enrolled(hq, "001")
    token = _token(a)
    long_note = "N" * 1_500_000
    entry = {"entry_id": str(uuid.uuid4()), "local_seq": "1", "member_uuid": "x" * 500_000, "account": "points",
             "kind": "adjust", "delta": 1, "rules_version": 1, "business_time": "2026-11-24T10:00:00+08:00",
             "note": long_note}
    reply = _push(hq, token, json={"entries": [entry]})
    assert reply.status_code == 422
    assert len(reply.content) < 4000
    assert any(d["loc"][:3] == ["body", "entries", 0] for d in reply.json()["detail"])
    not_json = _push(hq, token, data=b"\xff" * 1_000_000)
    assert not_json.status_code == 422 and len(not_json.content) < 4000
    enrol = requests.post(f"{hq.url}/v1/enrol", json={"code": "C" * 1_000_000}, timeout=60)
    assert enrol.status_code == 422 and len(enrol.content) < 4000


def _member_record(store_code: str, phone: str, number: int) -> dict:
    return {"kind": "member", "member": {
        "uuid": str(uuid.uuid4()), "member_no": f"M{store_code}01{number:06d}", "home_store": store_code,
        "name": f"Member {number}", "phone": phone, "birthday": None, "tier_code": "standard",
        "tier_reached_on": None, "status": "active", "created_at": "2026-11-24T10:00:00+08:00",
        "updated_at": "2026-11-24T10:00:00+08:00"}}


def test_six_members_sharing_a_phone_are_stored_and_flagged(hq: HQ, stores: Stores):
    a = stores.enrolled(hq, "001")
    records = [_member_record("001", "13900005555", n) for n in range(1, 7)]
    reply = _push(hq, _token(a), json={"records": records})
    assert reply.status_code == 200, reply.text  # was 503 forever: flags.subject was varchar(200)
    assert [r["status"] for r in reply.json()["records"]] == ["ok"] * 6
    with db.read(hq.engine) as conn:
        subjects = [r[0] for r in conn.execute(select(hqt.flags.c.subject).where(
            hqt.flags.c.kind == "duplicate_phone"))]
    assert max(len(s.split(",")) for s in subjects) == 6


def test_a_permanent_database_error_rejects_that_record_alone_and_logs_the_exception(
        hq: HQ, stores: Stores, caplog: pytest.LogCaptureFixture):
    """A flag naming ~75 members sharing one phone no longer fits PostgreSQL's index row: the member that
    would make it is rejected (and logged with its exception), every other record and entry is stored."""
    a = stores.enrolled(hq, "001")
    alice = members.register_member(a, "Alice", "13900006666")
    records = [_member_record("001", "13900007777", n) for n in range(100, 190)]
    with caplog.at_level(logging.ERROR, logger="sync.hq"):
        reply = _push(hq, _token(a), json={"records": records})
        assert reply.status_code == 200, reply.text
    statuses = [r["status"] for r in reply.json()["records"]]
    assert "rejected" in statuses and statuses[0] == "ok"
    assert {r["code"] for r in reply.json()["records"] if r["status"] == "rejected"} == {"hq_not_stored"}
    logged = "\n".join(r.getMessage() + "\n" + (str(r.exc_info[1]) if r.exc_info else "") for r in caplog.records)
    assert "index row" in logged and "NoneType: None" not in logged
    refused = next(r["key"] for r in reply.json()["records"] if r["status"] == "rejected")
    device = a.identity.device_id
    alone = [r for r in caplog.records if r.getMessage() == f"HQ could not store member record {refused} from device {device}"]
    assert len(alone) == 1 and "index row" in str(alone[0].exc_info[1])  # named, with the database's own error
    sync(a)  # the till's own push goes through
    with db.read(hq.engine) as conn:
        assert conn.execute(select(hqt.members.c.name).where(hqt.members.c.uuid == alice.uuid)).scalar() == "Alice"


# ---- HTTPS ---------------------------------------------------------------------------------------------

def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "hq-cert.pem", directory / "hq-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def test_pos_hq_serves_https_and_the_till_verifies_it_with_its_ca_file(tmp_path: Path, stores: Stores):
    cert, key = _certificate(tmp_path)
    hq_db = f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sync.hq.cli", "--db", hq_db, "serve", "--port", str(port),
                             "--certfile", str(cert), "--keyfile", str(key)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"https://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{url}/healthz", timeout=1, verify=str(cert))
                break
            except requests.ConnectionError:
                assert proc.poll() is None, "pos-hq serve exited"
                time.sleep(0.05)
        engine = db.make_engine(hq_db)
        code = admin.add_store(engine, "001", "Riverside")["enrolment_code"]
        engine.dispose()
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{url}/healthz", timeout=5)  # not a CA the system trusts
        a = stores.make("001")
        with pytest.raises(sync_service.SyncFailed):
            sync_service.enrol(a, url, code)  # the till refuses HQ's certificate without the CA file
        save_settings(Paths(a.db.path.parent), TillSettings(hq_ca_file=str(cert)))
        sync_service.enrol(a, url, code)
        members.register_member(a, "Alice", "13900008888")
        assert sync(a)["entries_ok"] >= 0
        assert sync_service.sync_status(a)["last_error"] in (None, "")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---- private files -------------------------------------------------------------------------------------

def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_the_store_file_data_dir_and_hqs_file_are_private(tmp_path: Path, stores: Stores):
    old = os.umask(0o022)
    try:
        paths = resolve_paths(str(tmp_path / "till-home"))
        assert _mode(paths.home) == 0o700
        store = stores.make("001")
        assert _mode(store.db.path) == 0o600
        assert _mode(store.db.path.parent) == 0o700
        url = db.database_url(None, str(tmp_path / "hq-home"))
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        assert _mode(tmp_path / "hq-home") == 0o700
        assert _mode(tmp_path / "hq-home" / "hq.sqlite3") == 0o600
        loose = tmp_path / "loose.sqlite3"
        loose.write_bytes(b"")
        loose.chmod(0o644)
        db.make_engine(f"sqlite+pysqlite:///{loose}").dispose()
        assert _mode(loose) == 0o600
    finally:
        os.umask(old)
