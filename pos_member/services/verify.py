"""`verify`: prove the file is whole. Recompute every cached balance from the ledger, walk the audit hash
chain, check each audited set of entries against its digest, check local_seq has no gap, and check every
sale is whole. Returns the problems found; none means the file is sound."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select, text

from pos_member.services.audit import (
    AUDIT_KEY,
    DIGEST_KEYS,
    GENESIS_HASH,
    KEYED_FROM,
    entries_digest,
    row_hash,
)
from pos_member.services.context import Store
from pos_member.storage import tables as t

_BALANCES = text("""
SELECT m.member_no, m.points, m.stored_paid_fen, m.stored_bonus_fen,
       COALESCE(l.points, 0) AS l_points, COALESCE(l.paid, 0) AS l_paid, COALESCE(l.bonus, 0) AS l_bonus
FROM members m LEFT JOIN (
    SELECT member_id,
           SUM(CASE WHEN account = 'points' THEN delta ELSE 0 END) AS points,
           SUM(CASE WHEN account = 'stored_paid' THEN delta ELSE 0 END) AS paid,
           SUM(CASE WHEN account = 'stored_bonus' THEN delta ELSE 0 END) AS bonus
    FROM ledger GROUP BY member_id) l ON l.member_id = m.id
WHERE m.points != COALESCE(l.points, 0) OR m.stored_paid_fen != COALESCE(l.paid, 0)
   OR m.stored_bonus_fen != COALESCE(l.bonus, 0)
""")

# a sale's own entries carry its sale_id; a referral paid for it names it only as ref_id (not the sale's)
_SALES = text("""
SELECT s.sale_id, s.total_fen, COALESCE(li.total, -1) AS lines_total,
       COALESCE(e.redeemed, 0) AS redeemed, COALESCE(e.earned, 0) AS earned, COALESCE(e.spent, 0) AS spent,
       s.points_redeemed, s.points_earned, s.stored_paid_fen + s.stored_bonus_fen AS stored
FROM sales s
LEFT JOIN (SELECT sale_id, SUM(amount_fen) AS total, SUM(points_earned) AS points FROM sale_lines
           GROUP BY sale_id) li ON li.sale_id = s.sale_id
LEFT JOIN (SELECT ref_id,
                  -SUM(CASE WHEN kind = 'redeem' THEN delta ELSE 0 END) AS redeemed,
                  SUM(CASE WHEN kind = 'earn' THEN delta ELSE 0 END) AS earned,
                  -SUM(CASE WHEN kind = 'spend' THEN delta ELSE 0 END) AS spent
           FROM ledger WHERE sale_id IS NOT NULL AND ref_id IN (SELECT sale_id FROM sales) GROUP BY ref_id) e ON e.ref_id = s.sale_id
WHERE li.total IS NULL OR li.total != s.total_fen OR li.points != s.points_earned
   OR COALESCE(e.redeemed, 0) != s.points_redeemed
   OR COALESCE(e.earned, 0) != s.points_earned OR COALESCE(e.spent, 0) != s.stored_paid_fen + s.stored_bonus_fen
""")


@dataclass
class VerifyReport:
    members_checked: int = 0
    entries_checked: int = 0
    audit_rows_checked: int = 0
    sales_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_audit(conn: Connection, report: VerifyReport) -> None:
    settings = {r.key: r.value for r in conn.execute(select(t.settings).where(
        t.settings.c.key.in_([AUDIT_KEY, KEYED_FROM])))}
    key = bytes.fromhex(settings[AUDIT_KEY]) if AUDIT_KEY in settings else None
    keyed_from = int(settings.get(KEYED_FROM, "0") or 0) if key is not None else None
    if key is None:
        report.problems.append("the audit key is missing from settings: the audit chain cannot be proved")
    prev = GENESIS_HASH
    for row in conn.execute(text("SELECT * FROM audit ORDER BY id")):
        report.audit_rows_checked += 1
        row_key = key if keyed_from is not None and row.id >= keyed_from else None
        if row.prev_hash != prev or row.hash != row_hash(prev, row.at, row.staff_id, row.approved_by, row.action,
                                                         row.subject, row.detail, row_key):
            report.problems.append(f"audit row {row.id} ({row.action}) was altered: the hash chain breaks there")
            return
        prev = row.hash
        detail = json.loads(row.detail)
        for digest_key, fields in DIGEST_KEYS.items():
            if digest_key in detail:
                wanted = detail["entries"]
                columns = [t.ledger.c[name] for name in fields]
                rows = conn.execute(select(*columns).where(t.ledger.c.entry_id.in_(wanted))).mappings().all()
                if len(rows) != len(wanted) or entries_digest(rows, fields) != detail[digest_key]:
                    report.problems.append(
                        f"ledger entries of audit row {row.id} ({row.action} {row.subject}) were altered or removed")


def check_against_head(conn: Connection, head: dict[str, Any] | None, source: str) -> list[str]:
    """The audit log against a head HQ accepted (seq = row id, hash): the row must still be there with that
    hash. A deleted or cut tail loses the row, a re-chained log changes its hash."""
    if not head or not head.get("seq"):
        return []
    found = conn.execute(select(t.audit.c.hash).where(t.audit.c.id == head["seq"])).scalar()
    if found is None:
        last = conn.execute(select(func.max(t.audit.c.id))).scalar() or 0
        return [f"the audit log ends at row {last}, but {source} row {head['seq']}: rows were removed"]
    if found != head["hash"]:
        return [f"audit row {head['seq']} is not the one {source}: the log was re-chained or edited"]
    return []


def _check_sequence(conn: Connection, store: Store, report: VerifyReport) -> None:
    count, low, high = conn.execute(text(
        "SELECT COUNT(*), MIN(local_seq), MAX(local_seq) FROM ledger WHERE device_id = :d"),
        {"d": store.identity.device_id}).one()
    report.entries_checked = conn.execute(text("SELECT COUNT(*) FROM ledger")).scalar_one()
    if count and (low != 1 or high != count):
        report.problems.append(f"local_seq has gaps: {count} entries numbered {low}..{high}")
    counter = conn.execute(text("SELECT value FROM counters WHERE name = 'local_seq'")).scalar() or 0
    if counter != (high or 0):
        report.problems.append(f"local_seq counter is {counter} but the last entry is {high or 0}")
    audited = conn.execute(text(
        "SELECT COALESCE(SUM(json_array_length(detail, '$.entries')), 0) FROM audit "
        "WHERE json_type(detail, '$.entries') = 'array'")).scalar_one()
    if audited != count:
        report.problems.append(f"{count} ledger entries but the audit log accounts for {audited}")


def verify_store(store: Store) -> VerifyReport:
    report = VerifyReport()
    with store.db.read() as conn:
        integrity = conn.execute(text("PRAGMA integrity_check")).scalar()
        if integrity != "ok":
            report.problems.append(f"sqlite integrity_check: {integrity}")
        report.members_checked = conn.execute(text("SELECT COUNT(*) FROM members")).scalar_one()
        for row in conn.execute(_BALANCES):
            report.problems.append(
                f"member {row.member_no}: cached points {row.points}, stored {row.stored_paid_fen}+"
                f"{row.stored_bonus_fen} fen but the ledger sums to {row.l_points}, {row.l_paid}+{row.l_bonus}")
        report.sales_checked = conn.execute(text("SELECT COUNT(*) FROM sales")).scalar_one()
        for row in conn.execute(_SALES):
            report.problems.append(f"sale {row.sale_id} is not whole (lines, entries and totals disagree)")
        _check_sequence(conn, store, report)
        _check_audit(conn, report)
        # the head HQ last acknowledged, kept at the till by sync (pos_member.storage.sync_store)
        stored = conn.execute(select(t.sync_state.c.value).where(t.sync_state.c.key == "hq_audit_head")).scalar()
        report.problems += check_against_head(conn, json.loads(stored) if stored else None,
                                              "HQ last acknowledged")
    return report
