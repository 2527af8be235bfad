"""Spending holds at HQ: online authorisation of a till's points, stored value and coupon for one sale.

A till about to commit a sale asks (POST /v1/holds, sync.protocol.HoldRequest). HQ allows at most the
member's chain balance plus the net of the till's entries it has not pushed yet (a top-up just taken can pay at
once; a sale just made is spent already), less the OTHER devices' open holds (the till's own earlier holds are
sales in its unpushed entries, so they are not counted twice). A coupon is refused while another sale's open hold holds it, or when HQ knows it as used. A granted
hold is one row per sale_id (asking again for the same sale replaces its figures); the entries pushed later
with that sale_id settle it in the push's transaction (`settle`), the till may release it (a cancelled sale),
and one neither settled nor released lapses `hold_lapse_seconds` (HQ setting, default 600) after it was
granted: it then no longer counts.

Concurrency: a request locks the member's row (FOR UPDATE) for its transaction, so two tills asking for one
member are decided one after the other; a push moves the balance under the same row lock and settles after
it, so a hold and the entries that settle it are never counted both or neither. A coupon is serialised by a
transaction-scoped advisory lock on its code (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises everything).
Lock order is always member row, then coupon, then hold rows: no deadlock with a push.

A member HQ does not know (registered at this till, not pushed yet) has a chain balance of 0: only the
till's own unpushed entries count. Not covered: a sale committed at the till whose entries reach HQ after the hold
lapsed is, between lapse and push, invisible to other tills (like an offline sale).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from pos_member.domain.reasons import Reason
from sync import protocol as p
from sync.hq import db
from sync.hq import tables as t
from sync.hq.coupons import coupon_is_used
from sync.hq.pg_bulk import among
from sync.hq.service import Device, authenticate, utc_now

LAPSE_SETTING = "hold_lapse_seconds"
DEFAULT_LAPSE_S = 600.0


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def lapse_ms(raw: str | None) -> int:
    """HQ's setting `hold_lapse_seconds` (decimals allowed, for tests), in milliseconds."""
    try:
        seconds = float(raw) if raw is not None else DEFAULT_LAPSE_S
    except ValueError:
        seconds = DEFAULT_LAPSE_S
    return max(1, int(seconds * 1000))


@dataclass(frozen=True)
class _Refusal(Exception):
    reason: Reason
    field: str
    params: dict[str, int | str]


def request_hold(engine: Engine, token: str | None, request: p.HoldRequest) -> p.HoldResponse:
    with db.write(engine) as conn:
        device = authenticate(conn, token)
        return decide(conn, device, request, now_ms())


def decide(conn: Connection, device: Device, request: p.HoldRequest, at_ms: int) -> p.HoldResponse:
    """Grant (and, unless a dry run, write) or refuse the hold, inside the caller's transaction."""
    # one round trip: lock the member's row, read the lapse setting and (PostgreSQL) commit this transaction
    # without waiting for the WAL flush: a hold is short-lived and soft, a crash of HQ's database may lose
    # the last few ms of holds (as if those sales had been made offline), and no sale waits for a disk
    postgres = conn.dialect.name == "postgresql"
    member = conn.execute(_MEMBER_PG if postgres else _MEMBER_SQLITE,
                          {"member": request.member_uuid, "setting": LAPSE_SETTING}).first()
    chain_points = member.points if member is not None else 0
    chain_stored = member.stored_paid_fen + member.stored_bonus_fen if member is not None else 0
    held = conn.execute(_HELD, {"member": request.member_uuid, "at_ms": at_ms, "device": device.device_id,
                                "sale": request.sale_id}).one()
    points = max(0, chain_points + request.unpushed_points - int(held[0]))
    stored = max(0, chain_stored + request.unpushed_stored_fen - int(held[1]))
    try:
        if request.points > points:
            raise _Refusal(Reason.POINTS_OVER_HQ_AVAILABLE, "redeem_points", {"available": points})
        if request.stored_fen > stored:
            raise _Refusal(Reason.STORED_OVER_HQ_AVAILABLE, "stored_value", {"available_fen": stored})
        if request.coupon_code:
            _check_coupon(conn, request, at_ms)
    except _Refusal as refusal:
        return _refused(request, points, stored, refusal)
    lapse = lapse_ms(member.setting if member is not None else db.get_setting(conn, LAPSE_SETTING))
    if not request.dry_run and (request.points or request.stored_fen or request.coupon_code):
        _write(conn, device, request, at_ms + lapse)
    return p.HoldResponse(granted=True, sale_id=request.sale_id, available_points=points,
                          available_stored_fen=stored, expires_in_s=0 if request.dry_run else -(-lapse // 1000))


# A hold is asked for before every sale that spends: its statements are written out once, not built per
# request (building and caching the Core constructs took about a third of HQ's time for a hold).
_MEMBER_COLUMNS = ("SELECT points, stored_paid_fen, stored_bonus_fen, "
                   "(SELECT value FROM hq_settings WHERE key = :setting) AS setting")
_MEMBER_PG = text(f"{_MEMBER_COLUMNS}, set_config('synchronous_commit', 'off', true) FROM members "
                  "WHERE uuid = :member FOR UPDATE OF members")
_MEMBER_SQLITE = text(f"{_MEMBER_COLUMNS} FROM members WHERE uuid = :member")  # BEGIN IMMEDIATE serialises
# the other devices' open holds (the till's own are sales in its unpushed entries), this sale's aside
_HELD = text("SELECT COALESCE(SUM(points), 0), COALESCE(SUM(stored_fen), 0) FROM holds "
             "WHERE member_uuid = :member AND status = 'open' AND expires_ms > :at_ms AND device_id != :device "
             "AND sale_id != :sale")


def _check_coupon(conn: Connection, request: p.HoldRequest, at_ms: int) -> None:
    code = request.coupon_code or ""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:code))"), {"code": "coupon:" + code})
    other = conn.execute(select(t.holds.c.sale_id).where(
        t.holds.c.coupon_code == code, t.holds.c.status == "open", t.holds.c.expires_ms > at_ms,
        t.holds.c.sale_id != request.sale_id).limit(1)).first()
    if other is not None:
        raise _Refusal(Reason.COUPON_HELD_ELSEWHERE, "coupon", {"code": code})
    if coupon_is_used(conn, code):
        raise _Refusal(Reason.COUPON_USED_AT_HQ, "coupon", {"code": code})


# asking again for the same sale replaces its figures; a sale_id of another device, or a hold already settled
# or released, is left as it is (the sale's entries decide from then on). SQLite and PostgreSQL alike.
_REPLACED = ("member_uuid", "points", "stored_fen", "coupon_code", "created_at", "expires_ms")
_WRITE = text(
    "INSERT INTO holds (sale_id, member_uuid, device_id, store_code, points, stored_fen, coupon_code, status, "
    "created_at, expires_ms) VALUES (:sale_id, :member_uuid, :device_id, :store_code, :points, :stored_fen, "
    ":coupon_code, 'open', :created_at, :expires_ms) ON CONFLICT (sale_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _REPLACED)
    + " WHERE holds.device_id = excluded.device_id AND holds.status = 'open'")


def _write(conn: Connection, device: Device, request: p.HoldRequest, expires_ms: int) -> None:
    conn.execute(_WRITE, {
        "sale_id": request.sale_id, "member_uuid": request.member_uuid, "device_id": device.device_id,
        "store_code": device.store_code, "points": request.points, "stored_fen": request.stored_fen,
        "coupon_code": request.coupon_code, "created_at": utc_now(), "expires_ms": expires_ms})


def _refused(request: p.HoldRequest, points: int, stored: int, refusal: _Refusal) -> p.HoldResponse:
    return p.HoldResponse(granted=False, sale_id=request.sale_id, available_points=points,
                          available_stored_fen=stored, reason=refusal.reason.value, field=refusal.field,
                          params=refusal.params)


def release(engine: Engine, token: str | None, sale_id: str) -> dict[str, Any]:
    """A cancelled sale gives its hold back at once (else it lapses). Only the device that holds it may."""
    with db.write(engine) as conn:
        device = authenticate(conn, token)
        done = conn.execute(t.holds.update().where(
            t.holds.c.sale_id == sale_id, t.holds.c.device_id == device.device_id, t.holds.c.status == "open")
            .values(status="released", closed_at=utc_now())).rowcount
    return {"sale_id": sale_id, "released": bool(done)}


def settle(conn: Connection, rows: list[dict[str, Any]], now: str) -> None:
    """Close the open holds of the sales these newly stored entries belong to (inside the push's
    transaction, after the balances moved)."""
    sales = sorted({row["sale_id"] for row in rows if row.get("sale_id")})
    if not sales:
        return
    conn.execute(t.holds.update().where(among(conn, t.holds.c.sale_id, sales), t.holds.c.status == "open")
                 .values(status="settled", closed_at=now))


def hold_state(conn: Connection, sale_id: str, at_ms: int | None = None) -> str | None:
    """open | lapsed | settled | released, or None: for `pos-hq` and the tests."""
    row = conn.execute(select(t.holds.c.status, t.holds.c.expires_ms).where(t.holds.c.sale_id == sale_id)).first()
    if row is None:
        return None
    if row.status == "open" and row.expires_ms <= (now_ms() if at_ms is None else at_ms):
        return "lapsed"
    return str(row.status)
