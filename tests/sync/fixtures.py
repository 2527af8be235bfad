"""Real parts for sync tests: a PostgreSQL cluster per session (or the running one POS_TEST_PG_PORT names,
shared by many sessions) and a fresh database per test, the real HQ app served by uvicorn on 127.0.0.1, real
store files enrolled with it, and the invariants every test checks.

Imported by tests/sync/conftest.py and tests/faults/conftest.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from pathlib import Path

import pytest
import requests
import uvicorn
from sqlalchemy import Connection, Engine, select, text

from pos_member.services import sync_service
from pos_member.services.context import Store, open_store
from pos_member.services.setup import init_store
from pos_member.services.verify import verify_store
from sync.hq import admin, db
from sync.hq import tables as hqt
from sync.hq.app import create_app
from tests.conftest import CHINA, MANAGER_PIN, MovableClock
from tests.sync.pg import SHARED_PORT, TEMPLATE, PgCluster, available, free_port, start_with_template

_databases = count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    shared = os.environ.get(SHARED_PORT)
    if shared:  # `python -m tests.sync.pg` started one for a whole mutation run: no initdb per mutant
        cluster = PgCluster.shared(int(shared))
        _stop_before_cpu_limit(cluster)
        yield cluster
        return
    if not available():
        pytest.fail("PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin: run `make system-deps`")
    cluster = start_with_template(fsync=False)  # fsync off: the tests kill HQ processes, never the machine
    _stop_before_cpu_limit(cluster)
    yield cluster
    cluster.stop()


_made: list[str] = []  # this process's test databases, dropped when the cluster is shared


def _stop_before_cpu_limit(cluster: PgCluster) -> None:
    """mutmut ends a mutant's test run that takes too long with SIGXCPU, whose default action skips every
    teardown: each such mutant left its PostgreSQL running for the rest of a mutation run (or, with a shared
    cluster, its databases). Stop it (drop them), then die of the same signal so mutmut still records a
    timeout."""

    def stop_and_die(signum: int, _frame: object) -> None:
        if cluster.owned:
            cluster.stop()
        else:
            for name in _made:
                cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGXCPU, stop_and_die)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, migrated HQ database (a copy of the session's template) for each test."""
    name = f"hq_test_{os.getpid()}_{next(_databases)}"  # the pid: pytest runs in parallel share one cluster
    pg_cluster.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    _made.append(name)
    yield pg_cluster.url(name)
    if not pg_cluster.owned:  # a shared cluster outlives thousands of test runs: leave nothing behind
        pg_cluster.admin(f"DROP DATABASE {name} WITH (FORCE)")
        _made.remove(name)


class ServerThread:
    """The real HQ app under uvicorn on a thread, on a free 127.0.0.1 port."""

    def __init__(self, engine: Engine, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(create_app(engine), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("HQ server failed to start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class ServerProcess:
    """`pos-hq serve` as a child process, so a test can SIGKILL HQ mid-batch and start it again."""

    def __init__(self, db_url: str, port: int | None = None, workers: int = 1, extra_args: tuple[str, ...] = (),
                 start_timeout_s: float = 30.0) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.workers = workers
        self.extra_args = extra_args  # more `pos-hq serve` options, e.g. ("--jobs-every", "0")
        self.start_timeout_s = start_timeout_s
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        self.proc = subprocess.Popen([sys.executable, "-m", "sync.hq.cli", "--db", self.db_url, "serve",
                                      "--port", str(self.port), "--workers", str(self.workers), *self.extra_args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(int(self.start_timeout_s / 0.05)):
            try:
                requests.get(f"{self.url}/healthz", timeout=1)
                return self
            except requests.ConnectionError:
                if self.proc.poll() is not None:
                    raise RuntimeError("pos-hq serve exited") from None
                time.sleep(0.05)
        raise RuntimeError("pos-hq serve did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class HQ:
    engine: Engine
    server: ServerThread | ServerProcess
    url: str

    def down(self) -> None:
        """HQ stops answering (the tills' holds fall back to the offline limit); `up` serves it again."""
        self.server.stop()

    def up(self) -> None:
        assert isinstance(self.server, ServerThread)
        self.server = ServerThread(self.engine, self.server.port).start()

    def enrolment_code(self, store_code: str) -> str:
        if not admin.list_stores(self.engine) or store_code not in {s["code"] for s in admin.list_stores(self.engine)}:
            return admin.add_store(self.engine, store_code, f"Store {store_code}")["enrolment_code"]
        return admin.enrolment_code(self.engine, store_code)["enrolment_code"]


@pytest.fixture
def hq(pg_url: str) -> Iterator[HQ]:
    engine = db.make_engine(pg_url)
    server = ServerThread(engine).start()
    yield HQ(engine, server, server.url)
    server.stop()
    engine.dispose()


@dataclass
class Stores:
    """Store files in a temp dir, each with its own movable clock, enrolled with HQ on request."""

    tmp: Path
    opened: list[Store] = field(default_factory=list)

    def make(self, code: str, clock: MovableClock | None = None, device_no: int = 1, folder: str | None = None
             ) -> Store:
        """`folder` names the data dir (default store-CODE-TILL): a second file for one till number is a
        replacement till on new hardware."""
        clock = clock or MovableClock(datetime(2026, 11, 24, 10, 0, tzinfo=CHINA))
        store = open_store(self.tmp / (folder or f"store-{code}-{device_no}") / "store.sqlite3", clock=clock)
        init_store(store, code, f"Store {code}", MANAGER_PIN, device_no=device_no)
        self.opened.append(store)
        return store

    def enrolled(self, hq: HQ, code: str, url: str | None = None, **kwargs: object) -> Store:
        store = self.make(code, **kwargs)  # type: ignore[arg-type]
        sync_service.enrol(store, url or hq.url, hq.enrolment_code(code))
        return store

    def close(self) -> None:
        for store in self.opened:
            store.close()


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    made = Stores(tmp_path)
    yield made
    made.close()


def sync(store: Store) -> dict[str, object]:
    return sync_service.sync_once(store, attempts=1, timeout=20)


def sync_until_drained(store: Store, tries: int = 20, between: Callable[[], None] | None = None) -> None:
    """Sync until a cycle succeeds (faults may make earlier ones fail). For tests that inject faults only:
    anywhere else a failed sync is a failure (sync_all; tests/sync/test_harness.py keeps it so)."""
    for _ in range(tries):
        try:
            sync(store)
            return
        except sync_service.SyncFailed:
            if between:
                between()
    raise AssertionError(f"sync never succeeded: {sync_service.sync_status(store)}")


def own_entry_ids(store: Store) -> set[str]:
    with store.db.read() as conn:
        return {r[0] for r in conn.execute(text("SELECT entry_id FROM ledger WHERE device_id = :d"),
                                           {"d": store.identity.device_id})}


def assert_invariants(hq_engine: Engine, stores: list[Store]) -> None:
    """Every local entry is at HQ exactly once (or in quarantine, if HQ rejected it); each member's HQ
    balances equal the sum of its distinct entries; every queue is drained; no lost card is missed."""
    with db.read(hq_engine) as conn:
        for store in stores:
            device = store.identity.device_id
            held = [r[0] for r in conn.execute(select(hqt.entries.c.entry_id).where(hqt.entries.c.device_id == device))]
            quarantined = {r[0] for r in conn.execute(select(hqt.quarantine.c.entry_id).where(
                hqt.quarantine.c.device_id == device))}
            assert len(held) == len(set(held)), "an entry is held twice"
            assert set(held) | quarantined == own_entry_ids(store), f"store {store.identity.store_code}: HQ differs"
            assert set(held).isdisjoint(quarantined)
            status = sync_service.sync_status(store)
            assert status["pending_entries"] == 0 and status["pending_records"] == 0, status
        bad = conn.execute(text("""
            SELECT m.uuid FROM members m LEFT JOIN (
              SELECT member_uuid, SUM(CASE WHEN account = 'points' THEN delta ELSE 0 END) AS points,
                     SUM(CASE WHEN account = 'stored_paid' THEN delta ELSE 0 END) AS paid,
                     SUM(CASE WHEN account = 'stored_bonus' THEN delta ELSE 0 END) AS bonus
              FROM entries GROUP BY member_uuid) e ON e.member_uuid = m.uuid
            WHERE m.points != COALESCE(e.points, 0) OR m.stored_paid_fen != COALESCE(e.paid, 0)
               OR m.stored_bonus_fen != COALESCE(e.bonus, 0)""")).all()
        assert not bad, f"HQ balances differ from the sum of entries for {bad}"
        assert_rollups(conn)
        lost = {r[0] for r in conn.execute(select(hqt.cards.c.card_no).where(hqt.cards.c.status == "lost"))}
        everything = {r[0] for r in conn.execute(select(hqt.entries.c.entry_id))}
    for store in stores:
        with store.db.read() as conn:
            local_lost = {r[0] for r in conn.execute(text("SELECT card_no FROM cards WHERE status = 'lost'"))}
            local = {r[0] for r in conn.execute(text("SELECT entry_id FROM ledger"))}
        code = store.identity.store_code
        assert lost <= local_lost, f"store {code} missed lost cards {lost - local_lost}"
        assert everything <= local, f"store {code} lacks {len(everything - local)} chain entries"
        report = verify_store(store)
        assert report.ok, f"store {code}: {report.problems}"


def assert_rollups(conn: Connection) -> None:
    """The report roll-ups (sync.hq.rollups) hold exactly the sums of the entries HQ stored."""
    by_store = {tuple(r[:4]): (int(r[4]), int(r[5])) for r in conn.execute(text(
        "SELECT substr(business_time, 1, 10), store_code, account, kind, SUM(delta), COUNT(*) FROM entries "
        "GROUP BY substr(business_time, 1, 10), store_code, account, kind"))}
    by_home = {tuple(r[:4]): (int(r[4]), int(r[5])) for r in conn.execute(text(
        "SELECT substr(e.business_time, 1, 10), m.home_store, e.account, e.kind, SUM(e.delta), COUNT(*) "
        "FROM entries e JOIN members m ON m.uuid = e.member_uuid "
        "GROUP BY substr(e.business_time, 1, 10), m.home_store, e.account, e.kind"))}
    for table, expected in (("ledger_daily", by_store), ("liability_daily", by_home)):
        held = {tuple(r[:4]): (int(r[4]), int(r[5])) for r in conn.execute(text(
            f"SELECT * FROM {table}")) if r[5]}
        assert held == expected, f"{table} differs from the entries"


def sync_all(stores: list[Store]) -> None:
    """Push everything everywhere, then pull everything everywhere: each cycle must succeed the first time
    (no retry hides a failure; a fault-injection test uses drain_all)."""
    for _ in range(2):
        for store in stores:
            sync(store)


def drain_all(stores: list[Store]) -> None:
    """sync_all for tests that inject faults: each store syncs until a cycle succeeds."""
    for _ in range(2):
        for store in stores:
            sync_until_drained(store)
