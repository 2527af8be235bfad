"""Settlement rates with history: each issuing store is paid for its points at the rate in force on the day
they were issued (`pos-hq settlement-rate STORE FEN_PER_100_POINTS [--from DATE]`). A store without a rate of
its own on that day takes the chain default (store '*'); before any default, DEFAULT_SETTLEMENT_RATE."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, select

from sync.hq import db
from sync.hq import tables as t
from sync.hq.service import utc_now

CHAIN_DEFAULT = "*"
DEFAULT_SETTLEMENT_RATE = 100  # the redemption rate: 100 points = 1 yuan
EARLIEST = "2000-01-01"  # the old single rate's start: it applied to everything
MAX_RATE = 100_000  # 1,000 yuan per 100 points: far above any real programme, below any typing slip


class RateRefused(ValueError):
    """A rate HQ will not record; the message is one line naming the field."""


def set_rate(engine: Engine, store: str, fen_per_100_points: int, valid_from: str | None) -> dict[str, Any]:
    store = store.strip()
    if not 0 <= fen_per_100_points <= MAX_RATE:
        raise RateRefused(f"FEN_PER_100_POINTS must be a whole number from 0 to {MAX_RATE}, "
                          f"not {fen_per_100_points}")
    day = valid_from or date.today().isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise RateRefused(f"--from must be a date as YYYY-MM-DD, not {day!r}")
    try:
        date.fromisoformat(day)
    except ValueError:
        raise RateRefused(f"--from must be a date as YYYY-MM-DD, not {day!r}") from None
    with db.write(engine) as conn:
        if store != CHAIN_DEFAULT and not conn.execute(
                select(t.stores.c.code).where(t.stores.c.code == store)).first():
            raise RateRefused(f"STORE: no store {store}; add it with `pos-hq store add` (or use * for the chain "
                              "default)")
        key = (t.settlement_rates.c.store_code == store) & (t.settlement_rates.c.valid_from == day)
        values = {"fen_per_100_points": fen_per_100_points, "set_at": utc_now()}
        if conn.execute(t.settlement_rates.update().where(key).values(values)).rowcount == 0:
            conn.execute(t.settlement_rates.insert().values(store_code=store, valid_from=day, **values))
        attributed = conn.execute(select(t.settle_daily.c.day).where(t.settle_daily.c.day >= day).limit(1)).first()
    result: dict[str, Any] = {"store": store, "fen_per_100_points": fen_per_100_points, "from": day}
    if attributed is not None:
        result["note"] = ("points already attributed keep the rate they were priced at; "
                          "`pos-hq settlement rebuild` prices everything again")
    return result


def list_rates(engine: Engine) -> list[dict[str, Any]]:
    with db.read(engine) as conn:
        rows = conn.execute(select(t.settlement_rates).order_by(
            t.settlement_rates.c.store_code, t.settlement_rates.c.valid_from)).mappings()
        return [{"store": r["store_code"], "from": r["valid_from"], "fen_per_100_points": r["fen_per_100_points"]}
                for r in rows]


class RateBook:
    """Every rate, loaded once per catch-up batch: `rate(store, day)` is the rate in force for that store."""

    def __init__(self, rows: Iterable[tuple[str, str, int]] = ()) -> None:
        """`rows`: (store_code, valid_from, fen_per_100_points), in any order."""
        self._by_store: dict[str, tuple[list[str], list[int]]] = {}
        for store, valid_from, rate in sorted(rows):
            days, rates = self._by_store.setdefault(store, ([], []))
            days.append(valid_from)
            rates.append(rate)

    @classmethod
    def load(cls, conn: Connection) -> RateBook:
        return cls(tuple(row) for row in conn.execute(select(
            t.settlement_rates.c.store_code, t.settlement_rates.c.valid_from,
            t.settlement_rates.c.fen_per_100_points)))

    def _lookup(self, store: str, day: str) -> int | None:
        found = self._by_store.get(store)
        if not found:
            return None
        index = bisect.bisect_right(found[0], day) - 1
        return found[1][index] if index >= 0 else None

    def rate(self, store: str | None, day: str) -> int:
        if store is None:
            return 0  # points no store issued are settled by no one
        own = self._lookup(store, day)
        if own is not None:
            return own
        chain = self._lookup(CHAIN_DEFAULT, day)
        return DEFAULT_SETTLEMENT_RATE if chain is None else chain
