"""Inter-store settlement: rates per store with history, FIFO lots per member, daily roll-ups

Revision ID: 0009
Revises: 0008

The chain-wide rate HQ kept as a setting becomes the chain default ('*') from 2000-01-01. Entries already
held are attributed by the first catch-up (sync.hq.settle_lots), from seq 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settlement_rates",
        sa.Column("store_code", sa.String(length=16), primary_key=True),
        sa.Column("valid_from", sa.String(length=10), primary_key=True),
        sa.Column("fen_per_100_points", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.String(length=64), nullable=False),
    )
    op.create_table(
        "settle_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("through_seq", sa.BigInteger(), nullable=False),
        sa.Column("next_lot_id", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "settle_lots",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("account", sa.String(length=16), nullable=False),
        sa.Column("issuer", sa.String(length=16), nullable=True),
        sa.Column("issued_on", sa.String(length=10), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.Column("rate", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_settle_lots_member", "settle_lots", ["member_uuid", "account", "remaining"])
    op.create_index("ix_settle_lots_sale", "settle_lots", ["sale_id"])
    op.create_table(
        "settle_takes",
        sa.Column("sale_id", sa.String(length=36), primary_key=True),
        sa.Column("account", sa.String(length=16), primary_key=True),
        sa.Column("lot_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "settle_deficits",
        sa.Column("member_uuid", sa.String(length=36), primary_key=True),
        sa.Column("account", sa.String(length=16), primary_key=True),
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("store_code", sa.String(length=16), nullable=True),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "settle_daily",
        sa.Column("day", sa.String(length=10), primary_key=True),
        sa.Column("account", sa.String(length=16), primary_key=True),
        sa.Column("issuer", sa.String(length=16), primary_key=True),
        sa.Column("redeemer", sa.String(length=16), primary_key=True),
        sa.Column("rate", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "settle_ledger_daily",
        sa.Column("day", sa.String(length=10), primary_key=True),
        sa.Column("store_code", sa.String(length=16), primary_key=True),
        sa.Column("account", sa.String(length=16), primary_key=True),
        sa.Column("kind", sa.String(length=16), primary_key=True),
        sa.Column("total", sa.BigInteger(), nullable=False),
    )
    conn = op.get_bind()
    conn.execute(sa.text("INSERT INTO settle_state (id, through_seq, next_lot_id) VALUES (1, 0, 1)"))
    old = conn.execute(sa.text("SELECT value FROM hq_settings WHERE key = 'settlement_fen_per_100_points'")).scalar()
    if old is not None and old.strip().isdigit():
        conn.execute(sa.text("INSERT INTO settlement_rates (store_code, valid_from, fen_per_100_points, set_at) "
                             "VALUES ('*', '2000-01-01', :rate, 'migration 0007')"), {"rate": int(old)})


def downgrade() -> None:
    for table in ("settle_ledger_daily", "settle_daily", "settle_deficits", "settle_takes", "settle_lots",
                  "settle_state", "settlement_rates"):
        op.drop_table(table)
