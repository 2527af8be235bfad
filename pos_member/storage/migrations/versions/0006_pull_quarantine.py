"""Pulled rows this till could not apply, set aside (issue 10, "Tills can be replaced")

Revision ID: 0006
Revises: 0005

A page of HQ's change feed is applied in one transaction; a row in it that this till cannot apply (a member
number held here by another member, a card or entry whose member is not known here) used to abort the whole
page, on every sync, for good. Such a row is now kept here with its typed reason and the rest of the page is
applied (pos_member/storage/sync_apply.py). `sync status` counts them; the till's F11 panel lists them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pull_quarantine",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),  # its place in HQ's feed
        sa.Column("kind", sa.String(), nullable=False),  # member | card | entry | rules
        sa.Column("key", sa.String(), nullable=False),  # member number, card number, entry id, rules version
        sa.Column("reason", sa.String(), nullable=False),  # a pos_member.domain.reasons.Reason value
        sa.Column("params", sa.Text(), nullable=False),  # its figures, JSON
        sa.Column("data", sa.Text(), nullable=False),  # the row as HQ sent it, JSON
        sa.Column("at", sa.String(), nullable=False),
        sa.UniqueConstraint("kind", "key", "seq", name="uq_pull_quarantine_row"),
    )


def downgrade() -> None:
    op.drop_table("pull_quarantine")
