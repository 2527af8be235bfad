"""Spending holds: what a till's sale in progress holds of a member's chain balance and of a coupon

Revision ID: 0008
Revises: 0007

One row per sale (the till's sale_id): the member, the device and store that asked, the points and stored
value (paid + bonus) held, the coupon, when it lapses (epoch milliseconds, HQ's clock) and its status: open
until the pushed entries carrying the sale_id settle it (or the till releases it). An open hold past
`expires_ms` has lapsed and no longer counts (sync.hq.holds).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holds",
        sa.Column("sale_id", sa.String(length=36), primary_key=True),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("store_code", sa.String(length=16), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("stored_fen", sa.BigInteger(), nullable=False),
        sa.Column("coupon_code", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.String(length=64), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("closed_at", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_holds_member_open", "holds", ["member_uuid", "status"])
    op.create_index("ix_holds_coupon", "holds", ["coupon_code"])


def downgrade() -> None:
    op.drop_table("holds")
