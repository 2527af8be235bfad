"""Setting up a store file: identity, chain key, the console account, the first manager and the rules."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from pos_member.domain.cardno import validate_store_code
from pos_member.domain.errors import InvalidInput, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import default_rules_text, parse_rules_toml
from pos_member.services.audit import append_audit
from pos_member.services.context import Store, new_chain_key, read_settings
from pos_member.services.staff import CONSOLE_STAFF_ID, add_staff_row, check_pin_format
from pos_member.storage import tables as t


def store_rules_version(conn: Connection, store: Store, toml_text: str, staff_id: int | None) -> int:
    rules = parse_rules_toml(toml_text)  # validated before anything is written
    latest = conn.execute(select(t.rules_versions.c.version).order_by(
        t.rules_versions.c.version.desc()).limit(1)).scalar() or 0
    version = latest + 1
    conn.execute(t.rules_versions.insert().values(
        version=version, label=rules.label, toml=toml_text, applied_at=store.now(), applied_by=staff_id,
    ))
    return version


def init_store(store: Store, store_code: str, store_name: str, manager_pin: str,
               manager_name: str = "Manager", device_no: int = 1, chain_key: str | None = None) -> None:
    validate_store_code(store_code)
    check_pin_format(manager_pin, "manager_pin")
    if not store_name.strip():
        raise InvalidInput(Reason.EMPTY, "store_name")
    if not 0 <= device_no <= 99:
        raise InvalidInput(Reason.OUT_OF_RANGE, "device_no", low=0, high=99)
    with store.db.write() as conn:
        if "store_code" in read_settings(conn):
            raise RuleRefused(Reason.STORE_EXISTS, "store")
        values = {
            "store_code": store_code, "store_name": store_name.strip(), "device_id": str(uuid.uuid4()),
            "device_no": str(device_no), "chain_key": chain_key or new_chain_key(),
        }
        conn.execute(t.settings.insert(), [{"key": k, "value": v} for k, v in values.items()])
        conn.execute(t.staff.insert().values(
            id=CONSOLE_STAFF_ID, name="console", role="system", pin_hash=None, created_at=store.now()))
        manager_id = add_staff_row(conn, store, manager_name, "manager", manager_pin)
        version = store_rules_version(conn, store, default_rules_text(), manager_id)
        append_audit(conn, store.now(), manager_id, "store.init", store_code,
                     {"store_name": store_name.strip(), "device_no": device_no, "rules_version": version})
    store._identity = None  # reload on next use
