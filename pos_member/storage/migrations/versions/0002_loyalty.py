"""loyalty rules over time: per-line figures, points lots, tier retention, coupons, campaigns, jobs

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_LINE_FIGURES = ("discount_fen", "coupon_fen", "points_cash_fen", "points_redeemed", "stored_paid_fen",
                 "stored_bonus_fen", "points_earned")


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        # first day the points of this entry are no longer valid (lots); NULL for spends and non-lot entries
        batch.add_column(sa.Column("expires_on", sa.String(), nullable=True))
        batch.create_index("ix_ledger_kind_time", ["kind", "business_time"])
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("tier_reached_on", sa.String(), nullable=True))
    with op.batch_alter_table("sales") as batch:
        batch.add_column(sa.Column("coupon_code", sa.String(), nullable=True))
        batch.add_column(sa.Column("coupon_fen", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("sale_lines") as batch:
        for name in _LINE_FIGURES:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "refund_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("refund_id", sa.String(36), sa.ForeignKey("refunds.refund_id"), nullable=False),
        sa.Column("sale_id", sa.String(36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("cash_fen", sa.Integer(), nullable=False),
        sa.Column("points_reversed", sa.Integer(), nullable=False),
        sa.Column("points_restored", sa.Integer(), nullable=False),
        sa.Column("stored_paid_fen", sa.Integer(), nullable=False),
        sa.Column("stored_bonus_fen", sa.Integer(), nullable=False),
    )
    op.create_index("ix_refund_lines_sale", "refund_lines", ["sale_id", "line_no"])
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("template", sa.String(), nullable=False),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("issued_count", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(), nullable=False),
    )
    op.create_table(
        "coupons",
        sa.Column("code", sa.String(), primary_key=True),
        sa.Column("template", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id"), nullable=True),
        sa.Column("issue_key", sa.String(), nullable=True, unique=True),  # makes a job's issue idempotent
        sa.Column("amount_off_fen", sa.Integer(), nullable=False),
        sa.Column("min_spend_fen", sa.Integer(), nullable=False),
        sa.Column("percent_off", sa.Integer(), nullable=False),
        sa.Column("max_off_fen", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.String(), nullable=False),
        sa.Column("valid_to", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),  # issued | used | void
        sa.Column("issued_at", sa.String(), nullable=False),
        sa.Column("used_at", sa.String(), nullable=True),
        sa.Column("used_sale_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_coupons_member", "coupons", ["member_id"])
    op.create_index("ix_coupons_campaign", "coupons", ["campaign_id"])
    op.create_table(
        "rewards",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reward_key", sa.String(), nullable=False, unique=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("business_time", sa.String(), nullable=False),
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("job", sa.String(), nullable=False),
        sa.Column("run_date", sa.String(), nullable=False),
        sa.Column("ran_at", sa.String(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("job_runs", "rewards", "coupons", "campaigns", "refund_lines"):
        op.drop_table(table)
    with op.batch_alter_table("sale_lines") as batch:
        for name in _LINE_FIGURES:
            batch.drop_column(name)
    with op.batch_alter_table("sales") as batch:
        batch.drop_column("coupon_fen")
        batch.drop_column("coupon_code")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("tier_reached_on")
    with op.batch_alter_table("ledger") as batch:
        batch.drop_index("ix_ledger_kind_time")
        batch.drop_column("expires_on")
