"""`pos-hq report sales --period YYYY-MM [--store CODE]`: sales and refunds by store and day, from the
`daily_sales` roll-up (kept in each push's transaction, sync.hq.documents), so a month is a few hundred rows
whatever the number of sales. Days are the tills' own dates; a refund counts on the day and at the store
where it was made (possibly another store than the sale's)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select

from pos_member.domain.money import format_yuan
from sync.hq import db
from sync.hq import tables as t

FIGURES = ("sales_count", "sales_fen", "discount_fen", "coupon_fen", "payable_fen", "refunds_count", "refunds_fen",
           "refunds_cash_fen")


def parse_period(period: str) -> tuple[str, str]:
    """YYYY-MM, or YYYY-MM-DD..YYYY-MM-DD (both days included): (first day, last day) as ISO dates."""
    try:
        if ".." in period:
            first_text, last_text = period.split("..", 1)
            first, last = date.fromisoformat(first_text), date.fromisoformat(last_text)
        else:
            first = date.fromisoformat(period + "-01")
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    except ValueError:
        raise ValueError(f"--period: '{period}' is not YYYY-MM nor YYYY-MM-DD..YYYY-MM-DD") from None
    if last < first:
        raise ValueError(f"--period: {last} is before {first}")
    return first.isoformat(), last.isoformat()


def sales_report(engine: Engine, period: str, store_code: str | None = None) -> dict[str, Any]:
    first, last = parse_period(period)
    d = t.daily_sales.c
    query = select(t.daily_sales).where(d.day >= first, d.day <= last).order_by(d.store_code, d.day)
    if store_code:
        query = query.where(d.store_code == store_code)
    with db.read(engine) as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        row["net_fen"] = row["sales_fen"] - row["refunds_fen"]
    stores: dict[str, dict[str, int]] = {}
    for row in rows:
        total = stores.setdefault(row["store_code"], dict.fromkeys((*FIGURES, "net_fen"), 0))
        for name in (*FIGURES, "net_fen"):
            total[name] += int(row[name])
    chain = {name: sum(s[name] for s in stores.values()) for name in (*FIGURES, "net_fen")}
    return {"report": "sales", "from": first, "to": last, "store": store_code, "days": rows,
            "stores": [{"store_code": code} | figures for code, figures in sorted(stores.items())],
            "total": chain}


_COLUMNS = (("store", "store_code"), ("day", "day"), ("sales", "sales_count"), ("sales_yuan", "sales_fen"),
            ("discounts_yuan", "discount_fen"), ("coupons_yuan", "coupon_fen"), ("paid_yuan", "payable_fen"),
            ("refunds", "refunds_count"), ("refunds_yuan", "refunds_fen"), ("net_yuan", "net_fen"))


def _cells(row: dict[str, Any]) -> list[str]:
    return [format_yuan(int(row[key])) if key.endswith("_fen") else str(row.get(key, "")) for _, key in _COLUMNS]


def sales_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in _COLUMNS])
    for row in report["days"]:
        writer.writerow(_cells(row))
    for row in report["stores"]:
        writer.writerow(_cells(row | {"day": "total"}))
    writer.writerow(_cells(report["total"] | {"store_code": "chain", "day": "total"}))
    return out.getvalue()


def sales_text(report: dict[str, Any]) -> str:
    scope = f"store {report['store']}" if report["store"] else "all stores"
    lines = [f"Sales {report['from']} to {report['to']}, {scope} (amounts in yuan)"]
    widths = (8, 10, 6, 12, 10, 10, 12, 7, 12, 12)
    heading = [name.removesuffix("_yuan") for name, _ in _COLUMNS]
    lines.append("  ".join(h.rjust(w) if i > 1 else h.ljust(w) for i, (h, w) in enumerate(zip(heading, widths,
                                                                                                strict=True))))

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                            strict=True)))

    for row in report["days"]:
        lines.append(line(_cells(row)))
    for row in report["stores"]:
        lines.append(line(_cells(row | {"day": "total"})))
    lines.append(line(_cells(report["total"] | {"store_code": "chain", "day": "total"})))
    if not report["days"]:
        lines.append("no sales in this period")
    return "\n".join(lines)
