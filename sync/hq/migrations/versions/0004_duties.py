"""HQ runs the store-level jobs: job_runs (one row per job and date) and member_sales (qualifying spend)

Revision ID: 0004
Revises: 0002

- job_runs: HQ's nightly jobs (points expiry, tier evaluation) for the whole chain. The row for a job and
  date is written in the same transaction as the job's entries, under the feed lock, so a date runs once
  whatever the number of HQ workers or hosts.
- member_sales: each till's sales as the qualifying spend they count for tiers (fen paid less refunds), so
  HQ's tier evaluation counts every till and store of the chain.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("run_date", sa.String(length=10), nullable=False),
        sa.Column("ran_at", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("job", "run_date"),
    )
    op.create_table(
        "member_sales",
        sa.Column("sale_id", sa.String(length=36), primary_key=True),
        sa.Column("member_uuid", sa.String(length=36), nullable=False),
        sa.Column("store_code", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("business_time", sa.String(length=64), nullable=False),
        sa.Column("qualifying_fen", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_member_sales_member", "member_sales", ["member_uuid", "business_time"])


def downgrade() -> None:
    op.drop_index("ix_member_sales_member", table_name="member_sales")
    op.drop_table("member_sales")
    op.drop_table("job_runs")
