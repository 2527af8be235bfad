"""`pos-hq report points`: points issued, reversed, redeemed, refunded, expired, adjusted and transferred by
the store that recorded them, for a period, from the daily roll-up `ledger_daily` (kept by sync.hq.rollups
in the transaction that stores the entries: HQ migration 0010), never from the ledger itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from sync.hq import db
from sync.hq import tables as t
from sync.hq.report_period import Period

# entry kind on the points account -> the report's column and the sign that makes it a positive figure
POINTS_COLUMNS = {"earn": ("issued", 1), "reverse": ("reversed", -1), "redeem": ("redeemed", -1),
                  "refund": ("refunded", 1), "expire": ("expired", -1), "adjust": ("adjusted", 1),
                  "transfer": ("transferred", 1)}
FIGURES = ("issued", "reversed", "redeemed", "refunded", "expired", "adjusted", "transferred", "net")
COLUMNS = [("store", "store"), *[(name, name) for name in FIGURES], ("entries", "entries")]


def points_report(engine: Engine, period: Period, store: str | None = None) -> dict[str, Any]:
    daily = t.ledger_daily.c
    query = select(daily.store_code, daily.kind, func.sum(daily.delta), func.sum(daily.entries)).where(
        daily.account == "points", daily.day >= period.start, daily.day < period.end).group_by(
        daily.store_code, daily.kind)
    if store is not None:
        query = query.where(daily.store_code == store)
    with db.read(engine) as conn:
        found = conn.execute(query).all()
    rows: dict[str, dict[str, Any]] = {}
    for code, kind, delta, entries in found:
        row = rows.setdefault(code, {"store": code} | dict.fromkeys(FIGURES, 0) | {"entries": 0})
        column, sign = POINTS_COLUMNS.get(kind, ("adjusted", 1))
        row[column] += sign * int(delta)
        row["net"] += int(delta)
        row["entries"] += int(entries)
    ordered = [rows[code] for code in sorted(rows)]
    totals = {name: sum(row[name] for row in ordered) for name in (*FIGURES, "entries")} if ordered else None
    return {"report": "points", "period": period.label, "from": period.start, "until": period.end,
            "store": store, "title": f"Points by store, {period.label} (store = where the entry was recorded; "
                                     "HQ = HQ's own expiry and merges)",
            "rows": ordered, "totals": totals,
            "notes": ["net = issued - reversed - redeemed + refunded - expired + adjusted + transferred"]}
