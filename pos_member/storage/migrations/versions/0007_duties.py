"""Sales travel to HQ as qualifying spend: a 'sale' row in the sync outbox for each sale and refund

Revision ID: 0007
Revises: 0005

HQ evaluates tiers for every enrolled store (sync.hq.jobs), counting the spend of every till in the chain; a
till sends each sale, and again after each refund, as a `sale` record (sync.protocol.SaleRecord). Sales a
till recorded before this version are queued once, so an enrolled store's history reaches HQ.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_QUIET = "NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'applying_pull')"
_BUMP = ("INSERT INTO sync_outbox (kind, key) VALUES ('sale', {key}) "
         "ON CONFLICT (kind, key) DO UPDATE SET version = version + 1;")
TRIGGERS = {
    "sync_sale_insert": f"""CREATE TRIGGER sync_sale_insert AFTER INSERT ON sales WHEN {_QUIET}
        BEGIN {_BUMP.format(key='NEW.sale_id')} END""",
    "sync_refund_insert": f"""CREATE TRIGGER sync_refund_insert AFTER INSERT ON refunds WHEN {_QUIET}
        BEGIN {_BUMP.format(key='NEW.sale_id')} END""",
}


def upgrade() -> None:
    op.execute("INSERT INTO sync_outbox (kind, key) SELECT 'sale', sale_id FROM sales WHERE member_id IS NOT NULL "
               "ON CONFLICT (kind, key) DO NOTHING")
    for name, sql in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DELETE FROM sync_outbox WHERE kind = 'sale'")
