"""Staff accounts and PIN checks. PINs are stored only as argon2 hashes.

The first staff row is the built-in "console" account: work done from the command line without a signed-in
cashier is recorded against it, so every ledger entry still names who did it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select

from pos_member.domain.errors import InvalidInput, NeedsManager, NotFound
from pos_member.domain.reasons import Reason
from pos_member.services.audit import append_audit
from pos_member.services.context import Store
from pos_member.storage import tables as t

ROLES = ("cashier", "manager")
CONSOLE_STAFF_ID = 1
# OWASP's argon2id minimum (19 MiB, 2 passes): ~20 ms here, fast at the till, slow for a guesser.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    role: str


def check_pin_format(pin: str, field: str = "pin") -> str:
    if not re.fullmatch(r"\d{4,8}", pin or ""):
        raise InvalidInput(Reason.BAD_PIN_FORMAT, field)
    return pin


def hash_pin(pin: str) -> str:
    return _hasher.hash(check_pin_format(pin))


def add_staff_row(conn: Connection, store: Store, name: str, role: str, pin: str) -> int:
    if role not in ROLES:
        raise InvalidInput(Reason.NOT_ONE_OF, "role", choices=", ".join(ROLES))
    if not name.strip():
        raise InvalidInput(Reason.EMPTY, "name")
    return conn.execute(t.staff.insert().values(
        name=name.strip(), role=role, pin_hash=hash_pin(pin), created_at=store.now()
    )).inserted_primary_key[0]


def _match_pin(conn: Connection, pin: str, roles: tuple[str, ...]) -> StaffMember | None:
    rows = conn.execute(select(t.staff).where(t.staff.c.active == 1, t.staff.c.role.in_(roles)))
    for row in rows:
        try:
            if row.pin_hash and _hasher.verify(row.pin_hash, pin):
                return StaffMember(row.id, row.name, row.role)
        except (VerificationError, InvalidHashError):
            continue
    return None


def sign_in(conn: Connection, pin: str) -> StaffMember:
    staff = _match_pin(conn, pin or "", ROLES)
    if staff is None:
        raise NotFound(Reason.NO_STAFF_PIN, "pin")
    return staff


def require_manager(conn: Connection, store: Store, pin: str | None, action: str) -> StaffMember:
    """The manager whose PIN this is, or NeedsManager (the caller's transaction then rolls back)."""
    if not pin:
        raise NeedsManager(Reason.MANAGER_PIN_NEEDED, "manager_pin", action=action)
    manager = _match_pin(conn, pin, ("manager",))
    if manager is None:
        raise NeedsManager(Reason.WRONG_MANAGER_PIN, "manager_pin", action=action)
    return manager


def add_staff(store: Store, name: str, role: str, pin: str, manager_pin: str) -> StaffMember:
    with store.db.write() as conn:
        manager = require_manager(conn, store, manager_pin, "adding staff")
        staff_id = add_staff_row(conn, store, name, role, pin)
        append_audit(conn, store.now(), manager.id, "staff.add", str(staff_id), {"name": name, "role": role})
    return StaffMember(staff_id, name.strip(), role)


def list_staff(store: Store) -> list[StaffMember]:
    with store.db.read() as conn:
        rows = conn.execute(select(t.staff).where(t.staff.c.role != "system").order_by(t.staff.c.id))
        return [StaffMember(r.id, r.name, r.role) for r in rows]
