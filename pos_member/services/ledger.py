"""Writing to the ledger: the only place balances change.

An entry is immutable once written. `post` gives each entry a UUID and the device's next gap-free local_seq
(taken from a counter inside the same transaction, so a rollback returns the numbers), inserts them, and
moves the member's cached balances by the same amounts, in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam

from pos_member.domain.errors import RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.validate import ACCOUNTS, KINDS, EntryLimits, check_entry
from pos_member.services.context import Store, new_id
from pos_member.storage import driver
from pos_member.storage import tables as t

__all__ = ["ACCOUNTS", "KINDS", "Posting", "next_counter", "post", "post_points_bulk"]
BALANCE_COLUMN = {"points": "points", "stored_paid": "stored_paid_fen", "stored_bonus": "stored_bonus_fen"}

# Driver-level SQL (storage/driver.py): every sale runs these, and through SQLAlchemy Core their Python cost
# was several times the commit's fsync.
_BUMP_COUNTER = "UPDATE counters SET value = value + :n WHERE name = :name RETURNING value"
_MOVE_BALANCES = ("UPDATE members SET points = points + :d_points, stored_paid_fen = stored_paid_fen + :d_paid, "
                  "stored_bonus_fen = stored_bonus_fen + :d_bonus, updated_at = :at WHERE id = :member_id "
                  "RETURNING points, stored_paid_fen, stored_bonus_fen")


@dataclass(frozen=True)
class Posting:
    account: str
    kind: str
    delta: int
    note: str | None = None
    expires_on: str | None = None  # lots only: the first day these points are no longer valid


def next_counter(conn: Connection, name: str, count: int = 1) -> int:
    """Reserve `count` numbers from a gap-free counter; returns the first."""
    value = driver.scalar(conn, _BUMP_COUNTER, {"n": count, "name": name})
    if value is None:
        driver.insert(conn, "counters", [{"name": name, "value": count}])
        value = count
    return value - count + 1


def post(
    conn: Connection,
    store: Store,
    member_id: int,
    postings: list[Posting],
    *,
    staff_id: int | None,
    rules_version: int,
    business_time: str,
    sale_id: str | None = None,
    ref_id: str | None = None,
    allow_negative_points: bool = False,
) -> list[dict[str, Any]]:
    """Insert ledger entries for one member and move their cached balances. Returns the rows written."""
    postings = [p for p in postings if p.delta != 0]  # a zero entry carries no information
    if not postings:
        return []
    for posting in postings:
        if posting.account not in ACCOUNTS or posting.kind not in KINDS:
            raise ValueError(f"bad posting {posting}")  # a programming error, not user input
    identity = store.identity
    first_seq = next_counter(conn, "local_seq", len(postings))
    rows = [
        {
            "entry_id": new_id(), "device_id": identity.device_id, "local_seq": first_seq + index,
            "store_code": identity.store_code, "staff_id": staff_id, "member_id": member_id,
            "account": posting.account, "kind": posting.kind, "delta": posting.delta, "sale_id": sale_id,
            "ref_id": ref_id, "rules_version": rules_version, "business_time": business_time,
            "note": posting.note, "expires_on": posting.expires_on,
        }
        for index, posting in enumerate(postings)
    ]
    limits = _limits(conn, store)
    for row in rows:  # the checks HQ applies on receipt (pos_member.domain.validate): never write what HQ refuses
        check_entry(row, limits)
    driver.insert(conn, "ledger", rows)
    change = {column: 0 for column in BALANCE_COLUMN.values()}
    for posting in postings:
        change[BALANCE_COLUMN[posting.account]] += posting.delta
    balances = driver.first(conn, _MOVE_BALANCES, {
        "member_id": member_id, "d_points": change["points"], "d_paid": change["stored_paid_fen"],
        "d_bonus": change["stored_bonus_fen"], "at": business_time,
    })
    # The services check balances before posting; this is the last line of defence (the transaction rolls
    # back, so nothing is written).
    if balances.stored_paid_fen < 0 or balances.stored_bonus_fen < 0:
        raise RuleRefused(Reason.STORED_BELOW_ZERO, "stored_value")
    if change["points"] < 0 and balances.points < 0 and not allow_negative_points:
        raise RuleRefused(Reason.POINTS_BELOW_ZERO, "points")
    return rows



_MOVE_POINTS = t.members.update().where(t.members.c.id == bindparam("member_id_")).values(
    points=t.members.c.points + bindparam("d_points"), updated_at=bindparam("at"))


def post_points_bulk(
    conn: Connection,
    store: Store,
    postings: list[tuple[int, Posting]],
    *,
    staff_id: int | None,
    rules_version: int,
    business_time: str,
) -> list[dict[str, Any]]:
    """One points posting for each of many members (a nightly job): one counter bump, one executemany for
    the entries and one for the balances. The caller has checked no balance goes below zero."""
    postings = [(member_id, p) for member_id, p in postings if p.delta != 0]
    if not postings:
        return []
    if any(p.account != "points" or p.kind not in KINDS for _, p in postings):
        raise ValueError("post_points_bulk takes points postings only")
    identity = store.identity
    first_seq = next_counter(conn, "local_seq", len(postings))
    rows = [
        {"entry_id": new_id(), "device_id": identity.device_id, "local_seq": first_seq + index,
         "store_code": identity.store_code, "staff_id": staff_id, "member_id": member_id, "account": "points",
         "kind": p.kind, "delta": p.delta, "sale_id": None, "ref_id": None, "rules_version": rules_version,
         "business_time": business_time, "note": p.note, "expires_on": p.expires_on}
        for index, (member_id, p) in enumerate(postings)
    ]
    limits = _limits(conn, store)
    for row in rows:
        check_entry(row, limits)
    driver.insert(conn, "ledger", rows)
    conn.execute(_MOVE_POINTS, [{"member_id_": row["member_id"], "d_points": row["delta"], "at": business_time}
                                for row in rows])
    return rows


def _limits(conn: Connection, store: Store) -> EntryLimits:
    """The current rules' limits; an entry priced by an older version (a refund) may carry that version's."""
    _, rules = store.rules(conn)
    return EntryLimits.of(rules)
