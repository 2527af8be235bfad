"""Tamper evidence: the audit head HQ accepted from each till; privacy: scrub the feed of members anonymised
or merged away before this version

Revision ID: 0006
Revises: 0002

One row per device: the id and hash of the last row of its audit log that HQ accepted with a push
(sync.hq.audit_heads). A push whose log does not continue from it is flagged `audit_mismatch` and does not
move it, so what a till's file once showed HQ stays on record.

Members anonymised or merged away before this version still have their old snapshots (name, phone,
birthday) in the feed; they get the member's current values, as sync.hq.privacy does from now on.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_heads",
        sa.Column("device_id", sa.String(length=36), primary_key=True),
        sa.Column("store_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.String(length=64), nullable=False),
    )
    conn = op.get_bind()
    scrubbed = {"anonymised": ("name", "phone", "birthday"), "merged": ("phone", "birthday")}
    for uuid, status, name, phone in conn.execute(sa.text(
            "SELECT uuid, status, name, phone FROM members WHERE status IN ('anonymised', 'merged')")).all():
        current = {"name": name, "phone": None if status == "merged" else phone, "birthday": None}
        if status == "merged":
            conn.execute(sa.text("UPDATE members SET birthday = NULL WHERE uuid = :u"), {"u": uuid})
        for seq, data in conn.execute(sa.text("SELECT seq, data FROM changes WHERE kind = 'member' AND key = :u"),
                                      {"u": uuid}).all():
            snapshot = json.loads(data)
            clean = snapshot | {field: current[field] for field in scrubbed[status]}
            if clean != snapshot:
                conn.execute(sa.text("UPDATE changes SET data = :d WHERE seq = :s"),
                             {"d": json.dumps(clean, ensure_ascii=False), "s": seq})


def downgrade() -> None:
    op.drop_table("audit_heads")
