"""The store database's tables (SQLAlchemy Core). Alembic migrations in storage/migrations own the schema;
this module mirrors head so queries are typed. Ledger, sales, refunds and audit rows are never updated."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

settings = Table(
    "settings", metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

# Gap-free counters (local_seq, card and member sequences): read and bumped inside the writing transaction,
# so a rollback returns the number and no gap appears.
counters = Table(
    "counters", metadata,
    Column("name", String, primary_key=True),
    Column("value", Integer, nullable=False),
)

staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False),  # cashier | manager | system
    Column("pin_hash", String, nullable=True),  # argon2; NULL for the system account
    Column("active", Integer, nullable=False, server_default="1"),
    Column("created_at", String, nullable=False),
)

# migration 0005: wrong staff PINs in a row at this till and the wait they earned (one row, id 1)
signin_lockout = Table(
    "signin_lockout", metadata,
    Column("id", Integer, primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("rounds", Integer, nullable=False, server_default="0"),
    Column("locked_until", Integer, nullable=False, server_default="0"),
    Column("wait_s", Integer, nullable=False, server_default="0"),
)

rules_versions = Table(
    "rules_versions", metadata,
    Column("version", Integer, primary_key=True),
    Column("label", String, nullable=False),
    Column("toml", Text, nullable=False),
    Column("applied_at", String, nullable=False),
    Column("applied_by", Integer, ForeignKey("staff.id"), nullable=True),
)

members = Table(
    "members", metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("member_no", String, nullable=False, unique=True),
    Column("home_store", String, nullable=False),
    Column("name", String, nullable=False),
    Column("phone", String, nullable=True),  # NULL once anonymised
    Column("birthday", String, nullable=True),
    Column("referrer_id", Integer, ForeignKey("members.id"), nullable=True),
    Column("tier_code", String, nullable=False),
    # cached balances: always equal to the sum of this member's ledger entries (`verify` proves it)
    Column("points", Integer, nullable=False, server_default="0"),
    Column("stored_paid_fen", Integer, nullable=False, server_default="0"),
    Column("stored_bonus_fen", Integer, nullable=False, server_default="0"),
    Column("total_spend_fen", Integer, nullable=False, server_default="0"),
    Column("status", String, nullable=False, server_default="active"),  # active | anonymised
    Column("created_at", String, nullable=False),
    Column("updated_at", String, nullable=False),
    Column("tier_reached_on", String, nullable=True),  # when the tier was reached or last re-qualified for
    # migration 0004: the uuid of the member HQ merged this one into (status 'merged'); lookups follow it
    Column("merged_into", String(36), nullable=True),
)
Index("ix_members_phone", members.c.phone, unique=True, sqlite_where=members.c.phone.isnot(None))

cards = Table(
    "cards", metadata,
    Column("card_no", String, primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("card_type", String, nullable=False),
    Column("status", String, nullable=False),  # active | lost | frozen | replaced
    Column("issued_at", String, nullable=False),
    Column("expires_on", String, nullable=True),  # YYYY-MM-DD, last valid day; NULL = never
    Column("replaced_by", String, nullable=True),
    Column("updated_at", String, nullable=False),
)
Index("ix_cards_member", cards.c.member_id)

sales = Table(
    "sales", metadata,
    Column("id", Integer, primary_key=True),
    Column("sale_id", String(36), nullable=False, unique=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("card_no", String, nullable=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("rules_version", Integer, nullable=False),
    Column("business_time", String, nullable=False),
    Column("tier_code", String, nullable=False),
    Column("total_fen", Integer, nullable=False),
    Column("discount_fen", Integer, nullable=False),
    Column("points_redeemed", Integer, nullable=False),
    Column("points_cash_fen", Integer, nullable=False),
    Column("stored_paid_fen", Integer, nullable=False),
    Column("stored_bonus_fen", Integer, nullable=False),
    Column("payable_fen", Integer, nullable=False),
    Column("points_earned", Integer, nullable=False),
    Column("coupon_code", String, nullable=True),
    Column("coupon_fen", Integer, nullable=False, server_default="0"),
    # migration 0009: the receipt's short number (unique in the chain); the device that made the sale when it
    # is another till's, fetched from HQ to be refunded here (NULL: this till's own)
    Column("receipt_no", String, nullable=True),
    Column("origin_device", String(36), nullable=True),
)
Index("ix_sales_member", sales.c.member_id)
Index("ix_sales_receipt_no", sales.c.receipt_no)

sale_lines = Table(
    "sale_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("sale_id", String(36), ForeignKey("sales.sale_id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("category", String, nullable=False),
    Column("amount_fen", Integer, nullable=False),
    # the line's share of the sale's discount, coupon, points and stored value, and the points it earned
    Column("discount_fen", Integer, nullable=False, server_default="0"),
    Column("coupon_fen", Integer, nullable=False, server_default="0"),
    Column("points_cash_fen", Integer, nullable=False, server_default="0"),
    Column("points_redeemed", Integer, nullable=False, server_default="0"),
    Column("stored_paid_fen", Integer, nullable=False, server_default="0"),
    Column("stored_bonus_fen", Integer, nullable=False, server_default="0"),
    Column("points_earned", Integer, nullable=False, server_default="0"),
    UniqueConstraint("sale_id", "line_no"),
)

refunds = Table(
    "refunds", metadata,
    Column("id", Integer, primary_key=True),
    Column("refund_id", String(36), nullable=False, unique=True),
    Column("sale_id", String(36), ForeignKey("sales.sale_id"), nullable=False),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("approved_by", Integer, ForeignKey("staff.id"), nullable=True),
    Column("business_time", String, nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("cash_refund_fen", Integer, nullable=False),
    Column("points_reversed", Integer, nullable=False),
    Column("points_restored", Integer, nullable=False),
    Column("stored_paid_restored_fen", Integer, nullable=False),
    Column("stored_bonus_restored_fen", Integer, nullable=False),
    Column("clawback_points", Integer, nullable=False),
    Column("clawback_fen", Integer, nullable=False),
    Column("negative_points", Integer, nullable=False),
    Column("origin_device", String(36), nullable=True),  # migration 0009: a refund made at another till (from HQ)
)
Index("ix_refunds_sale", refunds.c.sale_id)

topups = Table(
    "topups", metadata,
    Column("id", Integer, primary_key=True),
    Column("topup_id", String(36), nullable=False, unique=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("business_time", String, nullable=False),
    Column("paid_fen", Integer, nullable=False),
    Column("bonus_fen", Integer, nullable=False),
)

card_fees = Table(
    "card_fees", metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("card_no", String, nullable=False),
    Column("kind", String, nullable=False),  # issue | renew
    Column("fee_fen", Integer, nullable=False),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("business_time", String, nullable=False),
)

tier_changes = Table(
    "tier_changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("from_tier", String, nullable=True),
    Column("to_tier", String, nullable=False),
    Column("reason", String, nullable=False),
    Column("business_time", String, nullable=False),
)
Index("ix_tier_changes_member", tier_changes.c.member_id)

ledger = Table(
    "ledger", metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", String(36), nullable=False, unique=True),
    Column("device_id", String(36), nullable=False),
    Column("local_seq", Integer, nullable=False),
    Column("store_code", String, nullable=False),
    Column("staff_id", Integer, nullable=True),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("account", String, nullable=False),  # points | stored_paid | stored_bonus
    # earn, redeem, reverse, expire, adjust, topup, bonus, spend, refund, transfer
    Column("kind", String, nullable=False),
    Column("delta", Integer, nullable=False),
    Column("sale_id", String(36), nullable=True),  # the sale it belongs to (refund entries: the original sale)
    Column("ref_id", String(36), nullable=True),  # the document that wrote it: sale, refund or top-up id
    Column("rules_version", Integer, nullable=False),
    Column("business_time", String, nullable=False),
    Column("note", String, nullable=True),
    Column("expires_on", String, nullable=True),  # lots: first day these points are no longer valid
    UniqueConstraint("device_id", "local_seq", name="uq_ledger_device_seq"),
)
Index("ix_ledger_kind_time", ledger.c.kind, ledger.c.business_time)
Index("ix_ledger_member", ledger.c.member_id, ledger.c.id)
Index("ix_ledger_sale", ledger.c.sale_id)

# Append-only, hash-chained: hash = sha256(prev_hash + canonical row); editing any row breaks the chain.
audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String, nullable=False),
    Column("staff_id", Integer, nullable=True),
    Column("approved_by", Integer, nullable=True),
    Column("action", String, nullable=False),
    Column("subject", String, nullable=True),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

refund_lines = Table(
    "refund_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("refund_id", String(36), ForeignKey("refunds.refund_id"), nullable=False),
    Column("sale_id", String(36), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("cash_fen", Integer, nullable=False),
    Column("points_reversed", Integer, nullable=False),
    Column("points_restored", Integer, nullable=False),
    Column("stored_paid_fen", Integer, nullable=False),
    Column("stored_bonus_fen", Integer, nullable=False),
)
Index("ix_refund_lines_sale", refund_lines.c.sale_id, refund_lines.c.line_no)

campaigns = Table(
    "campaigns", metadata,
    Column("id", Integer, primary_key=True),
    Column("template", String, nullable=False),
    Column("segment", Text, nullable=False),
    Column("issued_count", Integer, nullable=False),
    Column("staff_id", Integer, nullable=True),
    Column("created_at", String, nullable=False),
)

# A coupon copies its template's terms when issued: new rules never change a coupon already in a wallet.
coupons = Table(
    "coupons", metadata,
    Column("code", String, primary_key=True),
    Column("template", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("name", String, nullable=False),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=True),
    Column("issue_key", String, nullable=True, unique=True),
    Column("amount_off_fen", Integer, nullable=False),
    Column("min_spend_fen", Integer, nullable=False),
    Column("percent_off", Integer, nullable=False),
    Column("max_off_fen", Integer, nullable=False),
    Column("valid_from", String, nullable=False),
    Column("valid_to", String, nullable=False),
    Column("status", String, nullable=False),
    Column("issued_at", String, nullable=False),
    Column("used_at", String, nullable=True),
    Column("used_sale_id", String(36), nullable=True),
)
Index("ix_coupons_member", coupons.c.member_id)
Index("ix_coupons_campaign", coupons.c.campaign_id)

rewards = Table(
    "rewards", metadata,
    Column("id", Integer, primary_key=True),
    Column("reward_key", String, nullable=False, unique=True),
    Column("kind", String, nullable=False),
    Column("member_id", Integer, ForeignKey("members.id"), nullable=False),
    Column("points", Integer, nullable=False),
    Column("business_time", String, nullable=False),
)

job_runs = Table(
    "job_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("job", String, nullable=False),
    Column("run_date", String, nullable=False),
    Column("ran_at", String, nullable=False),
    Column("result", Text, nullable=False),
)

# HQ sync (migration 0003). The ledger is the entry outbox; these hold the rest of the sync state.
sync_state = Table(
    "sync_state", metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

# Member and card changes and documents waiting for HQ, filled by triggers (migrations 0003 and 0009).
sync_outbox = Table(
    "sync_outbox", metadata,
    Column("kind", String, primary_key=True),  # member | card | a document kind (sale_doc, refund, coupon...)
    Column("key", String, primary_key=True),  # member uuid | card number | the document's id
    Column("version", Integer, nullable=False, server_default="1"),
    sqlite_with_rowid=False,  # migration 0010: one B-tree clustered on (kind, key), one page per queued row
)

# This device's entries HQ rejected (kept at HQ in quarantine; listed here for the sync panel).
# migration 0006: rows of HQ's change feed this till could not apply, set aside so the page goes on
pull_quarantine = Table(
    "pull_quarantine", metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("key", String, nullable=False),
    Column("reason", String, nullable=False),
    Column("params", Text, nullable=False),
    Column("data", Text, nullable=False),
    Column("at", String, nullable=False),
    UniqueConstraint("kind", "key", "seq", name="uq_pull_quarantine_row"),
)

sync_rejections = Table(
    "sync_rejections", metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("local_seq", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String, nullable=False),
)
