"""HQ sync: sync state, the member/card change outbox filled by triggers, and HQ's rejections

Revision ID: 0003
Revises: 0002

The ledger itself is the entry outbox (this device's rows in local_seq order, above the push cursor kept in
sync_state). Member and card changes are caught by triggers rather than by calls in every service, so no
current or future service can forget to record one. The triggers stay quiet while a pulled page is being
applied (the `applying_pull` row exists only inside that write transaction), so HQ's own changes are not
echoed back to it.

Beware: Alembic's batch_alter_table on `members` or `cards` copies the table and drops these triggers; a
later migration that does so must call `create_sync_triggers()` again (a test in tests/sync checks that the
triggers exist at head).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_QUIET = "NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying_pull')"
_BUMP = ("INSERT INTO sync_outbox (kind, key) VALUES ('{kind}', {key}) "
         "ON CONFLICT (kind, key) DO UPDATE SET version = version + 1;")
# The member fields other stores care about; balance and spend columns move with every sale and travel as
# ledger entries instead, so they are left out (otherwise every sale would queue a member snapshot).
_MEMBER_FIELDS = ("member_no", "name", "phone", "birthday", "tier_code", "tier_reached_on", "status")

TRIGGERS = {
    "sync_member_insert": f"""CREATE TRIGGER sync_member_insert AFTER INSERT ON members WHEN {_QUIET}
        BEGIN {_BUMP.format(kind='member', key='NEW.uuid')} END""",
    "sync_member_update": (
        f"CREATE TRIGGER sync_member_update AFTER UPDATE OF {', '.join(_MEMBER_FIELDS)} ON members "
        f"WHEN {_QUIET} AND ({' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in _MEMBER_FIELDS)}) "
        f"BEGIN {_BUMP.format(kind='member', key='NEW.uuid')} END"),
    "sync_card_insert": f"""CREATE TRIGGER sync_card_insert AFTER INSERT ON cards WHEN {_QUIET}
        BEGIN {_BUMP.format(kind='card', key='NEW.card_no')} END""",
    "sync_card_update": f"""CREATE TRIGGER sync_card_update AFTER UPDATE ON cards WHEN {_QUIET}
        BEGIN {_BUMP.format(kind='card', key='NEW.card_no')} END""",
}


def create_sync_triggers() -> None:
    for name, sql in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(sql)


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("kind", sa.String(), nullable=False),  # member | card
        sa.Column("key", sa.String(), nullable=False),  # member uuid | card number
        # bumped by every change; the push deletes a row only if the version it sent is still current
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_table(
        "sync_rejections",
        sa.Column("entry_id", sa.String(36), primary_key=True),
        sa.Column("local_seq", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    # A store that ran alone before enrolling pushes everything it already has.
    op.execute("INSERT INTO sync_outbox (kind, key) SELECT 'member', uuid FROM members")
    op.execute("INSERT INTO sync_outbox (kind, key) SELECT 'card', card_no FROM cards")
    create_sync_triggers()


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("sync_rejections", "sync_outbox", "sync_state"):
        op.drop_table(table)
