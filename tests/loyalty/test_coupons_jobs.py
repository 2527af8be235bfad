from datetime import date, datetime

import pytest
from sqlalchemy import text

from pos_member.domain.coupons import coupon_qr_text
from pos_member.domain.errors import CardRefused, NeedsManager, NotFound, RuleRefused
from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale, quote_sale
from pos_member.services.coupons import Segment, campaign_stats, issue_coupon, member_coupons, run_campaign
from pos_member.services.jobs import run_jobs
from pos_member.services.lookup import show_member
from pos_member.services.refunds import refund_sale
from pos_member.services.verify import verify_store
from tests.conftest import CHINA, MANAGER_PIN


@pytest.fixture
def loyal(store, apply):
    apply()
    return store


def test_amount_off_coupon_quote_says_why_and_single_use(loyal, member):
    coupon = issue_coupon(loyal, member.card_no, "save10")
    short = quote_sale(loyal, SaleRequest(member.card_no, 8000, coupon=coupon["code"]))
    assert short.coupon_fen == 0 and short.coupon_note == "not applied: needs a bill of 100.00 (this one is 80.00)"
    with pytest.raises(RuleRefused) as caught:
        commit_sale(loyal, SaleRequest(member.card_no, 8000, coupon=coupon["code"]))
    assert caught.value.field == "coupon"
    sale = commit_sale(loyal, SaleRequest(member.card_no, 12000, coupon=coupon["qr"]))
    assert (sale.quote.coupon_fen, sale.quote.payable_fen, sale.quote.points_earned) == (1000, 11000, 110)
    again = quote_sale(loyal, SaleRequest(member.card_no, 12000, coupon=coupon["code"]))
    assert again.coupon_note == "not applied: already used"
    refund_sale(loyal, sale.sale_id, None, None)  # a full refund gives an unexpired coupon back
    assert member_coupons(loyal, member.card_no, usable_only=True)[0]["code"] == coupon["code"]
    assert verify_store(loyal).ok


def test_percent_coupon_capped_gift_and_validity(loyal, member, clock):
    pct = issue_coupon(loyal, member.card_no, "pct20")
    assert quote_sale(loyal, SaleRequest(member.card_no, 5000, coupon=pct["code"])).coupon_fen == 1000
    assert quote_sale(loyal, SaleRequest(member.card_no, 50000, coupon=pct["code"])).coupon_fen == 1500
    gift = issue_coupon(loyal, member.card_no, "parking")
    assert quote_sale(loyal, SaleRequest(member.card_no, 100, coupon=gift["code"])).coupon_note == (
        "applied: gift: Free parking")
    clock.now = datetime(2026, 12, 5, 10, 0, tzinfo=CHINA)
    assert quote_sale(loyal, SaleRequest(member.card_no, 5000, coupon=pct["code"])).coupon_note == (
        "not applied: expired on 2026-11-30")


def test_coupons_are_personal_and_unforgeable(loyal, member):
    coupon = issue_coupon(loyal, member.card_no, "save10")
    other = members.register_member(loyal, "别人", "13900009999")
    note = quote_sale(loyal, SaleRequest(other.card_no, 20000, coupon=coupon["code"])).coupon_note
    assert note == "not applied: belongs to another member"
    with pytest.raises(CardRefused):
        quote_sale(loyal, SaleRequest(member.card_no, 20000, coupon=coupon_qr_text(b"other key", coupon["code"])))
    with pytest.raises(NotFound):
        quote_sale(loyal, SaleRequest(member.card_no, 20000, coupon="AAAAAAAAAA"))


def test_campaign_to_a_segment_counts_issued_and_used(loyal, member, clock):
    members.register_member(loyal, "三月", "13900000003", birthday="1985-03-02")
    members.register_member(loyal, "五月", "13900000005", birthday="1985-05-02")
    with pytest.raises(NeedsManager):
        run_campaign(loyal, "save10", Segment(birthday_month=3), None)
    result = run_campaign(loyal, "save10", Segment(birthday_month=3), MANAGER_PIN)
    assert result["issued"] == 2  # the fixture member (March 15) and 三月
    code = member_coupons(loyal, member.card_no)[0]["code"]
    commit_sale(loyal, SaleRequest(member.card_no, 20000, coupon=code))
    stats = campaign_stats(loyal)[0]
    assert (stats["issued"], stats["used"], stats["segment"]) == (2, 1, {"birthday_month": 3})
    clock.now = datetime(2027, 2, 1, 10, 0, tzinfo=CHINA)
    dormant = run_campaign(loyal, "pct20", Segment(dormant_days=60), MANAGER_PIN)
    assert dormant["issued"] == 3  # nobody bought anything in the last 60 days


def test_jobs_birthday_coupons_once_a_year_and_referral_once(loyal, member, clock):
    friend = members.register_member(loyal, "朋友", "13900000001", referrer=member.card_no)
    # reaches gold with this sale (gold has a birthday coupon); the sale itself is priced at the old tier
    commit_sale(loyal, SaleRequest(member.card_no, 100000))
    first = commit_sale(loyal, SaleRequest(friend.card_no, 1000))
    assert show_member(loyal, member.card_no).points == 1000 + 500  # plus the referral reward
    commit_sale(loyal, SaleRequest(friend.card_no, 1000))
    assert show_member(loyal, member.card_no).points == 1500  # only the first purchase rewards
    assert run_jobs(loyal, date(2026, 12, 2))["referrals"]["awarded"] == 0
    assert run_jobs(loyal, date(2027, 3, 1))["birthdays"]["issued"] == 1
    assert run_jobs(loyal, date(2027, 3, 1))["birthdays"]["issued"] == 0  # idempotent for the date
    assert [c["name"] for c in member_coupons(loyal, member.card_no)] == ["Birthday 20 off 50"]
    with loyal.db.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM job_runs")).scalar() == 12
    assert first.sale_id and verify_store(loyal).ok


def test_the_app_catches_up_missed_nights_once(loyal, member):
    from pos_member.services.jobs import run_due_jobs

    assert run_due_jobs(loyal, date(2026, 11, 24)) == ["2026-11-24"]
    assert run_due_jobs(loyal, date(2026, 11, 24)) == []  # already run today
    assert run_due_jobs(loyal, date(2026, 11, 27)) == ["2026-11-25", "2026-11-26", "2026-11-27"]
