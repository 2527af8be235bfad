"""HQ member merge: members.merged_into

Revision ID: 0002
Revises: 0001

A member HQ merged into another keeps its row and its ledger; `status` becomes 'merged' and `merged_into`
names the member that now holds its balances and cards (see sync.protocol, "Merging members"). A plain
ADD COLUMN on both PostgreSQL and SQLite: no table rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("merged_into", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("merged_into")
