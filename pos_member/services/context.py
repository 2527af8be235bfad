"""The open store: its database, identity (store, device, chain key), current rules and clock.

Every service takes a `Store` and does its work in one transaction. The clock is injectable so the demo can
write a history and tests can fix "now"; business time is the store's local time with its UTC offset.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.exc import SQLAlchemyError

from pos_member.domain.errors import StorageError
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import Rules, parse_rules_toml
from pos_member.paths import private_dir, private_file
from pos_member.storage import driver
from pos_member.storage import tables as t
from pos_member.storage.engine import Database, disk_refusal
from pos_member.storage.schema import upgrade_to_head

Clock = Callable[[], datetime]
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
log = logging.getLogger(__name__)
_LATEST_RULES = "SELECT max(version) FROM rules_versions"  # driver-level: every sale asks (storage/driver.py)


def system_clock() -> datetime:
    return datetime.now().astimezone()


@dataclass
class Identity:
    store_code: str
    store_name: str
    device_id: str
    device_no: int
    chain_key: bytes  # signs every QR made from now on
    legacy_keys: tuple[bytes, ...] = ()  # keys of QR codes printed before this store joined a chain

    @property
    def verify_keys(self) -> tuple[bytes, ...]:
        return (self.chain_key, *self.legacy_keys)


@dataclass
class Store:
    db: Database
    clock: Clock = system_clock
    _identity: Identity | None = None
    _rules: tuple[int, Rules] | None = field(default=None, repr=False)

    @property
    def identity(self) -> Identity:
        if self._identity is None:
            self._identity = load_identity(self.db)
        return self._identity

    @property
    def initialised(self) -> bool:
        try:
            self.identity  # noqa: B018 - loading it is the check
        except StorageError:
            return False
        return True

    def now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def unix_time(self) -> int:
        return int(self.clock().timestamp())

    def rules(self, conn: Connection) -> tuple[int, Rules]:
        """The current rules version and document; cached until a newer version appears."""
        latest = driver.scalar(conn, _LATEST_RULES)
        if latest is None:
            raise StorageError(Reason.NO_RULES, "rules")
        if self._rules is None or self._rules[0] != latest:
            toml_text = conn.execute(select(t.rules_versions.c.toml).where(
                t.rules_versions.c.version == latest)).scalar_one()
            self._rules = (latest, parse_rules_toml(toml_text))
        return self._rules

    @property
    def cached_rules(self) -> Rules | None:
        """The rules last read by `rules()`, without touching the database (the till's names read these)."""
        cached = self._rules
        return cached[1] if cached else None

    def close(self) -> None:
        self.db.dispose()


def new_id() -> str:
    """A time-ordered UUID (version 7: 48-bit Unix milliseconds, then 74 random bits). Made where it happened,
    unique without asking anyone, and it sorts by time, so new rows land at the right edge of the UNIQUE
    indexes instead of dirtying a random page of a ten-million-row index on every insert."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis << 80) | (0x7 << 76) | ((rand >> 64) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def new_chain_key() -> str:
    return secrets.token_hex(32)


def read_settings(conn: Connection) -> dict[str, str]:
    return {row.key: row.value for row in conn.execute(select(t.settings))}


def load_identity(db: Database) -> Identity:
    with db.read() as conn:
        values = read_settings(conn)
    if "store_code" not in values:
        raise StorageError(Reason.NOT_SET_UP, "store")
    return Identity(
        store_code=values["store_code"], store_name=values["store_name"], device_id=values["device_id"],
        device_no=int(values["device_no"]), chain_key=bytes.fromhex(values["chain_key"]),
        legacy_keys=tuple(bytes.fromhex(k) for k in values.get("legacy_keys", "").split(",") if k),
    )


def check_store_file(db_path: Path) -> None:
    """Refuse a store file that cannot hold a store before SQLite touches it: SQLite would take a 0-byte
    file for a new empty database and write a schema into it, and the till would then build a demo there."""
    try:
        with db_path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(Reason.STORE_FILE_UNREADABLE, "database", path=str(db_path),
                           error=exc.strerror or type(exc).__name__) from exc
    if not head:
        raise StorageError(Reason.STORE_FILE_EMPTY, "database", path=str(db_path))
    if head != SQLITE_HEADER:
        raise StorageError(Reason.STORE_FILE_DAMAGED, "database", path=str(db_path))


def _create_empty_database(db_path: Path) -> None:
    """A new store file appears with its SQLite header already written (made aside, then linked into place
    only if the name is still free), so a reader never meets a 0-byte file another opener is creating
    and a 0-byte store file always means damage."""
    private_dir(db_path.parent)
    scratch = db_path.with_name(f"{db_path.name}.{uuid.uuid4().hex[:8]}.new")
    private_file(scratch)  # 0600 from its first byte: the store holds the device token and PIN hashes
    conn = sqlite3.connect(scratch, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL").fetchone()  # writes page 1: the header
    finally:
        conn.close()
    try:
        os.link(scratch, db_path)  # fails if another opener got there first: theirs is as good
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links
        if not db_path.exists():
            os.replace(scratch, db_path)
    finally:
        scratch.unlink(missing_ok=True)


def open_store(db_path: Path, clock: Clock = system_clock, *, create: bool = True) -> Store:
    """Open the store file and bring its schema to head. A missing file is created (`init`, `demo`, tests)
    only with `create`; an empty, unreadable or damaged one is refused with one sentence, never replaced."""
    if not db_path.exists():
        if not create:
            raise StorageError(Reason.NO_STORE_YET, "store", dir=str(db_path.parent))
        _create_empty_database(db_path)
    check_store_file(db_path)
    private_file(db_path)  # a store made before files were private: tightened (the dir by resolve_paths)
    db = Database(db_path)
    try:
        upgrade_to_head(db)
    except StorageError:
        db.dispose()
        raise
    except (SQLAlchemyError, sqlite3.Error) as exc:  # e.g. "file is not a database" past a valid header
        db.dispose()
        refusal = disk_refusal(exc, db_path)  # a read-only folder or a full disk is not damage
        if refusal is not None:
            raise refusal from exc
        log.warning("store file %s could not be opened", db_path, exc_info=True)
        raise StorageError(Reason.STORE_FILE_DAMAGED, "database", path=str(db_path)) from exc
    except Exception:
        db.dispose()
        raise
    return Store(db=db, clock=clock)
