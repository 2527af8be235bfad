"""Flags that can be worked, the chain's rules per store, and the daily roll-ups behind `pos-hq report`

Revision ID: 0010
Revises: 0009

- flags: status (open | resolved | dismissed), the store it concerns, when it last changed, how often it was
  raised, and who closed it with what note (`resolved_at` is the close time, whichever way it was closed).
  Older closed flags become `resolved`. At most one open flag per (kind, subject) (a partial unique index);
  older duplicates, if any, are closed as resolved.
- flag_events: each flag's history (raised, raised again with newer figures, resolved, dismissed).
- stores.local_rules: HQ granted the store its own rules (`pos-hq store local-rules STORE on|off`), with who
  and when; devices.rules_*: the rules version each till last confirmed in force.
- ledger_daily (points and stored value by day, store and entry kind) and liability_daily (the same by the
  members' home store), kept up in the transaction that stores entries (sync.hq.rollups), and filled here
  for the entries already held. ix_hq_members_home_tier: members by home store and tier.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ROLLUP_KEYS = {"ledger_daily": "store_code", "liability_daily": "home_store"}


def upgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"
    with op.batch_alter_table("flags") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="open"))
        batch.add_column(sa.Column("store_code", sa.String(16), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.String(64), nullable=True))
        batch.add_column(sa.Column("times_raised", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("closed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    conn.execute(sa.text("UPDATE flags SET status = 'resolved' WHERE resolved_at IS NOT NULL"))
    conn.execute(sa.text("UPDATE flags SET updated_at = created_at"))
    conn.execute(sa.text(
        "UPDATE flags SET status = 'resolved', resolved_at = created_at, closed_by = 'migration 0007', "
        "note = 'a newer open flag of the same kind and subject carries on' WHERE resolved_at IS NULL AND "
        "id < (SELECT MAX(f.id) FROM flags f WHERE f.kind = flags.kind AND f.subject = flags.subject "
        "AND f.resolved_at IS NULL)"))
    if pg:
        # an md5 of the subject, not the subject: a duplicate_phone subject may outgrow an index row
        op.execute("CREATE UNIQUE INDEX uq_flags_open ON flags (kind, md5(subject)) WHERE resolved_at IS NULL")
    else:
        op.execute("CREATE UNIQUE INDEX uq_flags_open ON flags (kind, subject) WHERE resolved_at IS NULL")
    op.create_table(
        "flag_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(64), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_flag_events_flag", "flag_events", ["flag_id", "id"])
    conn.execute(sa.text("INSERT INTO flag_events (flag_id, at, event, figures) "
                         "SELECT id, created_at, 'raised', detail FROM flags"))

    with op.batch_alter_table("stores") as batch:
        batch.add_column(sa.Column("local_rules", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("local_rules_changed_at", sa.String(64), nullable=True))
        batch.add_column(sa.Column("local_rules_changed_by", sa.String(200), nullable=True))
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("rules_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rules_hq_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rules_label", sa.String(200), nullable=True))
        batch.add_column(sa.Column("rules_confirmed_at", sa.String(64), nullable=True))

    for table, key in _ROLLUP_KEYS.items():
        op.create_table(
            table,
            sa.Column("day", sa.String(10), nullable=False),
            sa.Column(key, sa.String(16), nullable=False),
            sa.Column("account", sa.String(16), nullable=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("delta", sa.BigInteger(), nullable=False),
            sa.Column("entries", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("day", key, "account", "kind"),
        )
    op.create_index("ix_hq_members_home_tier", "members", ["home_store", "tier_code", "status"])
    # the roll-ups of what HQ already holds; from here on whoever stores entries adds them (sync.hq.rollups)
    conn.execute(sa.text(
        "INSERT INTO ledger_daily (day, store_code, account, kind, delta, entries) "
        "SELECT substr(business_time, 1, 10), store_code, account, kind, SUM(delta), COUNT(*) FROM entries "
        "GROUP BY substr(business_time, 1, 10), store_code, account, kind"))
    conn.execute(sa.text(
        "INSERT INTO liability_daily (day, home_store, account, kind, delta, entries) "
        "SELECT substr(e.business_time, 1, 10), m.home_store, e.account, e.kind, SUM(e.delta), COUNT(*) "
        "FROM entries e JOIN members m ON m.uuid = e.member_uuid "
        "GROUP BY substr(e.business_time, 1, 10), m.home_store, e.account, e.kind"))


def downgrade() -> None:
    op.drop_index("ix_hq_members_home_tier", table_name="members")
    for table in _ROLLUP_KEYS:
        op.drop_table(table)
    with op.batch_alter_table("devices") as batch:
        for name in ("rules_confirmed_at", "rules_label", "rules_hq_version", "rules_version"):
            batch.drop_column(name)
    with op.batch_alter_table("stores") as batch:
        for name in ("local_rules_changed_by", "local_rules_changed_at", "local_rules"):
            batch.drop_column(name)
    op.drop_table("flag_events")
    op.execute("DROP INDEX uq_flags_open")
    with op.batch_alter_table("flags") as batch:
        for name in ("note", "closed_by", "times_raised", "updated_at", "store_code", "status"):
            batch.drop_column(name)
