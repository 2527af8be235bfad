"""HQ's database: PostgreSQL through a URL in production, an embedded SQLite file by default.

Transactions: `write()` for every change (on SQLite it starts with BEGIN IMMEDIATE, the same rule as the store
file; on PostgreSQL it is READ COMMITTED and serialises on the feed_counter row lock); `read()` takes one
REPEATABLE READ snapshot on PostgreSQL so a pull sees the counter and the rows at the same instant.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text

from pos_member.domain.errors import StorageError
from pos_member.domain.reasons import Reason
from pos_member.paths import private_dir, private_file
from sync.hq import tables as t

URL_ENV = "POS_HQ_DATABASE_URL"
HOME_ENV = "POS_HQ_HOME"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0010"


def hq_home(override: str | None = None) -> Path:
    if override:
        return Path(override).expanduser().resolve()
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("pos-hq", appauthor=False))


def database_url(url: str | None = None, home: str | None = None) -> str:
    """--db wins, then POS_HQ_DATABASE_URL, then hq.sqlite3 in HQ's own data dir."""
    if url:
        return url
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    directory = private_dir(hq_home(home), ours=True)  # 0700, the database 0600: it holds token hashes and the chain key
    private_file(directory / "hq.sqlite3")
    return f"sqlite+pysqlite:///{directory / 'hq.sqlite3'}"


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("hq_write") else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql") and "+psycopg" not in url.split("://")[0]:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)  # psycopg 3, not psycopg2
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        database = engine.url.database
        if database and database != ":memory:" and Path(database).parent.is_dir():
            private_file(Path(database))  # 0600 however HQ's SQLite file is named
        return engine
    # a database host that does not answer fails a request (503) within 10 s instead of at the TCP timeout
    # hide_parameters: an IntegrityError's text (logged with its traceback) would carry phones and names
    return create_engine(url, pool_size=10, max_overflow=20, connect_args={"connect_timeout": 10},
                         hide_parameters=True)


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn.execution_options(hq_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def lock_feed(conn: Connection) -> int:
    """Take the feed lock (held until commit) and return the last sequence number used."""
    return conn.execute(select(t.feed_counter.c.value).where(t.feed_counter.c.id == 1).with_for_update()).scalar_one()


def set_feed_head(conn: Connection, value: int) -> None:
    conn.execute(t.feed_counter.update().where(t.feed_counter.c.id == 1).values(value=value))


def _known_revisions(config: Any) -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def upgrade(engine: Engine) -> None:
    """Bring the database to head and make sure the chain has its HMAC key."""
    from alembic import command
    from alembic.config import Config

    with write(engine) as conn:
        current = None
        if inspect(conn).has_table("alembic_version"):
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current != HEAD_REVISION:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = conn
            if current is not None and current not in _known_revisions(config):
                # Alembic would fail with "Can't locate revision"; never downgrade or touch a newer database
                raise StorageError(Reason.HQ_NEWER_SCHEMA, "database", schema=str(current))
            command.upgrade(config, "head")
        if conn.execute(select(t.hq_settings.c.value).where(t.hq_settings.c.key == "chain_key")).first() is None:
            conn.execute(t.hq_settings.insert().values(key="chain_key", value=secrets.token_hex(32)))


def get_setting(conn: Connection, key: str, default: str | None = None) -> str | None:
    value = conn.execute(select(t.hq_settings.c.value).where(t.hq_settings.c.key == key)).scalar()
    return default if value is None else value


def set_setting(conn: Connection, key: str, value: str) -> None:
    if conn.execute(t.hq_settings.update().where(t.hq_settings.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(t.hq_settings.insert().values(key=key, value=value))
