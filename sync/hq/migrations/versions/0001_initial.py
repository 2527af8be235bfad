"""HQ initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 07:50:08.229221
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cards',
    sa.Column('card_no', sa.String(length=36), nullable=False),
    sa.Column('member_uuid', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('card_type', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_at', sa.String(length=64), nullable=False),
    sa.Column('expires_on', sa.String(length=36), nullable=True),
    sa.Column('replaced_by', sa.String(length=36), nullable=True),
    sa.Column('updated_at', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('card_no')
    )
    op.create_table('changes',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('origin_device', sa.String(length=36), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('devices',
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('store_code', sa.String(length=16), nullable=False),
    sa.Column('device_no', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('enrolled_at', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', sa.String(length=64), nullable=True),
    sa.Column('contiguous_through', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('last_seen', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('device_id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('enrol_codes',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('store_code', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.String(length=64), nullable=True),
    sa.Column('used_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('code_hash')
    )
    op.create_table('entries',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('local_seq', sa.BigInteger(), nullable=False),
    sa.Column('store_code', sa.String(length=16), nullable=False),
    sa.Column('member_uuid', sa.String(length=36), nullable=False),
    sa.Column('account', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('delta', sa.BigInteger(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('sale_id', sa.String(length=36), nullable=True),
    sa.Column('ref_id', sa.String(length=36), nullable=True),
    sa.Column('rules_version', sa.Integer(), nullable=False),
    sa.Column('business_time', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('expires_on', sa.String(length=36), nullable=True),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('device_id', 'local_seq', name='uq_entries_device_seq'),
    sa.UniqueConstraint('entry_id')
    )
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.create_index('ix_entries_member', ['member_uuid'], unique=False)
        batch_op.create_index('ix_entries_time', ['business_time'], unique=False)

    op.create_table('feed_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=64), nullable=False),
    sa.Column('resolved_at', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.create_index('ix_flags_subject', ['kind', 'subject'], unique=False)

    op.create_table('hq_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('members',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('member_no', sa.String(length=36), nullable=False),
    sa.Column('home_store', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=36), nullable=True),
    sa.Column('birthday', sa.String(length=36), nullable=True),
    sa.Column('tier_code', sa.String(length=36), nullable=False),
    sa.Column('tier_reached_on', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.String(length=64), nullable=False),
    sa.Column('points', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('stored_paid_fen', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('stored_bonus_fen', sa.BigInteger(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('uuid')
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_hq_members_phone', ['phone'], unique=False)

    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('entry_id', sa.String(length=64), nullable=False),
    sa.Column('local_seq', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index('ix_quarantine_device_seq', ['device_id', 'local_seq'], unique=False)

    op.create_table('rules',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('toml', sa.Text(), nullable=False),
    sa.Column('published_at', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_table('stores',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    # the one row every write transaction locks to reserve feed sequence numbers (commit order = seq order)
    op.execute("INSERT INTO feed_counter (id, value) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table('stores')
    op.drop_table('rules')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index('ix_quarantine_device_seq')

    op.drop_table('quarantine')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_hq_members_phone')

    op.drop_table('members')
    op.drop_table('hq_settings')
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_index('ix_flags_subject')

    op.drop_table('flags')
    op.drop_table('feed_counter')
    with op.batch_alter_table('entries', schema=None) as batch_op:
        batch_op.drop_index('ix_entries_time')
        batch_op.drop_index('ix_entries_member')

    op.drop_table('entries')
    op.drop_table('enrol_codes')
    op.drop_table('devices')
    op.drop_table('changes')
    op.drop_table('cards')
