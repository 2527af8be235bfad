"""Issue 10, point 9 at HQ on PostgreSQL: a database migrated by a newer pos-hq is refused with one sentence,
by every command and by `serve` before it listens, and left exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from sync.hq import db

ROOT = Path(__file__).resolve().parents[2]


def _pos_hq(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sync.hq.cli", "--db", url, *args], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def test_a_postgresql_database_from_a_newer_pos_hq_is_refused_and_untouched(pg_url: str):
    engine = db.make_engine(pg_url)
    with db.write(engine) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        for args in (("store", "add", "001", "S"), ("serve", "--port", "1")):
            result = _pos_hq(pg_url, *args)
            assert result.returncode == 1, result.stderr
            assert result.stderr.strip().splitlines() == [
                "error: database: HQ's database was written by a newer pos-hq (schema 9999); update pos-hq first"]
        with db.read(engine) as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
            assert conn.execute(text("SELECT COUNT(*) FROM stores")).scalar() == 0
    finally:
        engine.dispose()
