"""The settlement catch-up: attribute the entries HQ took in since the last run, in feed order (seq, which is
HQ's commit order), a batch per transaction, and move the watermark (settle_state.through_seq) with them.

Why a catch-up and not the push itself: every push, merge and expiry job holds the chain's one feed lock
(sync.hq.db.lock_feed) while it writes, so lot bookkeeping inside it would slow every till of the chain;
here it runs beside them, and its own row lock (settle_state) makes one catch-up at a time. It runs from
`pos-hq serve` every minute, before every statement, and by hand (`pos-hq settlement catch-up`). Because it
follows seq, the attribution is decided by the order entries reached HQ: an entry a till pushes late is
attributed when it arrives, against the lots as they are then, never by re-ordering what was attributed
before (`pos-hq settlement rebuild` does everything again from seq 0, in the same order, to the same result).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    any_,
    bindparam,
    delete,
    select,
    text,
    tuple_,
    update,
)

from sync.hq import db
from sync.hq import tables as t
from sync.hq.pg_bulk import insert_rows, pg_rows
from sync.hq.settle_lots import Deficit, Lot, WorkingSet, apply_all, transfer_pairs
from sync.hq.settle_rates import RateBook

BATCH = 2000
_CHUNK = 1000  # ids per IN list


def catch_up(engine: Engine, batch: int = BATCH, max_batches: int | None = None) -> dict[str, int]:
    """Attribute every entry past the watermark; returns how many and the new watermark."""
    done, through = 0, 0
    batch = max(batch, 2)  # room for both legs of a transfer pair
    while max_batches is None or max_batches > 0:
        with db.write(engine) as conn:
            count, through, more = _one_batch(conn, batch)
        done += count
        if max_batches is not None:
            max_batches -= 1
        if not more:
            break
    return {"entries": done, "through_seq": through}


def rebuild(engine: Engine, batch: int = BATCH) -> dict[str, int]:
    """Forget every attribution and do it all again from the first entry (after a rate set for past dates)."""
    with db.write(engine) as conn:
        _lock_state(conn)
        for table in (t.settle_lots, t.settle_takes, t.settle_deficits, t.settle_daily, t.settle_ledger_daily):
            conn.execute(delete(table))
        conn.execute(update(t.settle_state).where(t.settle_state.c.id == 1).values(through_seq=0, next_lot_id=1))
    return catch_up(engine, batch)


def _lock_state(conn: Connection) -> Any:
    return conn.execute(select(t.settle_state).where(t.settle_state.c.id == 1).with_for_update()).one()


_ENTRY_COLUMNS = [t.entries.c[name] for name in ("seq", "store_code", "member_uuid", "account", "kind", "delta",
                                                 "sale_id", "ref_id", "business_time")]


def _one_batch(conn: Connection, batch: int) -> tuple[int, int, bool]:
    state = _lock_state(conn)
    rows = conn.execute(select(*_ENTRY_COLUMNS).where(t.entries.c.seq > state.through_seq)
                        .order_by(t.entries.c.seq).limit(batch)).all()
    full = len(rows) == batch
    if full and rows[-1].kind == "transfer" and len(rows) - 1 not in transfer_pairs(rows):
        rows = rows[:-1]  # the first leg of a pair whose second leg is in the next batch
    if not rows:
        return 0, state.through_seq, False
    work = _load(conn, rows, RateBook.load(conn), state.next_lot_id)
    apply_all(work, rows)
    _write(conn, work)
    through = rows[-1].seq
    conn.execute(update(t.settle_state).where(t.settle_state.c.id == 1).values(
        through_seq=through, next_lot_id=work.next_lot_id))
    return len(rows), through, full


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _among(conn: Connection, column: Any, items: list[Any]) -> Any:
    """column IN items; on PostgreSQL one array parameter (a list of 1,000 bind parameters costs more to
    build and parse than the query costs to run)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, items, type_=ARRAY(column.type)))
    return column.in_(items)


def _lot(row: Any) -> Lot:
    return Lot(row.id, row.member_uuid, row.account, row.issuer, row.issued_on, row.sale_id, row.rate,
               row.remaining)


def _load(conn: Connection, rows: list[Any], rates: RateBook, next_lot_id: int) -> WorkingSet:
    work = WorkingSet(rates=rates, next_lot_id=next_lot_id)
    members = sorted({row.member_uuid for row in rows})
    for chunk in _chunks(members):
        for lot in conn.execute(select(t.settle_lots).where(_among(conn, t.settle_lots.c.member_uuid, chunk),
                                                            t.settle_lots.c.remaining > 0)):
            work.add_loaded_lot(_lot(lot))
        for d in conn.execute(select(t.settle_deficits).where(_among(conn, t.settle_deficits.c.member_uuid, chunk))
                              .order_by(t.settle_deficits.c.seq)):
            work.deficits[(d.member_uuid, d.account)].append(Deficit(d.seq, d.store_code, d.sale_id, d.amount))
    refunded = sorted({row.sale_id for row in rows if row.kind == "refund" and row.sale_id})
    reversed_ = sorted({row.sale_id for row in rows if row.kind == "reverse" and row.sale_id})
    wanted: set[int] = set()
    for chunk in _chunks(refunded):
        for take in conn.execute(select(t.settle_takes).where(_among(conn, t.settle_takes.c.sale_id, chunk))):
            key = (take.sale_id, take.account, take.lot_id)
            work.takes[key] = take.amount
            work.loaded_takes.add(key)
            wanted.add(take.lot_id)
    for chunk in _chunks(reversed_):
        for lot in conn.execute(select(t.settle_lots).where(_among(conn, t.settle_lots.c.sale_id, chunk),
                                                            t.settle_lots.c.remaining == 0)):
            if lot.id not in work.lots:
                work.add_loaded_lot(_lot(lot))
    for chunk in _chunks(sorted(wanted - set(work.lots))):
        for lot in conn.execute(select(t.settle_lots).where(_among(conn, t.settle_lots.c.id, chunk))):
            work.add_loaded_lot(_lot(lot))
    work.sort_open_lots()
    return work


def _upsert_add(conn: Connection, table: Any, keys: list[str], value: str, rows: list[dict[str, Any]]) -> None:
    """Add each row's `value` to the row with its keys, inserting it if there is none (the rows' keys are
    distinct: one statement may not update a row twice)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        select_sql, params = pg_rows(table, columns, rows)
        conn.execute(text(
            f"INSERT INTO {table.name} AS r ({', '.join(columns)}) {select_sql} ON CONFLICT ({', '.join(keys)}) "
            f"DO UPDATE SET {value} = r.{value} + EXCLUDED.{value}"), params)
        return
    from sqlalchemy.dialects.sqlite import insert

    statement = insert(table)
    conn.execute(statement.on_conflict_do_update(index_elements=keys, set_={
        value: table.c[value] + statement.excluded[value]}), rows)


_BULK_LOTS_PG = text("UPDATE settle_lots AS l SET remaining = v.remaining FROM unnest(CAST(:ids AS bigint[]), "
                     "CAST(:left AS bigint[])) AS v(id, remaining) WHERE l.id = v.id")


def _write(conn: Connection, work: WorkingSet) -> None:
    new = [work.lots[i] for i in sorted(work.dirty_lots) if work.lots[i].new]
    changed = [work.lots[i] for i in sorted(work.dirty_lots) if not work.lots[i].new]
    if new:
        insert_rows(conn, t.settle_lots, [
            {"id": lot.id, "member_uuid": lot.member, "account": lot.account, "issuer": lot.issuer,
             "issued_on": lot.issued_on, "sale_id": lot.sale_id, "rate": lot.rate, "remaining": lot.remaining}
            for lot in new])
    if changed and conn.dialect.name == "postgresql":  # one statement: thousands of single-row UPDATEs were
        conn.execute(_BULK_LOTS_PG, {"ids": [lot.id for lot in changed],  # most of a batch's time
                                     "left": [lot.remaining for lot in changed]})
    elif changed:
        conn.execute(update(t.settle_lots).where(t.settle_lots.c.id == bindparam("lot_id")).values(
            remaining=bindparam("left")), [{"lot_id": lot.id, "left": lot.remaining} for lot in changed])
    takes = sorted(work.dirty_takes)
    loaded = [key for key in takes if key in work.loaded_takes]  # held in full in memory: replace
    for chunk in _chunks([key for key in loaded if work.takes[key] <= 0]):
        conn.execute(delete(t.settle_takes).where(tuple_(
            t.settle_takes.c.sale_id, t.settle_takes.c.account, t.settle_takes.c.lot_id).in_(chunk)))
    still = [key for key in loaded if work.takes[key] > 0]
    if still and conn.dialect.name == "postgresql":
        select_sql, params = pg_rows(t.settle_takes, ["sale_id", "account", "lot_id", "amount"], [
            {"sale_id": s, "account": a, "lot_id": lot_id, "amount": work.takes[(s, a, lot_id)]}
            for s, a, lot_id in still])
        conn.execute(text(f"UPDATE settle_takes AS k SET amount = v.amount FROM ({select_sql}) AS v(sale_id, account, "
                          "lot_id, amount) WHERE k.sale_id = v.sale_id AND k.account = v.account "
                          "AND k.lot_id = v.lot_id"), params)
    elif still:
        conn.execute(update(t.settle_takes).where(
            t.settle_takes.c.sale_id == bindparam("s"), t.settle_takes.c.account == bindparam("a"),
            t.settle_takes.c.lot_id == bindparam("lot")).values(amount=bindparam("left")),
            [{"s": s, "a": a, "lot": lot_id, "left": work.takes[(s, a, lot_id)]} for s, a, lot_id in still])
    # the others are what this batch took: added to any row an earlier batch wrote
    _upsert_add(conn, t.settle_takes, ["sale_id", "account", "lot_id"], "amount", [
        {"sale_id": s, "account": a, "lot_id": lot_id, "amount": work.takes[(s, a, lot_id)]}
        for s, a, lot_id in takes if (s, a, lot_id) not in work.loaded_takes and work.takes[(s, a, lot_id)] > 0])
    touched = sorted(work.dirty_deficits)
    if touched and conn.dialect.name == "postgresql":  # a join on the key: a list of row values is planned
        select_sql, params = pg_rows(t.settle_deficits, ["member_uuid", "account"], [  # as a long OR
            {"member_uuid": member, "account": account} for member, account in touched])
        conn.execute(text(f"DELETE FROM settle_deficits AS d USING ({select_sql}) AS v(member_uuid, account) "
                          "WHERE d.member_uuid = v.member_uuid AND d.account = v.account"), params)
    else:
        for chunk in _chunks(touched):
            conn.execute(delete(t.settle_deficits).where(tuple_(
                t.settle_deficits.c.member_uuid, t.settle_deficits.c.account).in_(chunk)))
    waiting = [{"member_uuid": member, "account": account, "seq": d.seq, "store_code": d.store,
                "sale_id": d.sale_id, "amount": d.amount}
               for member, account in touched for d in work.deficits[(member, account)] if d.amount > 0]
    insert_rows(conn, t.settle_deficits, waiting)
    _upsert_add(conn, t.settle_daily, ["day", "account", "issuer", "redeemer", "rate"], "amount", [
        {"day": d, "account": a, "issuer": i, "redeemer": r, "rate": rate, "amount": amount}
        for (d, a, i, r, rate), amount in sorted(work.daily.items()) if amount])
    _upsert_add(conn, t.settle_ledger_daily, ["day", "store_code", "account", "kind"], "total", [
        {"day": d, "store_code": s, "account": a, "kind": k, "total": total}
        for (d, s, a, k), total in sorted(work.ledger.items()) if total])
