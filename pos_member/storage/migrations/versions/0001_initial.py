"""initial store schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 07:24:51.350580
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('subject', sa.String(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('counters',
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('member_no', sa.String(), nullable=False),
    sa.Column('home_store', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('phone', sa.String(), nullable=True),
    sa.Column('birthday', sa.String(), nullable=True),
    sa.Column('referrer_id', sa.Integer(), nullable=True),
    sa.Column('tier_code', sa.String(), nullable=False),
    sa.Column('points', sa.Integer(), server_default='0', nullable=False),
    sa.Column('stored_paid_fen', sa.Integer(), server_default='0', nullable=False),
    sa.Column('stored_bonus_fen', sa.Integer(), server_default='0', nullable=False),
    sa.Column('total_spend_fen', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.String(), server_default='active', nullable=False),
    sa.Column('created_at', sa.String(), nullable=False),
    sa.Column('updated_at', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['referrer_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('member_no'),
    sa.UniqueConstraint('uuid')
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_members_phone', ['phone'], unique=True, sqlite_where=sa.text('phone IS NOT NULL'))

    op.create_table('settings',
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('role', sa.String(), nullable=False),
    sa.Column('pin_hash', sa.String(), nullable=True),
    sa.Column('active', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('card_fees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('card_no', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('fee_fen', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('business_time', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('cards',
    sa.Column('card_no', sa.String(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('card_type', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('issued_at', sa.String(), nullable=False),
    sa.Column('expires_on', sa.String(), nullable=True),
    sa.Column('replaced_by', sa.String(), nullable=True),
    sa.Column('updated_at', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('card_no')
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index('ix_cards_member', ['member_id'], unique=False)

    op.create_table('ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('local_seq', sa.Integer(), nullable=False),
    sa.Column('store_code', sa.String(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.String(length=36), nullable=True),
    sa.Column('ref_id', sa.String(length=36), nullable=True),
    sa.Column('rules_version', sa.Integer(), nullable=False),
    sa.Column('business_time', sa.String(), nullable=False),
    sa.Column('note', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('device_id', 'local_seq', name='uq_ledger_device_seq'),
    sa.UniqueConstraint('entry_id')
    )
    with op.batch_alter_table('ledger', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_member', ['member_id', 'id'], unique=False)
        batch_op.create_index('ix_ledger_sale', ['sale_id'], unique=False)

    op.create_table('rules_versions',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(), nullable=False),
    sa.Column('toml', sa.Text(), nullable=False),
    sa.Column('applied_at', sa.String(), nullable=False),
    sa.Column('applied_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['applied_by'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_table('sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('card_no', sa.String(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('rules_version', sa.Integer(), nullable=False),
    sa.Column('business_time', sa.String(), nullable=False),
    sa.Column('tier_code', sa.String(), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.Column('discount_fen', sa.Integer(), nullable=False),
    sa.Column('points_redeemed', sa.Integer(), nullable=False),
    sa.Column('points_cash_fen', sa.Integer(), nullable=False),
    sa.Column('stored_paid_fen', sa.Integer(), nullable=False),
    sa.Column('stored_bonus_fen', sa.Integer(), nullable=False),
    sa.Column('payable_fen', sa.Integer(), nullable=False),
    sa.Column('points_earned', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sale_id')
    )
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.create_index('ix_sales_member', ['member_id'], unique=False)

    op.create_table('tier_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('from_tier', sa.String(), nullable=True),
    sa.Column('to_tier', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('business_time', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.create_index('ix_tier_changes_member', ['member_id'], unique=False)

    op.create_table('topups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topup_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('business_time', sa.String(), nullable=False),
    sa.Column('paid_fen', sa.Integer(), nullable=False),
    sa.Column('bonus_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('topup_id')
    )
    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.String(length=36), nullable=False),
    sa.Column('sale_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('business_time', sa.String(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('cash_refund_fen', sa.Integer(), nullable=False),
    sa.Column('points_reversed', sa.Integer(), nullable=False),
    sa.Column('points_restored', sa.Integer(), nullable=False),
    sa.Column('stored_paid_restored_fen', sa.Integer(), nullable=False),
    sa.Column('stored_bonus_restored_fen', sa.Integer(), nullable=False),
    sa.Column('clawback_points', sa.Integer(), nullable=False),
    sa.Column('clawback_fen', sa.Integer(), nullable=False),
    sa.Column('negative_points', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.sale_id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('refund_id')
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_sale', ['sale_id'], unique=False)

    op.create_table('sale_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.String(length=36), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.sale_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sale_id', 'line_no')
    )


def downgrade() -> None:
    op.drop_table('sale_lines')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_sale')

    op.drop_table('refunds')
    op.drop_table('topups')
    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_tier_changes_member')

    op.drop_table('tier_changes')
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_member')

    op.drop_table('sales')
    op.drop_table('rules_versions')
    with op.batch_alter_table('ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_sale')
        batch_op.drop_index('ix_ledger_member')

    op.drop_table('ledger')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('ix_cards_member')

    op.drop_table('cards')
    op.drop_table('card_fees')
    op.drop_table('staff')
    op.drop_table('settings')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_phone', sqlite_where=sa.text('phone IS NOT NULL'))

    op.drop_table('members')
    op.drop_table('counters')
    op.drop_table('audit')
