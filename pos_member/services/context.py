"""The open store: its database, identity (store, device, chain key), current rules and clock.

Every service takes a `Store` and does its work in one transaction. The clock is injectable so the demo can
write a history and tests can fix "now"; business time is the store's local time with its UTC offset.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select

from pos_member.domain.errors import StorageError
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import Rules, parse_rules_toml
from pos_member.storage import tables as t
from pos_member.storage.engine import Database
from pos_member.storage.schema import upgrade_to_head

Clock = Callable[[], datetime]
_LATEST_RULES = select(t.rules_versions.c.version).order_by(t.rules_versions.c.version.desc()).limit(1)


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
        latest = conn.execute(_LATEST_RULES).scalar()
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


def open_store(db_path: Path, clock: Clock = system_clock) -> Store:
    """Open (creating if needed) the store file and bring its schema to head."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(db_path)
    try:
        upgrade_to_head(db)
    except Exception:
        db.dispose()
        raise
    return Store(db=db, clock=clock)
