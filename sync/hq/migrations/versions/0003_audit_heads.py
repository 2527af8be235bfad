"""Tamper evidence: the audit head HQ accepted from each till

Revision ID: 0003
Revises: 0002

One row per device: the id and hash of the last row of its audit log that HQ accepted with a push
(sync.hq.audit_heads). A push whose log does not continue from it is flagged `audit_mismatch` and does not
move it, so what a till's file once showed HQ stays on record.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_heads",
        sa.Column("device_id", sa.String(length=36), primary_key=True),
        sa.Column("store_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.String(length=64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_heads")
