"""HQ: an index on members.member_no

Revision ID: 0003
Revises: 0002

HQ refuses a member record whose member_no another member holds, and enrolment hands a till the highest
member number HQ has seen for its store and till number (issue 10, "Tills can be replaced"): both are lookups
by member_no. Not unique: a database from before this check may hold a number twice already, and the
migration must not fail on it (`pos-hq member duplicates` and a merge resolve such pairs).
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_hq_members_member_no", "members", ["member_no"])


def downgrade() -> None:
    op.drop_index("ix_hq_members_member_no", table_name="members")
