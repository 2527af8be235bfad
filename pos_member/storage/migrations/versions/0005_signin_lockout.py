"""Sign-in lockout: wrong staff PINs in a row and the wait they earned, kept across restarts

Revision ID: 0005
Revises: 0004

One row (id 1) per store file: the PIN page belongs to the till, not to a staff member (a wrong PIN names
nobody). Written by services/staff.py: attempt_sign_in in the same transaction as the failure's audit row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_lockout",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),  # wrong PINs in a row
        sa.Column("rounds", sa.Integer(), nullable=False, server_default="0"),  # waits earned in this streak
        sa.Column("locked_until", sa.Integer(), nullable=False, server_default="0"),  # Unix seconds
        sa.Column("wait_s", sa.Integer(), nullable=False, server_default="0"),  # length of the current wait
    )


def downgrade() -> None:
    op.drop_table("signin_lockout")
