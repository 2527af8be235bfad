"""Alembic environment for the HQ database (PostgreSQL or SQLite). `sync.hq.db.upgrade` passes an open
connection in config.attributes, so the upgrade runs in the caller's transaction."""

from __future__ import annotations

from alembic import context

from sync.hq.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("HQ migrations run from `pos-hq migrate` (sync.hq.db), not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
