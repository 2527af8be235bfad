from datetime import datetime

from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.refunds import refund_sale
from pos_member.services.reports import liability_report, sales_report, segment_report, tier_report
from pos_member.services.stored_value import top_up
from tests.conftest import CHINA


def test_reports_add_up(store, clock):
    a = members.register_member(store, "甲", "13800000001", birthday="1990-03-01")
    b = members.register_member(store, "乙", "13800000002")
    top_up(store, a.card_no, 50000)  # 500 paid + 50 bonus
    sale = commit_sale(store, SaleRequest(a.card_no, 250000, stored_value_fen=11000))  # reaches silver
    commit_sale(store, SaleRequest(b.card_no, 1000))
    refund_sale(store, sale.sale_id, 1000, None)
    report = sales_report(store, "2026-11-24", "2026-11-25")
    assert report["totals"]["sales"] == 2 and report["totals"]["total_fen"] == 251000
    assert report["totals"]["stored_value_fen"] == 11000 and report["refunds"]["amount_fen"] == 1000
    owed = liability_report(store)
    # 2,500 earned on 2,500 yuan (stored value counts as paid) + 10; refunding 10 yuan of it reversed 10
    assert owed["points_outstanding"] == 2500 - 10 + 10
    assert (owed["stored_paid_fen"], owed["stored_bonus_fen"]) == (40000 + 40, 4000 + 4)
    moves = tier_report(store, "2026-11-01", "2026-12-01")
    assert moves["moves"] == [{"from_tier": "standard", "to_tier": "silver", "members": 1}]
    clock.now = datetime(2027, 3, 1, 10, 0, tzinfo=CHINA)
    segments = segment_report(store, 60)
    assert segments["dormant_60_days"] == 2 and segments["birthdays_by_month"] == {"3": 1}
