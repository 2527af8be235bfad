"""`pos-hq report settlement --period YYYY-MM`: what the stores owe each other for a period, read from the
daily roll-ups the catch-up keeps (sync.hq.settle_catchup), never from the ledger itself.

Cell (X, Y) of a matrix is what issuing store X owes redeeming store Y: for points, the points of X's lots
consumed at Y at the rate each lot was issued at; for stored value, the paid part spent at Y of top-ups taken
at X at face value, and the bonus part at the chain's bonus share (default 100%: the bonus was X's promotion,
so X bears it). The diagonal is a store's own points and top-ups spent at home: shown, never paid. The check
line proves the matrix nets to zero and that, per store, the attributed amounts equal the ledger's
redemptions and spends less refunds there.
"""

from __future__ import annotations

import csv
import io
import re
from calendar import monthrange
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, func, select

from pos_member.domain.money import format_yuan
from sync.hq import db
from sync.hq import tables as t
from sync.hq.settle_catchup import catch_up
from sync.hq.settle_lots import UNBACKED

BONUS_SHARE_KEY = "settlement_bonus_percent"
DEFAULT_BONUS_SHARE = 100


class PeriodRefused(ValueError):
    pass


def period_days(period: str) -> tuple[str, str]:
    """YYYY-MM, or YYYY-MM-DD..YYYY-MM-DD (both days included) -> (first day, last day)."""
    period = period.strip()
    month = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", period)
    if month:
        year, number = int(month[1]), int(month[2])
        return f"{period}-01", f"{period}-{monthrange(year, number)[1]:02d}"
    span = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", period)
    if span and span[1] <= span[2]:
        return span[1], span[2]
    raise PeriodRefused(f"--period must look like 2026-11 or 2026-11-01..2026-11-15, not {period!r}")


def set_bonus_share(engine: Engine, percent: int) -> dict[str, int]:
    if not 0 <= percent <= 100:
        raise PeriodRefused(f"PERCENT must be a whole number from 0 to 100, not {percent}")
    with db.write(engine) as conn:
        db.set_setting(conn, BONUS_SHARE_KEY, str(percent))
    return {BONUS_SHARE_KEY: percent}


def settlement_report(engine: Engine, period: str, attribute_first: bool = True,
                      against_ledger: bool = False) -> dict[str, Any]:
    """`against_ledger`: also sum the period's entries themselves (a scan of the month's entries, slower)
    and say whether the roll-up's ledger side matches them."""
    first, last = period_days(period)
    caught_up = catch_up(engine) if attribute_first else None
    with db.read(engine) as conn:
        bonus_share = int(db.get_setting(conn, BONUS_SHARE_KEY, str(DEFAULT_BONUS_SHARE)) or DEFAULT_BONUS_SHARE)
        cells = conn.execute(select(
            t.settle_daily.c.account, t.settle_daily.c.issuer, t.settle_daily.c.redeemer, t.settle_daily.c.rate,
            func.sum(t.settle_daily.c.amount)).where(t.settle_daily.c.day.between(first, last)).group_by(
            t.settle_daily.c.account, t.settle_daily.c.issuer, t.settle_daily.c.redeemer,
            t.settle_daily.c.rate)).all()
        ledger = conn.execute(select(
            t.settle_ledger_daily.c.store_code, t.settle_ledger_daily.c.account, t.settle_ledger_daily.c.kind,
            func.sum(t.settle_ledger_daily.c.total)).where(
            t.settle_ledger_daily.c.day.between(first, last),
            t.settle_ledger_daily.c.kind.in_(("redeem", "spend", "refund"))).group_by(
            t.settle_ledger_daily.c.store_code, t.settle_ledger_daily.c.account,
            t.settle_ledger_daily.c.kind)).all()
        store_codes = [r[0] for r in conn.execute(select(t.stores.c.code).order_by(t.stores.c.code))]
        scanned = _scan_entries(conn, first, last, caught_up) if against_ledger else None
    amounts: dict[tuple[str, str, str], int] = defaultdict(int)  # (account, issuer, redeemer) -> amount
    points_fen_x100: dict[tuple[str, str], int] = defaultdict(int)
    for account, issuer, redeemer, rate, amount in cells:
        amounts[(account, issuer, redeemer)] += int(amount)
        if account == "points":
            points_fen_x100[(issuer, redeemer)] += int(amount) * rate
    stores = sorted(set(store_codes) | {k[2] for k in amounts} | {k[1] for k in amounts if k[1] != UNBACKED})
    pairs = [(x, y) for x in stores for y in stores]
    points = [{"issuer": x, "redeemer": y, "points": amounts[("points", x, y)],
               "fen": points_fen_x100[(x, y)] // 100} for x, y in pairs
              if amounts[("points", x, y)] or points_fen_x100[(x, y)]]
    stored = []
    for x, y in pairs:
        paid, bonus = amounts[("stored_paid", x, y)], amounts[("stored_bonus", x, y)]
        if paid or bonus:
            stored.append({"issuer": x, "redeemer": y, "paid_fen": paid, "bonus_fen": bonus,
                           "fen": paid + bonus * bonus_share // 100})
    # a cell below zero (refunds at the redeemer beyond its redemptions there: goods taken back for a sale another
    # store made) is owed the other way, so to pay and to receive stay amounts a finance office pays
    pay: dict[str, int] = defaultdict(int)
    receive: dict[str, int] = defaultdict(int)
    for cell in points + stored:
        payer, payee = (cell["issuer"], cell["redeemer"]) if cell["fen"] > 0 else (cell["redeemer"], cell["issuer"])
        if payer != payee:
            pay[payer] += abs(cell["fen"])
            receive[payee] += abs(cell["fen"])
    totals = [{"store": store, "to_pay_fen": pay[store], "to_receive_fen": receive[store],
               "net_fen": receive[store] - pay[store]} for store in stores]
    return {"period": period, "from": first, "to": last, "bonus_share_percent": bonus_share,
            "stores": stores, "points": points, "stored_value": stored,
            "unbacked": _unbacked(amounts, stores), "totals": totals, "payments": _payments(points + stored),
            "check": _check(amounts, ledger, totals, stores) | ({} if scanned is None else {
                "entries_scanned_agree": scanned == sorted((r[0], r[1], r[2], int(r[3])) for r in ledger
                                                           if int(r[3]))}),
            "attributed_now": caught_up["entries"] if caught_up else 0}


def _scan_entries(conn: Any, first: str, last: str, caught_up: dict[str, int] | None) -> list[tuple]:
    """The period's redemptions, spends and refunds per store and account straight from `entries` (up to
    the catch-up's watermark, so entries arriving meanwhile do not count)."""
    through = caught_up["through_seq"] if caught_up else conn.execute(
        select(t.settle_state.c.through_seq)).scalar()
    e = t.entries.c
    rows = conn.execute(select(e.store_code, e.account, e.kind, func.sum(e.delta)).where(
        e.business_time >= first, e.business_time < f"{last}~", e.seq <= through,
        e.kind.in_(("redeem", "spend", "refund"))).group_by(e.store_code, e.account, e.kind)).all()
    return sorted((r[0], r[1], r[2], int(r[3])) for r in rows if int(r[3]))


def _unbacked(amounts: dict[tuple[str, str, str], int], stores: list[str]) -> list[dict[str, Any]]:
    """Per redeeming store, what it gave from balances no lot covered (overdrawn offline): settled by no one
    until the member's next lots cover it."""
    rows = []
    for store in stores:
        figures = {account: amounts[(account, UNBACKED, store)] for account in ("points", "stored_paid",
                                                                               "stored_bonus")}
        if any(figures.values()):
            rows.append({"redeemer": store, **figures})
    return rows


def _payments(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The matrix netted per pair of stores: one payment each way at most."""
    owed: dict[tuple[str, str], int] = defaultdict(int)
    for cell in cells:
        if cell["issuer"] != cell["redeemer"]:
            owed[(cell["issuer"], cell["redeemer"])] += cell["fen"]
    payments = []
    for (x, y), amount in sorted(owed.items()):
        if x < y or (y, x) not in owed:
            net = amount - owed.get((y, x), 0)
            if net:
                payer, payee = (x, y) if net > 0 else (y, x)
                payments.append({"from_store": payer, "to_store": payee, "amount_fen": abs(net)})
    return sorted(payments, key=lambda p: (p["from_store"], p["to_store"]))


def _check(amounts: dict[tuple[str, str, str], int], ledger: list[Any], totals: list[dict[str, Any]],
           stores: list[str]) -> dict[str, Any]:
    by_store: dict[tuple[str, str], int] = defaultdict(int)  # consumed per (store, account) per the ledger
    for store, account, _kind, total in ledger:
        by_store[(store, account)] -= int(total)  # redeem/spend are negative, refunds positive
    mismatches = []
    summary = {}
    for account in ("points", "stored_paid", "stored_bonus"):
        attributed_total = ledger_total = 0
        for store in sorted(set(stores) | {s for s, a in by_store if a == account}):
            attributed = sum(v for (a, _, y), v in amounts.items() if a == account and y == store)
            from_ledger = by_store[(store, account)]
            attributed_total += attributed
            ledger_total += from_ledger
            if attributed != from_ledger:
                mismatches.append({"store": store, "account": account, "attributed": attributed,
                                   "ledger": from_ledger})
        cross = sum(v for (a, x, y), v in amounts.items() if a == account and x != y and x != UNBACKED)
        summary[account] = {"attributed": attributed_total, "ledger": ledger_total, "cross_store": cross}
    net = sum(row["net_fen"] for row in totals)
    return {"net_fen": net, "nets_to_zero": net == 0, "agrees_with_ledger": not mismatches,
            "mismatches": mismatches, **summary}


def for_store(report: dict[str, Any], store: str) -> dict[str, Any]:
    """The statement as one store sees it: the cells it pays or is paid, and its own totals (the check
    line stays the chain's)."""
    if store not in report["stores"]:
        raise PeriodRefused(f"--store: no store {store} in the statement")

    def mine(cell: dict[str, Any]) -> bool:
        return store in (cell["issuer"], cell["redeemer"])

    return report | {"store": store, "points": [c for c in report["points"] if mine(c)],
                     "stored_value": [c for c in report["stored_value"] if mine(c)],
                     "totals": [r for r in report["totals"] if r["store"] == store],
                     "unbacked": [r for r in report["unbacked"] if r["redeemer"] == store],
                     "payments": [p for p in report["payments"] if store in (p["from_store"], p["to_store"])]}


def render_text(report: dict[str, Any]) -> str:
    """The statement for a person: amounts in yuan, the matrices as issuer (pays) x redeemer (receives)."""
    out = [f"Settlement {report['period']} ({report['from']} to {report['to']})",
           "Each row pays each column (a negative amount: the column pays the row); the diagonal is a store's own, "
           "never paid.", ""]
    stores = report["stores"]
    for title, cells, field in (("Points (yuan at the issuer's rate)", report["points"], "fen"),
                                ("Stored value, paid part (yuan)", report["stored_value"], "paid_fen"),
                                (f"Stored value, bonus part (yuan, settled at {report['bonus_share_percent']}%)",
                                 report["stored_value"], "bonus_fen")):
        grid = {(c["issuer"], c["redeemer"]): c[field] for c in cells}
        out.append(title)
        out.append("issuer\\redeemer".ljust(16) + "".join(s.rjust(14) for s in stores))
        for x in stores:
            out.append(x.ljust(16) + "".join(format_yuan(grid.get((x, y), 0)).rjust(14) for y in stores))
        moved = sorted(((c["issuer"], c["redeemer"]), c["points"]) for c in cells if c.get("points"))
        if title.startswith("Points") and moved:
            out.append("  points:".ljust(16) + "  ".join(f"{x}->{y} {n}" for (x, y), n in moved))
        out.append("")
    out.append("Store".ljust(10) + "to pay".rjust(14) + "to receive".rjust(14) + "net".rjust(14))
    for row in report["totals"]:
        out.append(row["store"].ljust(10) + format_yuan(row["to_pay_fen"]).rjust(14)
                   + format_yuan(row["to_receive_fen"]).rjust(14) + format_yuan(row["net_fen"]).rjust(14))
    out.append("")
    for payment in report["payments"]:
        out.append(f"Pay: {payment['from_store']} -> {payment['to_store']} {format_yuan(payment['amount_fen'])} yuan")
    for row in report["unbacked"]:
        out.append(f"Not covered by any lot at {row['redeemer']} (overdrawn; settled once covered): "
                   f"{row['points']} points, {format_yuan(row['stored_paid'] + row['stored_bonus'])} yuan stored value")
    check = report["check"]
    out.append(f"Check: matrix nets to {format_yuan(check['net_fen'])} yuan "
               f"({'ok' if check['nets_to_zero'] else 'NOT ZERO'}); attributed = ledger: "
               f"points {check['points']['attributed']} = {check['points']['ledger']}, stored value "
               f"{format_yuan(check['stored_paid']['attributed'] + check['stored_bonus']['attributed'])} = "
               f"{format_yuan(check['stored_paid']['ledger'] + check['stored_bonus']['ledger'])} yuan "
               f"({'ok' if check['agrees_with_ledger'] else 'MISMATCH'})")
    if "entries_scanned_agree" in check:
        out.append(f"Check against the entries themselves: {'ok' if check['entries_scanned_agree'] else 'MISMATCH'}")
    return "\n".join(out)


def render_csv(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "issuer", "redeemer", "points", "paid_yuan", "bonus_yuan", "owed_yuan"])
    for cell in report["points"]:
        writer.writerow(["points", cell["issuer"], cell["redeemer"], cell["points"], "", "", format_yuan(cell["fen"])])
    for cell in report["stored_value"]:
        writer.writerow(["stored_value", cell["issuer"], cell["redeemer"], "", format_yuan(cell["paid_fen"]),
                         format_yuan(cell["bonus_fen"]), format_yuan(cell["fen"])])
    writer.writerow([])
    writer.writerow(["store", "to_pay_yuan", "to_receive_yuan", "net_yuan"])
    for row in report["totals"]:
        writer.writerow([row["store"], format_yuan(row["to_pay_fen"]), format_yuan(row["to_receive_fen"]),
                         format_yuan(row["net_fen"])])
    check = report["check"]
    writer.writerow([])
    writer.writerow(["check", "nets_to_zero", check["nets_to_zero"], "agrees_with_ledger", check["agrees_with_ledger"],
                     "points_attributed", check["points"]["attributed"], "points_ledger", check["points"]["ledger"]])
    return buffer.getvalue()
