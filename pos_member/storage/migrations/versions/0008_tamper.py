"""Tamper evidence: the audit chain is keyed from here on

Revision ID: 0008
Revises: 0005

Makes the store file's random audit key (settings `audit_key`) and notes the first audit row hashed with it
(`audit_keyed_from`); rows before it keep their plain SHA-256 hashes and still verify (services/audit.py).
The head HQ last acknowledged lives in sync_state (`hq_audit_head`), which needs no schema change.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM settings WHERE key = 'audit_key'")).first() is not None:
        return
    first = (conn.execute(sa.text("SELECT MAX(id) FROM audit")).scalar() or 0) + 1
    conn.execute(sa.text("INSERT INTO settings (key, value) VALUES ('audit_key', :k), ('audit_keyed_from', :f)"),
                 {"k": secrets.token_hex(32), "f": str(first)})


def downgrade() -> None:
    op.execute("DELETE FROM settings WHERE key IN ('audit_key', 'audit_keyed_from')")
