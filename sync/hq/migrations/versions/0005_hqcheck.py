"""Who changed a member, and flags for any number of members

Revision ID: 0005
Revises: 0002

members.changed_by / anonymised_by: the device whose snapshot HQ applied last, and the one that anonymised
the member (only its home store may). flags.subject becomes text: a duplicate_phone flag names every member
sharing the phone, and the sixth one overflowed varchar(200) (on SQLite the type is not enforced: unchanged).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("changed_by", sa.String(length=36), nullable=True))
    op.add_column("members", sa.Column("anonymised_by", sa.String(length=36), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("flags", "subject", type_=sa.Text(), existing_type=sa.String(length=200),
                        existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("flags", "subject", type_=sa.String(length=200), existing_type=sa.Text(),
                        existing_nullable=False)
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("anonymised_by")
        batch_op.drop_column("changed_by")
