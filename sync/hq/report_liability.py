"""`pos-hq report liability`: what the chain owes its members, points and stored value, by the members' home
store: opening + issued - redeemed - expired (+ adjusted, + transferred) = closing for points, and opening +
topped up + bonus - spent + refunded (+ adjusted, + transferred) = closing for stored value, from the daily
roll-up `liability_daily` (HQ migration 0010). Opening is the sum of the roll-up before the period: a few
rows per store and day, never the ledger.

Attribution: a member's points and stored value count for the store that enrolled the member (its home
store), wherever they were earned or spent. Attribution to the store that issued each lot (FIFO) is the
settlement statement's (`pos-hq report settlement`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from sync.hq import db
from sync.hq import tables as t
from sync.hq.report_period import Period, render

_POINTS = {"earn": "issued", "reverse": "issued", "redeem": "redeemed", "refund": "redeemed",
           "expire": "expired", "adjust": "adjusted", "transfer": "transferred"}
_STORED = {"topup": "topped_up_fen", "bonus": "bonus_fen", "spend": "spent_fen", "refund": "refunded_fen",
           "adjust": "adjusted_fen", "transfer": "transferred_fen"}
POINTS_FIGURES = ("opening", "issued", "redeemed", "expired", "adjusted", "transferred", "closing")
STORED_FIGURES = ("opening_fen", "topped_up_fen", "bonus_fen", "spent_fen", "refunded_fen", "adjusted_fen",
                  "transferred_fen", "closing_fen")
POINTS_COLUMNS = [("store", "home store"), *[(f"points_{name}", name) for name in POINTS_FIGURES]]
STORED_COLUMNS = [("store", "home store"),
                  *[(f"stored_{name}", name.removesuffix("_fen").replace("_", " ")) for name in STORED_FIGURES]]
COLUMNS = [POINTS_COLUMNS[0], *[(key, f"points {heading}") for key, heading in POINTS_COLUMNS[1:]],
           *[(key, f"stored value {heading}") for key, heading in STORED_COLUMNS[1:]]]  # CSV: one table
# how each figure enters the closing balance: issued, redeemed, expired and spent are shown as positive figures
_SIGN = {"redeemed": -1, "expired": -1, "spent_fen": -1}


def liability_report(engine: Engine, period: Period, store: str | None = None) -> dict[str, Any]:
    daily = t.liability_daily.c
    opening_q = select(daily.home_store, daily.account, func.sum(daily.delta)).where(
        daily.day < period.start).group_by(daily.home_store, daily.account)
    flows_q = select(daily.home_store, daily.account, daily.kind, func.sum(daily.delta)).where(
        daily.day >= period.start, daily.day < period.end).group_by(daily.home_store, daily.account, daily.kind)
    if store is not None:
        opening_q, flows_q = opening_q.where(daily.home_store == store), flows_q.where(daily.home_store == store)
    with db.read(engine) as conn:
        openings, flows = conn.execute(opening_q).all(), conn.execute(flows_q).all()
    rows: dict[str, dict[str, Any]] = {}

    def row_of(code: str) -> dict[str, Any]:
        return rows.setdefault(code, {"store": code} | {f"points_{n}": 0 for n in POINTS_FIGURES}
                               | {f"stored_{n}": 0 for n in STORED_FIGURES})

    for code, account, delta in openings:
        row_of(code)["points_opening" if account == "points" else "stored_opening_fen"] += int(delta)
    for code, account, kind, delta in flows:
        if account == "points":
            figure = _POINTS.get(kind, "adjusted")
            row_of(code)[f"points_{figure}"] += _SIGN.get(figure, 1) * int(delta)
        else:
            figure = _STORED.get(kind, "adjusted_fen")
            row_of(code)[f"stored_{figure}"] += _SIGN.get(figure, 1) * int(delta)
    for row in rows.values():
        row["points_closing"] = row["points_opening"] + sum(
            _SIGN.get(name, 1) * row[f"points_{name}"] for name in POINTS_FIGURES[1:-1])
        row["stored_closing_fen"] = row["stored_opening_fen"] + sum(
            _SIGN.get(name, 1) * row[f"stored_{name}"] for name in STORED_FIGURES[1:-1])
    ordered = [rows[code] for code in sorted(rows)]
    totals = {key: sum(row[key] for row in ordered) for key, _ in COLUMNS[1:]} if ordered else None
    return {"report": "liability", "period": period.label, "from": period.start, "until": period.end,
            "store": store, "rows": ordered, "totals": totals,
            "title": f"Liability to members by home store, {period.label}",
            "notes": ["points: opening + issued - redeemed - expired + adjusted + transferred = closing "
                      "(issued net of points taken back on refunds, redeemed net of points given back)",
                      "stored value: opening + topped up + bonus - spent + refunded + adjusted + transferred "
                      "= closing",
                      "by the member's home store; attribution to the issuing store is the settlement's"]}


def liability_text(report: dict[str, Any]) -> str:
    """Two tables for a person: points, then stored value in yuan."""
    points = render(report | {"title": report["title"] + ": points", "notes": []}, POINTS_COLUMNS, False)
    stored = render(report | {"title": "Stored value (yuan)"}, STORED_COLUMNS, False)
    return f"{points}\n\n{stored}"
