"""The sync outbox as one B-tree: a WITHOUT ROWID table clustered on its key (kind, key)

Revision ID: 0010
Revises: 0009

Every sale queues its document in sync_outbox (migration 0009's trigger), and every member or card change
queues a record. As a rowid table with a two-column primary key it was two B-trees, the rows and the key's
index, so each queued row dirtied two pages in the commit's WAL write; clustered on the key it is one. Nothing
reads the outbox by rowid. The triggers that write to it are dropped and made again around the rebuild:
SQLite checks every trigger's body when a table is renamed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_CREATE = ("CREATE TABLE sync_outbox_new (kind VARCHAR NOT NULL, key VARCHAR NOT NULL, "
           "version INTEGER DEFAULT '1' NOT NULL, PRIMARY KEY (kind, key))")


def _rebuild(create: str) -> None:
    conn = op.get_bind()
    triggers = conn.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND sql LIKE '%sync_outbox%'")).all()
    for name, _ in triggers:
        op.execute(f'DROP TRIGGER "{name}"')
    op.execute(create)
    op.execute("INSERT INTO sync_outbox_new (kind, key, version) SELECT kind, key, version FROM sync_outbox")
    op.execute("DROP TABLE sync_outbox")
    op.execute("ALTER TABLE sync_outbox_new RENAME TO sync_outbox")
    for _, sql in triggers:
        op.execute(sql)


def upgrade() -> None:
    _rebuild(f"{_CREATE} WITHOUT ROWID")


def downgrade() -> None:
    _rebuild(_CREATE)
