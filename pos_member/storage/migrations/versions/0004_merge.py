"""Members merged at HQ: members.merged_into

Revision ID: 0004
Revises: 0003

When HQ merges two members (two stores registered one person offline), the pulled snapshot of the merged
one carries status 'merged' and merged_into = the uuid of the member that holds its balances and cards now;
the till looks it up through that (pos_member.services.lookup). A plain ADD COLUMN, not batch mode: batch
mode rebuilds `members` and would drop the outbox triggers of migration 0003.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("merged_into", sa.String(36), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE members DROP COLUMN merged_into")  # SQLite >= 3.35; no rebuild, triggers kept
