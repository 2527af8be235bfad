"""Chain money (issue 11): sales, refunds, coupons, campaigns, top-ups and card fees as documents, and the
daily_sales roll-up

Revision ID: 0007
Revises: 0006

Each document is stored once as the till wrote it (sync.hq.documents); `daily_sales` is kept up to date in
the push's transaction, so the sales report reads a few rows per store and day.
"""

from __future__ import annotations

from alembic import op

from sync.hq import tables as t

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TABLES = ("sales", "sale_lines", "refunds", "refund_lines", "campaigns", "coupons", "coupon_uses", "topups",
           "card_fees", "daily_sales")


def upgrade() -> None:
    bind = op.get_bind()
    # created from the module that mirrors head: these tables are new here, so head is what this revision makes
    t.metadata.create_all(bind, tables=[t.metadata.tables[name] for name in _TABLES])


def downgrade() -> None:
    for name in reversed(_TABLES):
        op.drop_table(name)
