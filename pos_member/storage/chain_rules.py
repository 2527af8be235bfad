"""Whose rules are in force at an enrolled till (issue 11: chain rules win). Kept in `sync_state`:

- `hq_local_rules`: "1" when HQ granted this store its own rules (`pos-hq store local-rules STORE on`), as
  the last /v1/status said; absent or "0" otherwise. An enrolled store without the grant takes its rules
  from HQ only: `pos-member rules apply` is refused there.
- `hq_rules_applied`: "HQ_VERSION:LOCAL_VERSION", the HQ rules version the last pull applied and the local
  version number it became (the till numbers every version it holds, its own and HQ's).
- `rules_confirmed`: the rules in force as last reported to HQ (JSON), so a sync reports only a change.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, text

from pos_member.storage import tables as t

LOCAL_RULES_KEY = "hq_local_rules"
APPLIED_KEY = "hq_rules_applied"
CONFIRMED_KEY = "rules_confirmed"


def _get(conn: Connection, key: str) -> str | None:
    return conn.execute(select(t.sync_state.c.value).where(t.sync_state.c.key == key)).scalar()


def set_state(conn: Connection, key: str, value: str) -> None:
    conn.execute(text("INSERT INTO sync_state (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET "
                      "value = excluded.value"), {"k": key, "v": value})


def rules_in_force(conn: Connection) -> dict[str, Any]:
    """The rules version in force here and where it came from: `version` and `label` (the till's own
    numbering), `hq_version` (HQ's number when the version in force came from HQ, else None), `enrolled`,
    and `local_rules` (HQ granted this store its own rules)."""
    row = conn.execute(select(t.rules_versions.c.version, t.rules_versions.c.label).order_by(
        t.rules_versions.c.version.desc()).limit(1)).first()
    version, label = (row.version, row.label) if row is not None else (None, None)
    applied = _get(conn, APPLIED_KEY)
    hq_version = None
    if applied:
        hq, _, local = applied.partition(":")
        hq_version = int(hq) if local and int(local) == version else None
    return {"version": version, "label": label, "hq_version": hq_version,
            "enrolled": bool(_get(conn, "token")), "local_rules": _get(conn, LOCAL_RULES_KEY) == "1"}


def local_rules_refused(conn: Connection) -> bool:
    """Whether this till may not load rules of its own: enrolled, and HQ has not granted local rules."""
    return bool(_get(conn, "token")) and _get(conn, LOCAL_RULES_KEY) != "1"


def to_confirm(conn: Connection) -> dict[str, Any] | None:
    """The rules in force as HQ should hear them (sync.protocol.RulesInForce), or None if HQ has them."""
    state = rules_in_force(conn)
    if state["version"] is None:
        return None
    report = {"version": state["version"], "hq_version": state["hq_version"], "label": (state["label"] or "")[:200]}
    return None if _get(conn, CONFIRMED_KEY) == json.dumps(report, sort_keys=True) else report


def confirmed(conn: Connection, report: dict[str, Any]) -> None:
    set_state(conn, CONFIRMED_KEY, json.dumps(report, sort_keys=True))
