"""Alembic environment for the store file. The app passes an open connection in config.attributes, so the
upgrade runs inside the caller's BEGIN IMMEDIATE transaction (two processes opening the file at once do not
both migrate it)."""

from __future__ import annotations

from alembic import context

from pos_member.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("pos-member migrations run from the app (pos_member.storage.schema), not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
