"""A real PostgreSQL 15 for tests and benchmarks: initdb + pg_ctl in a temp dir on a free 127.0.0.1 port.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (runuser); as anyone
else it runs as that user.

`python -m tests.sync.pg COMMAND...` starts one cluster with a migrated `hq_template`, runs COMMAND with
POS_TEST_PG_PORT naming it, and stops it: every pytest run inside (mutmut runs one per mutant) then shares that
cluster instead of starting its own (tests/sync/fixtures.py). `make mutation` runs mutmut so."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("POS_PG_BIN", "/usr/lib/postgresql/15/bin"))
SHARED_PORT = "POS_TEST_PG_PORT"  # a running cluster, started by main() below, that the tests use as theirs
TEMPLATE = "hq_template"  # a migrated HQ database each test's database is copied from


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def available() -> bool:
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


class PgCluster:
    def __init__(self, fsync: bool = True) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="pos-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.fsync = fsync
        self._as_root = os.geteuid() == 0
        self.owned = True  # started (and so stopped) by this object; False for a shared cluster

    @classmethod
    def shared(cls, port: int) -> PgCluster:
        """The cluster another process started on `port` (with its template): used, never stopped."""
        cluster = cls.__new__(cls)
        cluster.base = cluster.data = None
        cluster.port, cluster.fsync, cluster._as_root, cluster.owned = port, False, os.geteuid() == 0, False
        return cluster

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> PgCluster:
        if self._as_root:
            shutil.chown(self.base, "postgres", "postgres")
        os.chmod(self.base, 0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                   f"-c fsync={'on' if self.fsync else 'off'} -c synchronous_commit={'on' if self.fsync else 'off'}")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")
        return self

    def restart(self) -> None:
        """Stop (fast: sessions are cut) and start again with the same options: every client's connection dies."""
        if not self.owned:
            raise RuntimeError("a shared cluster is not this process's to restart")
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-l", str(self.base / "log"), "-w", "restart")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def stop(self) -> None:
        if not self.owned:
            return
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start_with_template(fsync: bool = False) -> PgCluster:
    """A new cluster holding TEMPLATE, migrated to the current HQ schema."""
    from sync.hq import db

    cluster = PgCluster(fsync=fsync).start()
    try:
        cluster.admin(f"CREATE DATABASE {TEMPLATE}")
        engine = db.make_engine(cluster.url(TEMPLATE))
        db.upgrade(engine)
        engine.dispose()
    except BaseException:
        cluster.stop()
        raise
    return cluster


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m tests.sync.pg COMMAND [ARG...]", file=sys.stderr)
        return 2
    cluster = start_with_template()  # fsync off: a test run's databases need not survive the machine
    try:
        return subprocess.run(argv, env=os.environ | {SHARED_PORT: str(cluster.port)}).returncode
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
