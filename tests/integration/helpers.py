"""Helpers for integration tests: a snapshot of every table's row count, to prove a refusal wrote nothing."""

from __future__ import annotations

from sqlalchemy import text

from pos_member.services.context import Store


def table_counts(store: Store) -> dict[str, int]:
    with store.db.read() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))]
        counts = {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar() for name in names}
        counts["balances"] = conn.execute(text(
            "SELECT COALESCE(SUM(points * 7 + stored_paid_fen * 3 + stored_bonus_fen), 0) FROM members")).scalar()
        counts["card_states"] = hash(tuple(conn.execute(text(
            "SELECT card_no, status, version FROM cards ORDER BY card_no")).all()))
    return counts
