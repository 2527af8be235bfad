"""A compact rules document for loyalty tests; each test fills in the parts it is about."""

BASE = """
label = "{label}"
[earning]
fen_per_point = 100
birthday_month_multiplier_percent = {birthday}
{earning_extra}
[redemption]
points_per_yuan = 100
max_bill_percent = 50
[expiry]
{expiry}
[tier_qualification]
{qualification}
[refunds]
manager_pin_above_fen = 1000000
[limits]
max_sale_fen = 10000000
max_topup_fen = 5000000
[risk]
max_redeem_points_per_member_day = {member_cap}
max_redeem_points_per_store_day = {store_cap}
adjust_without_manager_points = 100
[referral]
referrer_points = 500
{tiers}
[card_types.standard]
name = "Standard"
fee_fen = 0
valid_days = 0
[coupon_templates.save10]
kind = "amount_off"
name = "10 off 100"
amount_off_fen = 1000
min_spend_fen = 10000
valid_days = 30
[coupon_templates.pct20]
kind = "percent_off"
name = "20% off, at most 15"
percent_off = 20
max_off_fen = 1500
valid_days = 7
[coupon_templates.parking]
kind = "gift"
name = "Free parking"
valid_days = 1
[coupon_templates.bday]
kind = "amount_off"
name = "Birthday 20 off 50"
amount_off_fen = 2000
min_spend_fen = 5000
valid_days = 31
"""

TWO_TIERS = """
[[tiers]]
code = "member"
name = "Member"
threshold = 0
discount_percent = 0
points_multiplier_percent = 100
[[tiers]]
code = "gold"
name = "Gold"
threshold = 100000
discount_percent = 10
points_multiplier_percent = 200
birthday_coupon = "bday"
"""


def rules_text(label: str = "test", birthday: int = 100, earning_extra: str = "",
               expiry: str = 'policy = "none"', qualification: str = 'measure = "spend"',
               member_cap: int = 1_000_000, store_cap: int = 1_000_000, tiers: str = TWO_TIERS) -> str:
    return BASE.format(label=label, birthday=birthday, earning_extra=earning_extra, expiry=expiry,
                       qualification=qualification, member_cap=member_cap, store_cap=store_cap, tiers=tiers)
