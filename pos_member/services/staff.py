"""Staff accounts and PIN checks. PINs are stored only as argon2 hashes.

The first staff row is the built-in "console" account: work done from the command line without a signed-in
cashier is recorded against it, so every ledger entry still names who did it.

Sign-in (`attempt_sign_in`, the till's PIN page and the CLI's --pin) waits after LOCK_AFTER wrong PINs in a
row: FIRST_WAIT_S, doubling with each further round of wrong PINs, at most MAX_WAIT_S. The count lives in
the store file (table signin_lockout), so a restart does not reset it, and every failed attempt is an audit
row (never the PIN). A correct PIN ends the streak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select

from pos_member.domain.errors import InvalidInput, NeedsManager, NotFound, PosError, SignInLocked, WrongPin
from pos_member.domain.reasons import Reason
from pos_member.services.audit import append_audit
from pos_member.services.context import Store
from pos_member.storage import tables as t

ROLES = ("cashier", "manager")
CONSOLE_STAFF_ID = 1
# OWASP's argon2id minimum (19 MiB, 2 passes): ~20 ms here, fast at the till, slow for a guesser.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
LOCK_AFTER = 5  # wrong PINs in a row
FIRST_WAIT_S = 30
MAX_WAIT_S = 3600  # 30 s doubled seven times; a cashier must not lock the till for a day


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


@dataclass(frozen=True)
class _Lockout:
    failures: int = 0
    rounds: int = 0
    locked_until: int = 0
    wait_s: int = 0

    def remaining(self, now: int) -> int:
        """Seconds still to wait; never more than the wait itself, so a clock set back cannot lengthen it."""
        return max(0, min(self.locked_until - now, self.wait_s))


def _lockout(conn: Connection) -> _Lockout:
    row = conn.execute(select(t.signin_lockout).where(t.signin_lockout.c.id == 1)).first()
    if row is None:
        return _Lockout()
    return _Lockout(row.failures, row.rounds, row.locked_until, row.wait_s)


def _save_lockout(conn: Connection, state: _Lockout) -> None:
    values = {"failures": state.failures, "rounds": state.rounds, "locked_until": state.locked_until,
              "wait_s": state.wait_s}
    if conn.execute(t.signin_lockout.update().where(t.signin_lockout.c.id == 1).values(**values)).rowcount == 0:
        conn.execute(t.signin_lockout.insert().values(id=1, **values))


def sign_in_lock(store: Store) -> int:
    """Seconds before the PIN page takes a PIN again (0: now); what the page shows when the till starts."""
    with store.db.read() as conn:
        return _lockout(conn).remaining(store.unix_time())


def attempt_sign_in(store: Store, pin: str) -> StaffMember:
    """The staff member whose PIN this is; otherwise WrongPin (tries left before a wait) or SignInLocked
    (seconds to wait). The failure and its audit row are committed before the refusal is raised."""
    refusal: PosError
    with store.db.write() as conn:
        state = _lockout(conn)
        now = store.unix_time()
        wait = state.remaining(now)
        if wait:
            refusal = SignInLocked(wait)
            append_audit(conn, store.now(), None, "staff.sign_in_failed", None, {"reason": "locked", "wait_s": wait})
        else:
            staff = _match_pin(conn, pin or "", ROLES)
            if staff is not None:
                if state != _Lockout():
                    _save_lockout(conn, _Lockout())
                return staff
            failures, detail = state.failures + 1, {"reason": "wrong_pin", "in_a_row": state.failures + 1}
            if failures >= LOCK_AFTER:
                rounds = state.rounds + 1
                wait_s = min(FIRST_WAIT_S * 2 ** (rounds - 1), MAX_WAIT_S)
                _save_lockout(conn, _Lockout(0, rounds, now + wait_s, wait_s))
                detail["wait_s"] = wait_s
                refusal = SignInLocked(wait_s)
            else:
                _save_lockout(conn, _Lockout(failures, state.rounds, state.locked_until, state.wait_s))
                refusal = WrongPin(LOCK_AFTER - failures)
            append_audit(conn, store.now(), None, "staff.sign_in_failed", None, detail)
    raise refusal


def approve_manager(store: Store, pin: str | None, audit_action: str, what: str, staff_id: int | None = None,
                    subject: str | None = None) -> StaffMember:
    """A manager's PIN for till work that writes nothing else (opening settings, printing a member's card
    QR): checked, and the approval is an audit row naming the signed-in staff member and the manager."""
    with store.db.write() as conn:
        manager = require_manager(conn, store, pin, what)
        append_audit(conn, store.now(), staff_id, audit_action, subject, {}, approved_by=manager.id)
    return manager


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
