"""Chain rules win (issue 11): HQ publishes the rules (`pos-hq rules publish`); an enrolled store uses them
unless HQ grants it rules of its own (`pos-hq store local-rules STORE on|off`, recorded with who and when,
and told to the store's tills by /v1/status). Each till confirms the version in force with a push
(sync.protocol.RulesInForce); `pos-hq rules show` lists it per store and till."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy import Engine, func, select

from sync.hq import db
from sync.hq import tables as t
from sync.hq.admin import AdminError
from sync.hq.service import utc_now


def set_local_rules(engine: Engine, store_code: str, setting: str, operator: str | None) -> dict[str, Any]:
    if setting not in ("on", "off"):
        raise AdminError(f"local rules must be on or off, not {setting!r}")
    who = (operator or "").strip() or _os_user() or "unknown"
    now = utc_now()
    with db.write(engine) as conn:
        done = conn.execute(t.stores.update().where(t.stores.c.code == store_code).values(
            local_rules=setting == "on", local_rules_changed_at=now, local_rules_changed_by=who))
        if done.rowcount == 0:
            raise AdminError(f"store: there is no store {store_code} at HQ")
    return {"store_code": store_code, "local_rules": setting == "on", "changed_by": who, "changed_at": now,
            "note": "the store's tills learn it at their next sync"}


def rules_by_store(engine: Engine) -> dict[str, Any]:
    """HQ's latest published version, and per store whether it has local rules and the version each live
    till last confirmed in force (`current`: it runs HQ's latest)."""
    with db.read(engine) as conn:
        latest = conn.execute(select(func.max(t.rules.c.version))).scalar()
        stores = conn.execute(select(t.stores).order_by(t.stores.c.code)).mappings().all()
        devices = conn.execute(select(t.devices).where(t.devices.c.revoked_at.is_(None)).order_by(
            t.devices.c.store_code, t.devices.c.device_no)).mappings().all()
    tills: dict[str, list[dict[str, Any]]] = {}
    for device in devices:
        tills.setdefault(device["store_code"], []).append(till_rules(device, latest))
    return {"hq_latest_version": latest, "stores": [
        {"store_code": s["code"], "name": s["name"], "local_rules": bool(s["local_rules"]),
         "local_rules_changed_by": s["local_rules_changed_by"], "local_rules_changed_at": s["local_rules_changed_at"],
         "tills": tills.get(s["code"], [])} for s in stores]}


def till_rules(device: Any, latest: int | None) -> dict[str, Any]:
    confirmed = device["rules_confirmed_at"] is not None
    return {"device_no": device["device_no"], "device_id": device["device_id"],
            "rules_version": device["rules_version"], "hq_version": device["rules_hq_version"],
            "label": device["rules_label"], "confirmed_at": device["rules_confirmed_at"],
            "in_force": ("not confirmed yet" if not confirmed else
                         f"HQ version {device['rules_hq_version']}" if device["rules_hq_version"] is not None
                         else "the store's own rules"),
            "current": confirmed and latest is not None and device["rules_hq_version"] == latest}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
