"""HQ administration behind `pos-hq`: stores and enrolment codes, devices and revocation, quarantine and
flags, merging duplicate members, rules publishing, and the inter-store settlement statement."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from sqlalchemy import Engine, case, func, select

from pos_member.domain.rules import parse_rules_toml
from sync.hq import db, member_merge
from sync.hq import tables as t
from sync.hq.service import new_enrol_code_expiry, sha256, utc_now

# Crockford-ish alphabet: no 0/O or 1/I/L to misread when a manager types the code at the till.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SETTLEMENT_RATE_KEY = "settlement_fen_per_100_points"
DEFAULT_SETTLEMENT_RATE = 100  # the redemption rate: 100 points = 1 yuan


class AdminError(Exception):
    pass


def _new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _code_hash(code: str) -> str:
    return sha256(code.strip().upper())


def add_store(engine: Engine, code: str, name: str) -> dict[str, Any]:
    if not re.fullmatch(r"\d{3}", code):
        raise AdminError("store code must be 3 digits (it starts every card number)")
    if not name.strip():
        raise AdminError("store name must not be empty")
    with db.write(engine) as conn:
        if conn.execute(select(t.stores.c.code).where(t.stores.c.code == code)).first():
            raise AdminError(f"store {code} exists; use `pos-hq store code {code}` for another enrolment code")
        conn.execute(t.stores.insert().values(code=code, name=name.strip(), created_at=utc_now()))
    return {"store_code": code, "store_name": name.strip()} | enrolment_code(engine, code)


def enrolment_code(engine: Engine, store_code: str, days: int = 7) -> dict[str, Any]:
    """A one-time code for one till of the store; HQ keeps only its hash."""
    code = _new_code()
    with db.write(engine) as conn:
        if not conn.execute(select(t.stores.c.code).where(t.stores.c.code == store_code)).first():
            raise AdminError(f"no store {store_code}; add it with `pos-hq store add`")
        expires = new_enrol_code_expiry(days)
        conn.execute(t.enrol_codes.insert().values(code_hash=_code_hash(code), store_code=store_code,
                                                   created_at=utc_now(), expires_at=expires))
    return {"enrolment_code": code, "expires_at": expires}


def list_stores(engine: Engine) -> list[dict[str, Any]]:
    with db.read(engine) as conn:
        return [dict(r) for r in conn.execute(select(t.stores).order_by(t.stores.c.code)).mappings()]


def list_devices(engine: Engine) -> list[dict[str, Any]]:
    with db.read(engine) as conn:
        rows = conn.execute(select(t.devices).order_by(t.devices.c.store_code, t.devices.c.device_no)).mappings()
        return [{k: v for k, v in r.items() if k != "token_hash"} for r in rows]


def revoke_device(engine: Engine, device_id: str) -> dict[str, Any]:
    with db.write(engine) as conn:
        done = conn.execute(t.devices.update().where(t.devices.c.device_id == device_id,
                                                     t.devices.c.revoked_at.is_(None)).values(revoked_at=utc_now()))
        if done.rowcount == 0:
            raise AdminError(f"no enrolled device {device_id}")
    return {"device_id": device_id, "revoked": True}


def list_quarantine(engine: Engine) -> list[dict[str, Any]]:
    with db.read(engine) as conn:
        return [dict(r) for r in conn.execute(select(t.quarantine).order_by(t.quarantine.c.id)).mappings()]


def list_flags(engine: Engine, kind: str | None = None) -> list[dict[str, Any]]:
    """Open flags (sync.hq.flags.list_flags)."""
    from sync.hq.flags import list_flags as open_flags

    return open_flags(engine, kind)


def member_duplicates(engine: Engine) -> list[dict[str, Any]]:
    """Open duplicate-phone flags and their members (uuid, number, home store, balances): merge candidates."""
    return member_merge.duplicates(engine)


def merge_members(engine: Engine, keep_uuid: str, other_uuid: str) -> dict[str, Any]:
    """Merge OTHER into KEEP (see sync.hq.member_merge): balances move as transfer entries, cards follow,
    the duplicate flag is resolved, and every store learns it from the change feed."""
    try:
        return member_merge.merge_members(engine, keep_uuid, other_uuid)
    except member_merge.MergeRefused as exc:
        raise AdminError(str(exc)) from None


def publish_rules(engine: Engine, toml_text: str) -> dict[str, Any]:
    """A new chain-wide rules version, fed to every store (which appends it as its own newest version)."""
    rules = parse_rules_toml(toml_text)  # the stores' own parser: HQ never publishes what a till would refuse
    with db.write(engine) as conn:
        head = db.lock_feed(conn)
        version = (conn.execute(select(func.max(t.rules.c.version))).scalar() or 0) + 1
        conn.execute(t.rules.insert().values(version=version, label=rules.label, toml=toml_text,
                                             published_at=utc_now()))
        conn.execute(t.changes.insert().values(seq=head + 1, kind="rules", key=str(version), origin_device=None,
                                               data=json.dumps({"version": version, "label": rules.label,
                                                                "toml": toml_text}, ensure_ascii=False)))
        db.set_feed_head(conn, head + 1)
    return {"version": version, "label": rules.label}


def set_settlement_rate(engine: Engine, fen_per_100_points: int) -> dict[str, Any]:
    if fen_per_100_points < 0:
        raise AdminError("the rate must not be negative")
    with db.write(engine) as conn:
        db.set_setting(conn, SETTLEMENT_RATE_KEY, str(fen_per_100_points))
    return {SETTLEMENT_RATE_KEY: fen_per_100_points}


def settlement(engine: Engine, period: str) -> dict[str, Any]:
    """Per store for the month: points it issued (earn) and points redeemed at its tills. A store that
    redeemed more than it issued gave away value other stores' members earned; it is paid the difference at
    the configured rate by the stores that issued more than was redeemed with them, in proportion to their
    surplus. Transfers are in integer fen; the rounding remainder goes to the largest payer."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise AdminError("period must look like 2026-11")
    with db.read(engine) as conn:
        rate = int(db.get_setting(conn, SETTLEMENT_RATE_KEY, str(DEFAULT_SETTLEMENT_RATE)) or 0)
        rows = conn.execute(select(
            t.entries.c.store_code,
            func.sum(case((t.entries.c.kind == "earn", t.entries.c.delta), else_=0)).label("issued"),
            func.sum(case((t.entries.c.kind == "redeem", -t.entries.c.delta), else_=0)).label("redeemed"),
        ).where(t.entries.c.account == "points", t.entries.c.kind.in_(("earn", "redeem")),
                t.entries.c.business_time.like(f"{period}%"))
            .group_by(t.entries.c.store_code).order_by(t.entries.c.store_code)).all()
    stores = [{"store_code": r.store_code, "points_issued": int(r.issued or 0),
               "points_redeemed": int(r.redeemed or 0)} for r in rows]
    for s in stores:
        s["net_points"] = s["points_issued"] - s["points_redeemed"]
        s["net_fen"] = s["net_points"] * rate // 100
    payers = [s for s in stores if s["net_points"] > 0]
    payees = [s for s in stores if s["net_points"] < 0]
    surplus = sum(s["net_points"] for s in payers)
    transfers = []
    for payee in payees:
        owed = -payee["net_points"] * rate // 100
        shares = [(payer, owed * payer["net_points"] // surplus) for payer in payers]
        remainder = owed - sum(amount for _, amount in shares)
        for index, (payer, amount) in enumerate(sorted(shares, key=lambda x: -x[0]["net_points"])):
            amount += remainder if index == 0 else 0
            if amount:
                transfers.append({"from_store": payer["store_code"], "to_store": payee["store_code"],
                                  "amount_fen": amount})
    return {"period": period, "rate_fen_per_100_points": rate, "stores": stores, "transfers": transfers}
