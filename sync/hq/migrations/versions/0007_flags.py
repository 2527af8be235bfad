"""Flags that can be worked, the chain's rules per store, and the daily roll-ups behind `pos-hq report`

Revision ID: 0007
Revises: 0006

- flags: status (open | resolved | dismissed), the store it concerns, when it last changed, how often it was
  raised, and who closed it with what note (`resolved_at` is the close time, whichever way it was closed).
  Older closed flags become `resolved`. At most one open flag per (kind, subject) (a partial unique index);
  older duplicates, if any, are closed as resolved.
- flag_events: each flag's history (raised, raised again with newer figures, resolved, dismissed).
- stores.local_rules: HQ granted the store its own rules (`pos-hq store local-rules STORE on|off`), with who
  and when; devices.rules_*: the rules version each till last confirmed in force.
- ledger_daily (points and stored value by day, store and entry kind) and liability_daily (the same by the
  members' home store), kept up by a trigger on `entries` in the inserting transaction, and filled here for
  the entries already held. ix_hq_members_home_tier: members by home store and tier.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
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
    # the roll-ups of what HQ already holds, then the trigger that keeps them from here on
    conn.execute(sa.text(
        "INSERT INTO ledger_daily (day, store_code, account, kind, delta, entries) "
        "SELECT substr(business_time, 1, 10), store_code, account, kind, SUM(delta), COUNT(*) FROM entries "
        "GROUP BY substr(business_time, 1, 10), store_code, account, kind"))
    conn.execute(sa.text(
        "INSERT INTO liability_daily (day, home_store, account, kind, delta, entries) "
        "SELECT substr(e.business_time, 1, 10), m.home_store, e.account, e.kind, SUM(e.delta), COUNT(*) "
        "FROM entries e JOIN members m ON m.uuid = e.member_uuid "
        "GROUP BY substr(e.business_time, 1, 10), m.home_store, e.account, e.kind"))
    for statement in (_PG_TRIGGER if pg else _SQLITE_TRIGGER):
        op.execute(statement)


def _upsert_pg(table: str, key: str, source: str, join: str = "") -> str:
    column = "m.home_store" if key == "home_store" else "n.store_code"
    return (f"INSERT INTO {table} AS r (day, {key}, account, kind, delta, entries) "
            f"SELECT substr(n.business_time, 1, 10), {column}, n.account, n.kind, SUM(n.delta), COUNT(*) "
            f"FROM {source} n {join} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 "
            f"ON CONFLICT (day, {key}, account, kind) DO UPDATE SET delta = r.delta + EXCLUDED.delta, "
            "entries = r.entries + EXCLUDED.entries;")


# One statement-level trigger per INSERT on PostgreSQL (a push's 500 rows are one aggregate and two upserts;
# rows ON CONFLICT skipped are not in the transition table); a row trigger on SQLite.
_PG_TRIGGER = (
    "CREATE FUNCTION hq_rollup_entries() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    + _upsert_pg("ledger_daily", "store_code", "new_entries")
    + _upsert_pg("liability_daily", "home_store", "new_entries", "JOIN members m ON m.uuid = n.member_uuid")
    + " RETURN NULL; END $$",
    "CREATE TRIGGER entries_rollup AFTER INSERT ON entries REFERENCING NEW TABLE AS new_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION hq_rollup_entries()",
)
_SQLITE_TRIGGER = (
    "CREATE TRIGGER entries_rollup AFTER INSERT ON entries BEGIN "
    "INSERT INTO ledger_daily (day, store_code, account, kind, delta, entries) "
    "SELECT substr(NEW.business_time, 1, 10), NEW.store_code, NEW.account, NEW.kind, NEW.delta, 1 WHERE true "
    "ON CONFLICT (day, store_code, account, kind) DO UPDATE SET delta = delta + excluded.delta, "
    "entries = entries + 1; "
    "INSERT INTO liability_daily (day, home_store, account, kind, delta, entries) "
    "SELECT substr(NEW.business_time, 1, 10), m.home_store, NEW.account, NEW.kind, NEW.delta, 1 "
    "FROM members m WHERE m.uuid = NEW.member_uuid "
    "ON CONFLICT (day, home_store, account, kind) DO UPDATE SET delta = delta + excluded.delta, "
    "entries = entries + 1; END",
)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP TRIGGER entries_rollup ON entries")
        op.execute("DROP FUNCTION hq_rollup_entries()")
    else:
        op.execute("DROP TRIGGER entries_rollup")
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
