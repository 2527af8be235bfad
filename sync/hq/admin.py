"""HQ administration behind `pos-hq`: stores and enrolment codes, devices and revocation, quarantine and
flags, merging duplicate members, rules publishing, and the inter-store settlement statement."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from sqlalchemy import Engine, func, select

from pos_member.domain.rules import parse_rules_toml
from sync.hq import db, member_merge, report_settlement, settle_rates
from sync.hq import tables as t
from sync.hq.service import new_enrol_code_expiry, sha256, utc_now

# Crockford-ish alphabet: no 0/O or 1/I/L to misread when a manager types the code at the till.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


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


def set_settlement_rate(engine: Engine, store: str, fen_per_100_points: int,
                        valid_from: str | None = None) -> dict[str, Any]:
    """The rate STORE's points are settled at from `valid_from` (default today); STORE '*' is the chain
    default for stores without a rate of their own (sync.hq.settle_rates)."""
    try:
        return settle_rates.set_rate(engine, store, fen_per_100_points, valid_from)
    except settle_rates.RateRefused as exc:
        raise AdminError(str(exc)) from None


def settlement(engine: Engine, period: str, against_ledger: bool = False, store: str | None = None
               ) -> dict[str, Any]:
    """The store x store statement for a period (sync.hq.report_settlement), after attributing every entry
    HQ holds (sync.hq.settle_catchup)."""
    try:
        report = report_settlement.settlement_report(engine, period, against_ledger=against_ledger)
        return report_settlement.for_store(report, store) if store else report
    except report_settlement.PeriodRefused as exc:
        raise AdminError(str(exc)) from None
