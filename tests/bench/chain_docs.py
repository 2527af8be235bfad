"""The second half of the chain benchmark's data (tests.bench.chain_data): what HQ holds beside the ledger once
the tills have pushed it, on the schema at head. Each table is derived from the generated entries exactly as
HQ derives it when a push stores a document or an entry, so a report reads what a live HQ would hold:

- `sales` + `sale_lines`: one sale document a sale the entries name, with the figures of its entries: points
  earned (earn), points redeemed at 1 fen a point (redeem), stored value paid and bonus (spend), what was paid
  (a point a yuan paid: 100 x points earned + 0..99 fen), a 5% discount on one sale in four; 1 to 3 lines,
  line 1 carrying every deduction (so no line gives away more than its amount: check_sale_figures);
- `refunds` + `refund_lines`: a refund document per refund entry, at its store and time, giving back the
  entry's points (its amount: that many fen, at most line 1's), no cash, no stored value;
- `member_sales`: the qualifying spend sync.hq.documents._requalify derives from them (paid + stored value -
  cash, clawback and stored value given back; these refunds give back none of those);
- `daily_sales`: the roll-up sync.hq.documents._roll_up keeps (sales by the sale's store and day, refunds by
  the refund's);
- `topups`: a top-up document per top-up entry (the bonus entries are the generator's own, not paired);
- the settlement (`settle_lots`, `settle_takes`, `settle_deficits`, `settle_daily`, `settle_ledger_daily`,
  `settle_state`): HQ's own catch-up (sync.hq.settle_catchup) over every entry, in feed order, as
  `pos-hq serve` does every minute; so the statement reads the roll-up HQ keeps, not an empty one.

`ledger_daily` and `liability_daily` come from migration 0010's backfill over the loaded entries.

The rows are written by PostgreSQL itself into tables emptied in the same transaction (no WAL with
wal_level=minimal), their indexes dropped before and built after, as chain_data does for the ledger.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

# One row per sale the entries name: its earn entry carries the sale's store, till, member and time (every
# entry of a sale does: chain_data's `located` kinds); the others add what was redeemed and spent.
_SALE_FIGURES = """
CREATE TEMP TABLE sale_figures AS
SELECT e.sale_id, e.store_code, e.device_id, e.member_uuid, e.business_time, e.seq,
       e.delta AS earned, coalesce(f.redeemed, 0) AS redeemed, coalesce(f.paid, 0) AS paid,
       coalesce(f.bonus, 0) AS bonus,
       e.delta * 100 + ((('x' || substr(md5(e.sale_id), 1, 4))::bit(16)::int) % 100) AS payable
FROM entries e
LEFT JOIN (SELECT sale_id, -sum(delta) FILTER (WHERE kind = 'redeem') AS redeemed,
                  -sum(delta) FILTER (WHERE kind = 'spend' AND account = 'stored_paid') AS paid,
                  -sum(delta) FILTER (WHERE kind = 'spend' AND account = 'stored_bonus') AS bonus
           FROM entries WHERE sale_id IS NOT NULL AND kind IN ('redeem', 'spend') GROUP BY sale_id) AS f
  ON f.sale_id = e.sale_id
WHERE e.kind = 'earn' AND e.sale_id IS NOT NULL
"""

_SALES = """
INSERT INTO sales (sale_id, receipt_no, store_code, device_id, member_uuid, card_no, business_time, day,
                   rules_version, tier_code, total_fen, discount_fen, coupon_code, coupon_fen, points_redeemed,
                   points_cash_fen, stored_paid_fen, stored_bonus_fen, payable_fen, points_earned, payload_hash,
                   received_at)
SELECT f.sale_id, f.store_code || '-' || d.device_no || '-' || f.seq, f.store_code, f.device_id, f.member_uuid,
       c.card_no, f.business_time, substr(f.business_time, 1, 10), 1, m.tier_code,
       f.discount + f.redeemed + f.paid + f.bonus + f.payable, f.discount, NULL, 0, f.redeemed, f.redeemed,
       f.paid, f.bonus, f.payable, f.earned, repeat(md5(f.sale_id), 2), f.business_time
FROM (SELECT *, CASE WHEN seq % 4 = 0 THEN payable / 20 ELSE 0 END AS discount FROM sale_figures) AS f
JOIN devices d ON d.device_id = f.device_id
JOIN members m ON m.uuid = f.member_uuid
LEFT JOIN cards c ON c.member_uuid = f.member_uuid
"""

# Lines 2..n are cash only, each a 2n-th of what was paid; line 1 is the rest of the bill with every deduction.
_SALE_LINES = """
INSERT INTO sale_lines (sale_id, line_no, category, amount_fen, discount_fen, coupon_fen, points_cash_fen,
                        points_redeemed, stored_paid_fen, stored_bonus_fen, points_earned)
SELECT s.sale_id, k, (ARRAY['grocery', 'fresh', 'household'])[k],
       CASE WHEN k = 1 THEN s.total_fen - (n - 1) * (s.payable_fen / (2 * n)) ELSE s.payable_fen / (2 * n) END,
       CASE WHEN k = 1 THEN s.discount_fen ELSE 0 END, 0,
       CASE WHEN k = 1 THEN s.points_cash_fen ELSE 0 END, CASE WHEN k = 1 THEN s.points_redeemed ELSE 0 END,
       CASE WHEN k = 1 THEN s.stored_paid_fen ELSE 0 END, CASE WHEN k = 1 THEN s.stored_bonus_fen ELSE 0 END,
       CASE WHEN k = 1 THEN s.points_earned ELSE 0 END
FROM (SELECT *, 1 + (('x' || substr(md5(sale_id), 5, 4))::bit(16)::int) % 3 AS n FROM sales) AS s,
     generate_series(1, s.n) AS k
"""

_REFUNDS = """
CREATE TEMP TABLE refund_figures AS
SELECT md5(e.entry_id)::uuid::text AS refund_id, e.sale_id, e.store_code, e.device_id, e.business_time,
       e.delta AS points, least(e.delta, l.amount_fen) AS amount
FROM entries e JOIN sale_lines l ON l.sale_id = e.sale_id AND l.line_no = 1
WHERE e.kind = 'refund' AND e.sale_id IS NOT NULL;
INSERT INTO refunds (refund_id, sale_id, store_code, device_id, business_time, day, amount_fen, cash_refund_fen,
                     points_reversed, points_restored, stored_paid_restored_fen, stored_bonus_restored_fen,
                     clawback_points, clawback_fen, negative_points, coupon_restored, payload_hash, received_at)
SELECT refund_id, sale_id, store_code, device_id, business_time, substr(business_time, 1, 10), amount, 0, 0,
       points, 0, 0, 0, 0, 0, NULL, repeat(md5(refund_id), 2), business_time
FROM refund_figures;
INSERT INTO refund_lines (refund_id, line_no, sale_id, amount_fen, cash_fen, points_reversed, points_restored,
                          stored_paid_fen, stored_bonus_fen)
SELECT refund_id, 1, sale_id, amount, 0, 0, points, 0, 0 FROM refund_figures
"""

# sync.hq.documents._requalify: paid + stored value - (cash + clawback + stored value given back), >= 0
_MEMBER_SALES = """
INSERT INTO member_sales (sale_id, member_uuid, store_code, device_id, business_time, qualifying_fen, updated_at)
SELECT s.sale_id, s.member_uuid, s.store_code, s.device_id, s.business_time,
       greatest(0, s.payable_fen + s.stored_paid_fen + s.stored_bonus_fen - coalesce(r.back, 0)), s.received_at
FROM sales s
LEFT JOIN (SELECT sale_id, sum(cash_refund_fen + clawback_fen + stored_paid_restored_fen
                               + stored_bonus_restored_fen) AS back FROM refunds GROUP BY sale_id) AS r
  ON r.sale_id = s.sale_id
"""

# sync.hq.documents._roll_up: sales at the sale's store and day, refunds at the refund's
_DAILY_SALES = """
INSERT INTO daily_sales (store_code, day, sales_count, sales_fen, discount_fen, coupon_fen, payable_fen,
                         refunds_count, refunds_fen, refunds_cash_fen)
SELECT store_code, day, sum(sales_count), sum(sales_fen), sum(discount_fen), sum(coupon_fen), sum(payable_fen),
       sum(refunds_count), sum(refunds_fen), sum(refunds_cash_fen)
FROM (SELECT store_code, day, count(*) AS sales_count, sum(total_fen) AS sales_fen,
             sum(discount_fen) AS discount_fen, sum(coupon_fen) AS coupon_fen, sum(payable_fen) AS payable_fen,
             0 AS refunds_count, 0 AS refunds_fen, 0 AS refunds_cash_fen
      FROM sales GROUP BY store_code, day
      UNION ALL
      SELECT store_code, day, 0, 0, 0, 0, 0, count(*), sum(amount_fen), sum(cash_refund_fen)
      FROM refunds GROUP BY store_code, day) AS both_kinds
GROUP BY store_code, day
"""

_TOPUPS = """
INSERT INTO topups (topup_id, store_code, device_id, member_uuid, business_time, paid_fen, bonus_fen, payload_hash)
SELECT md5(entry_id)::uuid::text, store_code, device_id, member_uuid, business_time, delta, 0,
       repeat(md5(entry_id), 2)
FROM entries WHERE kind = 'topup'
"""

# table -> its SQL, in load order (statements split on ";\n")
DOC_TABLES: dict[str, str] = {
    "sales": _SALE_FIGURES + ";\n" + _SALES, "sale_lines": _SALE_LINES,
    "refunds": _REFUNDS, "refund_lines": "", "member_sales": _MEMBER_SALES, "daily_sales": _DAILY_SALES,
    "topups": _TOPUPS,
}


def load_documents(conn: Any, drop_indexes: Callable[[Any, list[str]], list[str]],
                   log: Callable[[str], None] = print) -> None:
    """Fill DOC_TABLES in one transaction (psycopg connection `conn`, committed here)."""
    names = list(DOC_TABLES)
    conn.execute("SET jit = off")
    conn.execute(f"TRUNCATE {', '.join(names)}")
    kept = drop_indexes(conn, names)
    for name, sql in DOC_TABLES.items():
        step = time.perf_counter()
        for statement in (part.strip() for part in sql.split(";\n")):
            if statement:
                conn.execute(statement)
        log(f"  {name:<14} {time.perf_counter() - step:7.1f} s")
    conn.execute("DROP TABLE sale_figures, refund_figures")
    conn.commit()
    step = time.perf_counter()
    for sql in kept:
        conn.execute(sql)
    conn.commit()
    log(f"  {'doc indexes':<14} {time.perf_counter() - step:7.1f} s")


def attribute_settlement(engine: Any, log: Callable[[str], None] = print) -> dict[str, int]:
    """HQ's own settlement catch-up over every entry (what `pos-hq serve` runs every minute)."""
    from sync.hq.settle_catchup import catch_up

    step = time.perf_counter()
    done = catch_up(engine, batch=5000)  # fewer, larger transactions than serve's
    log(f"  {'settlement':<14} {time.perf_counter() - step:7.1f} s  ({done['entries']:,} entries attributed)")
    return done
