"""The daily roll-ups behind `pos-hq report points|liability` (HQ migration 0010): `ledger_daily` by the
store that recorded each entry, `liability_daily` by the member's home store; per day, account and entry kind,
the sum of the deltas and the number of entries.

Kept in the transaction that stores the entries, by whoever stores them (a push, HQ's member merge, HQ's
expiry job), right after `chain_ledger.move_balances`, which hands back the members' home stores from the
same UPDATE. `day` is the business date as the entry records it (the till's local date). A reading never
scans the ledger."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, text

from sync.hq import tables as t

_KEYS = {"ledger_daily": "store_code", "liability_daily": "home_store"}


def add_entries(conn: Connection, rows: list[dict[str, Any]], home_stores: dict[str, str]) -> None:
    """Add newly stored entry rows (entries columns) to both roll-ups; `home_stores`: member uuid -> home."""
    if not rows:
        return
    by_store: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    by_home: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        day = row["business_time"][:10]
        for totals, owner in ((by_store, row["store_code"]), (by_home, home_stores[row["member_uuid"]])):
            figure = totals[(day, owner, row["account"], row["kind"])]
            figure[0] += row["delta"]
            figure[1] += 1
    for table, totals in (("ledger_daily", by_store), ("liability_daily", by_home)):
        _upsert(conn, table, totals)


def _upsert(conn: Connection, table: str, totals: dict[tuple[str, str, str, str], list[int]]) -> None:
    keys = sorted(totals)  # one order for every writer: no two transactions lock the same rows crosswise
    key = _KEYS[table]
    if conn.dialect.name == "postgresql":
        # one statement for the batch: a few dozen (day, store, kind) rows for 500 entries
        conn.execute(text(
            f"INSERT INTO {table} AS r (day, {key}, account, kind, delta, entries) "
            "SELECT * FROM unnest(CAST(:day AS varchar[]), CAST(:owner AS varchar[]), CAST(:account AS varchar[]), "
            "CAST(:kind AS varchar[]), CAST(:delta AS bigint[]), CAST(:entries AS bigint[])) "
            f"ON CONFLICT (day, {key}, account, kind) DO UPDATE SET delta = r.delta + EXCLUDED.delta, "
            "entries = r.entries + EXCLUDED.entries"),
            {"day": [k[0] for k in keys], "owner": [k[1] for k in keys], "account": [k[2] for k in keys],
             "kind": [k[3] for k in keys], "delta": [totals[k][0] for k in keys],
             "entries": [totals[k][1] for k in keys]})
        return
    from sqlalchemy.dialects.sqlite import insert

    target = getattr(t, table)
    statement = insert(target)
    statement = statement.on_conflict_do_update(
        index_elements=["day", key, "account", "kind"],
        set_={"delta": target.c.delta + statement.excluded.delta,
              "entries": target.c.entries + statement.excluded.entries})
    conn.execute(statement, [{"day": k[0], key: k[1], "account": k[2], "kind": k[3], "delta": totals[k][0],
                              "entries": totals[k][1]} for k in keys])
