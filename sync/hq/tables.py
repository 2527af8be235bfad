"""HQ's tables (SQLAlchemy Core), the same on PostgreSQL and SQLite. Alembic (sync/hq/migrations) owns the
schema; this module mirrors head.

Feed: `entries` and `changes` share one sequence, `feed_counter.value`, reserved under that row's lock by
every write transaction (see sync.protocol), so `seq` order is commit order.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

hq_settings = Table(
    "hq_settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

feed_counter = Table(
    "feed_counter", metadata,
    Column("id", Integer, primary_key=True),
    Column("value", BigInteger, nullable=False),
)

stores = Table(
    "stores", metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", String(64), nullable=False),
    # migration 0010: HQ granted this store its own rules (else `pos-member rules apply` is refused there)
    Column("local_rules", Boolean, nullable=False, server_default=false()),
    Column("local_rules_changed_at", String(64), nullable=True),
    Column("local_rules_changed_by", String(200), nullable=True),
)

enrol_codes = Table(
    "enrol_codes", metadata,
    Column("code_hash", String(64), primary_key=True),  # sha256 of the code; the code itself is never kept
    Column("store_code", String(16), nullable=False),
    Column("created_at", String(64), nullable=False),
    Column("expires_at", String(64), nullable=False),
    Column("used_at", String(64), nullable=True),
    Column("used_by", String(36), nullable=True),
)

devices = Table(
    "devices", metadata,
    Column("device_id", String(36), primary_key=True),
    Column("store_code", String(16), nullable=False),
    Column("device_no", Integer, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("enrolled_at", String(64), nullable=False),
    Column("revoked_at", String(64), nullable=True),
    Column("contiguous_through", BigInteger, nullable=False, server_default="0"),
    Column("last_seen", String(64), nullable=True),
    # migration 0010: the rules in force the till last confirmed (its own version number, HQ's version if
    # the rules in force came from HQ, the label) and when
    Column("rules_version", Integer, nullable=True),
    Column("rules_hq_version", Integer, nullable=True),
    Column("rules_label", String(200), nullable=True),
    Column("rules_confirmed_at", String(64), nullable=True),
)

members = Table(
    "members", metadata,
    Column("uuid", String(36), primary_key=True),
    Column("member_no", String(36), nullable=False),
    Column("home_store", String(36), nullable=False),
    Column("name", String(200), nullable=False),
    Column("phone", String(36), nullable=True),  # not unique at HQ: two stores may register one phone offline
    Column("birthday", String(36), nullable=True),
    Column("tier_code", String(36), nullable=False),
    Column("tier_reached_on", String(36), nullable=True),
    Column("status", String(36), nullable=False),
    Column("created_at", String(64), nullable=False),
    Column("updated_at", String(64), nullable=False),
    # chain balances: always the sum of this member's entries (the fault tests prove it)
    Column("points", BigInteger, nullable=False, server_default="0"),
    Column("stored_paid_fen", BigInteger, nullable=False, server_default="0"),
    Column("stored_bonus_fen", BigInteger, nullable=False, server_default="0"),
    # migration 0002: set when HQ merged this member into another (status 'merged'); its row and ledger stay
    Column("merged_into", String(36), nullable=True),
    Column("changed_by", String(36), nullable=True),  # the device whose snapshot HQ applied last
    Column("anonymised_by", String(36), nullable=True),  # the device that anonymised the member
)
Index("ix_hq_members_phone", members.c.phone)
Index("ix_hq_members_member_no", members.c.member_no)  # migration 0003: identity checks, enrolment numbering
Index("ix_hq_members_home_tier", members.c.home_store, members.c.tier_code, members.c.status)  # 0010: report

cards = Table(
    "cards", metadata,
    Column("card_no", String(36), primary_key=True),
    Column("member_uuid", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("card_type", String(36), nullable=False),
    Column("status", String(16), nullable=False),
    Column("issued_at", String(64), nullable=False),
    Column("expires_on", String(36), nullable=True),
    Column("replaced_by", String(36), nullable=True),
    Column("updated_at", String(64), nullable=False),
)

entries = Table(
    "entries", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entry_id", String(36), nullable=False, unique=True),
    Column("device_id", String(36), nullable=False),
    Column("local_seq", BigInteger, nullable=False),
    Column("store_code", String(16), nullable=False),
    Column("member_uuid", String(36), nullable=False),
    Column("account", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("delta", BigInteger, nullable=False),
    Column("staff_id", Integer, nullable=True),
    Column("sale_id", String(36), nullable=True),
    Column("ref_id", String(36), nullable=True),
    Column("rules_version", Integer, nullable=False),
    Column("business_time", String(64), nullable=False),
    Column("note", Text, nullable=True),
    Column("expires_on", String(36), nullable=True),
    Column("payload_hash", String(64), nullable=False),
    Column("received_at", String(64), nullable=False),
    UniqueConstraint("device_id", "local_seq", name="uq_entries_device_seq"),
)
Index("ix_entries_member", entries.c.member_uuid)
Index("ix_entries_time", entries.c.business_time)

# Member, card and rules changes in the feed (entries are fed from their own table, same sequence).
changes = Table(
    "changes", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),  # member | card | rules
    Column("key", String(64), nullable=False),
    Column("origin_device", String(36), nullable=True),  # not fed back to it; NULL = everyone (HQ's own)
    Column("data", Text, nullable=False),  # JSON
)

quarantine = Table(
    "quarantine", metadata,
    Column("id", Integer, primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("entry_id", String(64), nullable=False),
    Column("local_seq", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", String(64), nullable=False),
)
Index("ix_quarantine_device_seq", quarantine.c.device_id, quarantine.c.local_seq)

flags = Table(
    "flags", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),  # sync.hq.flags.KINDS
    Column("subject", Text, nullable=False),  # members sharing a phone: as many UUIDs as there are
    Column("detail", Text, nullable=False),  # the latest figures (JSON)
    Column("created_at", String(64), nullable=False),
    Column("resolved_at", String(64), nullable=True),  # closed (resolved or dismissed) at; NULL while open
    # migration 0010 (sync.hq.flags): one open flag per (kind, subject), its history in flag_events
    Column("status", String(16), nullable=False, server_default="open"),  # open | resolved | dismissed
    Column("store_code", String(16), nullable=True),
    Column("updated_at", String(64), nullable=True),
    Column("times_raised", Integer, nullable=False, server_default="1"),
    Column("closed_by", String(200), nullable=True),
    Column("note", Text, nullable=True),
)
Index("ix_flags_subject", flags.c.kind, flags.c.subject)

flag_events = Table(
    "flag_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("flag_id", Integer, nullable=False),
    Column("at", String(64), nullable=False),
    Column("event", String(16), nullable=False),  # raised | updated | resolved | dismissed
    Column("figures", Text, nullable=False),  # JSON
    Column("operator", String(200), nullable=True),
    Column("note", Text, nullable=True),
)
Index("ix_flag_events_flag", flag_events.c.flag_id, flag_events.c.id)

rules = Table(
    "rules", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("label", String(200), nullable=False),
    Column("toml", Text, nullable=False),
    Column("published_at", String(64), nullable=False),
)

# migration 0004: HQ's nightly jobs, once per job and date for the whole chain (see sync.hq.jobs)
job_runs = Table(
    "job_runs", metadata,
    Column("job", String(32), primary_key=True),
    Column("run_date", String(10), primary_key=True),
    Column("ran_at", String(64), nullable=False),
    Column("result", Text, nullable=False),
)

# migration 0004: every till's sales as the spend they qualify for tiers with (fen paid less refunds)
member_sales = Table(
    "member_sales", metadata,
    Column("sale_id", String(36), primary_key=True),
    Column("member_uuid", String(36), nullable=False),
    Column("store_code", String(16), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("business_time", String(64), nullable=False),
    Column("qualifying_fen", BigInteger, nullable=False),
    Column("updated_at", String(64), nullable=False),
)
Index("ix_member_sales_member", member_sales.c.member_uuid, member_sales.c.business_time)
# migration 0006: per device, the last audit head (row id and hash of the till's audit log) HQ accepted
audit_heads = Table(
    "audit_heads", metadata,
    Column("device_id", String(36), primary_key=True),
    Column("store_code", String(16), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("received_at", String(64), nullable=False),
)

# migration 0007 (issue 11): the chain's sales, refunds, coupons, campaigns, top-ups and card fees, each stored
# once as the till wrote it (payload_hash tells a re-push from a conflict); see sync.hq.documents
sales = Table(
    "sales", metadata,
    Column("sale_id", String(36), primary_key=True),
    Column("receipt_no", String(36), nullable=True),
    Column("store_code", String(16), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("member_uuid", String(36), nullable=False),
    Column("card_no", String(36), nullable=True),
    Column("business_time", String(64), nullable=False),
    Column("day", String(10), nullable=False),  # the till's own date of business_time
    Column("rules_version", Integer, nullable=False),
    Column("tier_code", String(36), nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("discount_fen", BigInteger, nullable=False),
    Column("coupon_code", String(36), nullable=True),
    Column("coupon_fen", BigInteger, nullable=False),
    Column("points_redeemed", BigInteger, nullable=False),
    Column("points_cash_fen", BigInteger, nullable=False),
    Column("stored_paid_fen", BigInteger, nullable=False),
    Column("stored_bonus_fen", BigInteger, nullable=False),
    Column("payable_fen", BigInteger, nullable=False),
    Column("points_earned", BigInteger, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("received_at", String(64), nullable=False),
)
Index("ix_sales_receipt_no", sales.c.receipt_no)
Index("ix_sales_store_day", sales.c.store_code, sales.c.day)

sale_lines = Table(
    "sale_lines", metadata,
    Column("sale_id", String(36), primary_key=True),
    Column("line_no", Integer, primary_key=True, autoincrement=False),
    Column("category", String(36), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("discount_fen", BigInteger, nullable=False),
    Column("coupon_fen", BigInteger, nullable=False),
    Column("points_cash_fen", BigInteger, nullable=False),
    Column("points_redeemed", BigInteger, nullable=False),
    Column("stored_paid_fen", BigInteger, nullable=False),
    Column("stored_bonus_fen", BigInteger, nullable=False),
    Column("points_earned", BigInteger, nullable=False),
)

refunds = Table(
    "refunds", metadata,
    Column("refund_id", String(36), primary_key=True),
    Column("sale_id", String(36), nullable=False),
    Column("store_code", String(16), nullable=False),  # where the refund happened
    Column("device_id", String(36), nullable=False),
    Column("business_time", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("cash_refund_fen", BigInteger, nullable=False),
    Column("points_reversed", BigInteger, nullable=False),
    Column("points_restored", BigInteger, nullable=False),
    Column("stored_paid_restored_fen", BigInteger, nullable=False),
    Column("stored_bonus_restored_fen", BigInteger, nullable=False),
    Column("clawback_points", BigInteger, nullable=False),
    Column("clawback_fen", BigInteger, nullable=False),
    Column("negative_points", BigInteger, nullable=False),
    Column("coupon_restored", String(36), nullable=True),
    Column("payload_hash", String(64), nullable=False),
    Column("received_at", String(64), nullable=False),
)
Index("ix_refunds_sale", refunds.c.sale_id)

refund_lines = Table(
    "refund_lines", metadata,
    Column("refund_id", String(36), primary_key=True),
    Column("line_no", Integer, primary_key=True, autoincrement=False),
    Column("sale_id", String(36), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("cash_fen", BigInteger, nullable=False),
    Column("points_reversed", BigInteger, nullable=False),
    Column("points_restored", BigInteger, nullable=False),
    Column("stored_paid_fen", BigInteger, nullable=False),
    Column("stored_bonus_fen", BigInteger, nullable=False),
)
Index("ix_refund_lines_sale", refund_lines.c.sale_id)

campaigns = Table(
    "campaigns", metadata,
    Column("campaign_key", String(64), primary_key=True),  # device_id:the till's campaign id
    Column("store_code", String(16), nullable=False),
    Column("template", String(36), nullable=False),
    Column("segment", Text, nullable=False),
    Column("issued_count", Integer, nullable=False),
    Column("created_at", String(64), nullable=False),
    Column("payload_hash", String(64), nullable=False),
)

coupons = Table(
    "coupons", metadata,
    Column("code", String(36), primary_key=True),
    Column("member_uuid", String(36), nullable=False),
    Column("store_code", String(16), nullable=False),  # where it was issued
    Column("device_id", String(36), nullable=False),
    Column("campaign_key", String(64), nullable=True),
    Column("template", String(36), nullable=False),
    Column("kind", String(36), nullable=False),
    Column("name", String(200), nullable=False),
    Column("amount_off_fen", BigInteger, nullable=False),
    Column("min_spend_fen", BigInteger, nullable=False),
    Column("percent_off", Integer, nullable=False),
    Column("max_off_fen", BigInteger, nullable=False),
    Column("valid_from", String(36), nullable=False),
    Column("valid_to", String(36), nullable=False),
    Column("issued_at", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # issued | used (HQ's view: some till used it)
    Column("used_sale_id", String(36), nullable=True),
    Column("used_at", String(64), nullable=True),
    Column("payload_hash", String(64), nullable=False),
)
Index("ix_hq_coupons_campaign", coupons.c.campaign_key)

# every use of a coupon HQ has heard of (a sale naming it); a second live use is flagged coupon_double_use
coupon_uses = Table(
    "coupon_uses", metadata,
    Column("sale_id", String(36), primary_key=True),
    Column("code", String(36), nullable=False),
    Column("store_code", String(16), nullable=False),
    Column("used_at", String(64), nullable=False),
    Column("released_by", String(36), nullable=True),  # the refund that gave the coupon back
)
Index("ix_coupon_uses_code", coupon_uses.c.code)

topups = Table(
    "topups", metadata,
    Column("topup_id", String(36), primary_key=True),
    Column("store_code", String(16), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("member_uuid", String(36), nullable=False),
    Column("business_time", String(64), nullable=False),
    Column("paid_fen", BigInteger, nullable=False),
    Column("bonus_fen", BigInteger, nullable=False),
    Column("payload_hash", String(64), nullable=False),
)

card_fees = Table(
    "card_fees", metadata,
    Column("fee_key", String(64), primary_key=True),  # device_id:the till's fee row id
    Column("store_code", String(16), nullable=False),
    Column("member_uuid", String(36), nullable=False),
    Column("card_no", String(36), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("fee_fen", BigInteger, nullable=False),
    Column("business_time", String(64), nullable=False),
    Column("payload_hash", String(64), nullable=False),
)

# the sales report's roll-up, kept in the push's transaction: per store and day (the till's date)
daily_sales = Table(
    "daily_sales", metadata,
    Column("store_code", String(16), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("sales_count", BigInteger, nullable=False, server_default="0"),
    Column("sales_fen", BigInteger, nullable=False, server_default="0"),
    Column("discount_fen", BigInteger, nullable=False, server_default="0"),
    Column("coupon_fen", BigInteger, nullable=False, server_default="0"),
    Column("payable_fen", BigInteger, nullable=False, server_default="0"),
    Column("refunds_count", BigInteger, nullable=False, server_default="0"),
    Column("refunds_fen", BigInteger, nullable=False, server_default="0"),
    Column("refunds_cash_fen", BigInteger, nullable=False, server_default="0"),
)

# migration 0008: spending holds, one per sale in progress at a till (see sync.hq.holds)
holds = Table(
    "holds", metadata,
    Column("sale_id", String(36), primary_key=True),
    Column("member_uuid", String(36), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("store_code", String(16), nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("stored_fen", BigInteger, nullable=False),  # paid + bonus
    Column("coupon_code", String(64), nullable=True),
    Column("status", String(16), nullable=False),  # open | settled | released (an open one past expiry lapsed)
    Column("created_at", String(64), nullable=False),
    Column("expires_ms", BigInteger, nullable=False),  # epoch milliseconds, HQ's clock
    Column("closed_at", String(64), nullable=True),
)
Index("ix_holds_member_open", holds.c.member_uuid, holds.c.status)
Index("ix_holds_coupon", holds.c.coupon_code)

# migration 0009: inter-store settlement (sync.hq.settle_lots, sync.hq.settle_rates, sync.hq.report_settlement)
# The rate each issuing store is paid at, by the date it applies from; store_code '*' is the chain default.
settlement_rates = Table(
    "settlement_rates", metadata,
    Column("store_code", String(16), primary_key=True),
    Column("valid_from", String(10), primary_key=True),
    Column("fen_per_100_points", Integer, nullable=False),
    Column("set_at", String(64), nullable=False),
)

# One row: the feed seq through which entries have been attributed, and the next lot id to hand out.
settle_state = Table(
    "settle_state", metadata,
    Column("id", Integer, primary_key=True),
    Column("through_seq", BigInteger, nullable=False),
    Column("next_lot_id", BigInteger, nullable=False),
)

# A member's lots per account (points, stored_paid, stored_bonus): who issued them, when, what is left.
settle_lots = Table(
    "settle_lots", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_uuid", String(36), nullable=False),
    Column("account", String(16), nullable=False),
    Column("issuer", String(16), nullable=True),  # NULL: points no store issued (an overdraft moved by a merge)
    Column("issued_on", String(10), nullable=False),
    Column("sale_id", String(36), nullable=True),  # the sale an earn lot came from (a refund's reversal)
    Column("rate", Integer, nullable=False),  # fen per 100, fixed when the lot is issued (stored value: 100)
    Column("remaining", BigInteger, nullable=False),
)
Index("ix_settle_lots_member", settle_lots.c.member_uuid, settle_lots.c.account, settle_lots.c.remaining)
Index("ix_settle_lots_sale", settle_lots.c.sale_id)

# What a sale's redemption or stored-value spend took from which lot (and has not been refunded yet).
settle_takes = Table(
    "settle_takes", metadata,
    Column("sale_id", String(36), primary_key=True),
    Column("account", String(16), primary_key=True),
    Column("lot_id", BigInteger, primary_key=True, autoincrement=False),
    Column("amount", BigInteger, nullable=False),
)

# Consumption no lot covered (a balance overdrawn offline): the store that consumed (NULL: an expiry or a
# correction), filled by the member's next lots.
settle_deficits = Table(
    "settle_deficits", metadata,
    Column("member_uuid", String(36), primary_key=True),
    Column("account", String(16), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("store_code", String(16), nullable=True),
    Column("sale_id", String(36), nullable=True),
    Column("amount", BigInteger, nullable=False),
)

# The daily roll-up the statement reads: amount consumed at `redeemer` from lots `issuer` issued ('' = no
# lot covered it), at `rate` fen per 100 (100 for stored value: face value).
settle_daily = Table(
    "settle_daily", metadata,
    Column("day", String(10), primary_key=True),
    Column("account", String(16), primary_key=True),
    Column("issuer", String(16), primary_key=True),
    Column("redeemer", String(16), primary_key=True),
    Column("rate", Integer, primary_key=True, autoincrement=False),
    Column("amount", BigInteger, nullable=False),
)

# The ledger side of the statement's check: the entries' sums per day, store, account and kind.
settle_ledger_daily = Table(
    "settle_ledger_daily", metadata,
    Column("day", String(10), primary_key=True),
    Column("store_code", String(16), primary_key=True),
    Column("account", String(16), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("total", BigInteger, nullable=False),
)


# migration 0010: daily roll-ups of the ledger behind `pos-hq report points|liability`, kept by sync.hq.rollups
# in the transaction that inserts the entries (by the store that recorded the entry; by the member's home
# store). `day` is the business date as recorded (the till's local date).
ledger_daily = Table(
    "ledger_daily", metadata,
    Column("day", String(10), nullable=False),
    Column("store_code", String(16), nullable=False),
    Column("account", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("delta", BigInteger, nullable=False),
    Column("entries", BigInteger, nullable=False),
    PrimaryKeyConstraint("day", "store_code", "account", "kind"),
)
liability_daily = Table(
    "liability_daily", metadata,
    Column("day", String(10), nullable=False),
    Column("home_store", String(16), nullable=False),
    Column("account", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("delta", BigInteger, nullable=False),
    Column("entries", BigInteger, nullable=False),
    PrimaryKeyConstraint("day", "home_store", "account", "kind"),
)
