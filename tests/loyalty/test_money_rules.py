"""Issue 10, point 8: a card type's starting tier is kept for its retention period, a referral needs a
minimum qualifying spend and is reversed by a refund of that purchase, and HQ keeps one overdraft flag per
member carrying the latest figures."""

from datetime import date, timedelta

from sqlalchemy import select, text

from pos_member.domain.rules import default_rules_text
from pos_member.services import cards, members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.coupons import member_coupons
from pos_member.services.jobs import run_jobs
from pos_member.services.lookup import show_member
from pos_member.services.refunds import refund_sale
from pos_member.services.rules_admin import apply_rules
from pos_member.services.verify import verify_store
from sync.hq import db as hq_db
from sync.hq import tables as hq
from sync.hq.chain_ledger import move_balances
from tests.conftest import MANAGER_PIN


def test_a_vip_member_keeps_silver_through_the_evaluation_and_gets_the_birthday_gift(store):
    vip = members.register_member(store, "贵宾", "13800002222", birthday="1990-02-10", card_type="vip",
                                  manager_pin=MANAGER_PIN)
    assert vip.tier == "silver"
    # no purchase at all: the monthly evaluation would drop them to Standard without the retention date
    run_jobs(store, date(2026, 12, 1))
    assert show_member(store, vip.card_no).tier == "silver"
    run_jobs(store, date(2027, 2, 1))
    assert [c["template"] for c in member_coupons(store, vip.card_no)] == ["birthday20"]
    # retention_months = 12 from registration (2026-11-24): the evaluation of 2027-12-01 drops them
    run_jobs(store, date(2027, 12, 1))
    assert show_member(store, vip.card_no).tier == "standard"


def test_a_standard_member_is_not_given_a_retention_date(store):
    plain = members.register_member(store, "普通", "13800003333")
    with store.db.read() as conn:
        assert conn.execute(text("SELECT tier_reached_on FROM members WHERE member_no = :m"),
                            {"m": plain.member_no}).scalar() is None


def test_a_referral_needs_the_minimum_spend(store):
    referrer = members.register_member(store, "推荐人", "13800001111")
    friend = members.register_member(store, "朋友", "13900000001", referrer=referrer.card_no)
    commit_sale(store, SaleRequest(friend.card_no, 1))  # 0.01 yuan: below referral.min_spend_fen (10.00)
    assert show_member(store, referrer.card_no).points == 0
    assert run_jobs(store, date(2026, 11, 25))["referrals"]["awarded"] == 0
    commit_sale(store, SaleRequest(friend.card_no, 1000))  # the first purchase reaching the minimum
    assert show_member(store, referrer.card_no).points == 500
    commit_sale(store, SaleRequest(friend.card_no, 5000))
    assert show_member(store, referrer.card_no).points == 500  # once per referred member


def test_a_refunded_referral_purchase_takes_the_reward_back(store):
    referrer = members.register_member(store, "推荐人", "13800001111")
    friend = members.register_member(store, "朋友", "13900000001", referrer=referrer.card_no)
    sale = commit_sale(store, SaleRequest(friend.card_no, 1000))
    assert show_member(store, referrer.card_no).points == 500
    refund_sale(store, sale.sale_id, None, None)
    assert show_member(store, referrer.card_no).points == 0
    refund_sale_again = commit_sale(store, SaleRequest(friend.card_no, 2000))
    assert show_member(store, referrer.card_no).points == 0  # a reversed referral is not paid again
    assert refund_sale_again.sale_id and run_jobs(store, date(2026, 11, 25))["referrals"]["awarded"] == 0
    assert verify_store(store).ok


def test_a_refund_after_the_window_keeps_the_referral(store, clock):
    referrer = members.register_member(store, "推荐人", "13800001111")
    friend = members.register_member(store, "朋友", "13900000001", referrer=referrer.card_no)
    sale = commit_sale(store, SaleRequest(friend.card_no, 1000))
    clock.advance(days=31)  # referral.reversal_days = 30
    refund_sale(store, sale.sale_id, None, None)
    assert show_member(store, referrer.card_no).points == 500


def test_a_refund_on_the_last_day_of_the_window_takes_the_reward_back(store, clock):
    referrer = members.register_member(store, "推荐人", "13800001111")
    friend = members.register_member(store, "朋友", "13900000001", referrer=referrer.card_no)
    sale = commit_sale(store, SaleRequest(friend.card_no, 1000))
    clock.advance(days=30)  # referral.reversal_days = 30: still inside
    refund_sale(store, sale.sale_id, None, None)
    assert show_member(store, referrer.card_no).points == 0


def test_a_partial_refund_leaving_exactly_the_minimum_keeps_the_referral(store):
    referrer = members.register_member(store, "推荐人", "13800001111")
    friend = members.register_member(store, "朋友", "13900000001", referrer=referrer.card_no)
    sale = commit_sale(store, SaleRequest(friend.card_no, 3000))
    refund_sale(store, sale.sale_id, 2000, None)  # net 10.00 = referral.min_spend_fen: still qualifies
    assert show_member(store, referrer.card_no).points == 500
    refund_sale(store, sale.sale_id, 1, None)  # 9.99: below it
    assert show_member(store, referrer.card_no).points == 0


def test_a_partial_refund_above_the_minimum_keeps_the_referral(store):
    referrer = members.register_member(store, "推荐人", "13800001111")
    friend = members.register_member(store, "朋友", "13900000001", referrer=referrer.card_no)
    sale = commit_sale(store, SaleRequest(friend.card_no, 3000))
    refund_sale(store, sale.sale_id, 1000, None)
    assert show_member(store, referrer.card_no).points == 500
    refund_sale(store, sale.sale_id, 1500, None)  # net 5.00 now: below the minimum
    assert show_member(store, referrer.card_no).points == 0


def test_hq_keeps_one_overdraft_flag_per_member_with_the_latest_figures(tmp_path):
    engine = hq_db.make_engine(f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}")
    hq_db.upgrade(engine)
    now = "2026-11-24T02:00:00+00:00"
    with hq_db.write(engine) as conn:
        conn.execute(hq.members.insert().values(
            uuid="m-1", member_no="M1", home_store="001", name="x", tier_code="standard", status="active",
            created_at=now, updated_at=now))

    def move(delta: int, at: str) -> None:
        with hq_db.write(engine) as conn:
            move_balances(conn, [{"member_uuid": "m-1", "account": "points", "delta": delta}], at)

    move(-100, now)
    move(-50, (date(2026, 11, 25)).isoformat())
    with hq_db.read(engine) as conn:
        flags = conn.execute(select(hq.flags).where(hq.flags.c.kind == "overdraft")).all()
    assert len(flags) == 1 and '"points": -150' in flags[0].detail
    with hq_db.write(engine) as conn:
        conn.execute(hq.flags.update().values(resolved_at=now))
    move(-1, (date(2026, 11, 25) + timedelta(days=1)).isoformat())
    with hq_db.read(engine) as conn:
        flags = conn.execute(select(hq.flags).where(hq.flags.c.kind == "overdraft").order_by(hq.flags.c.id)).all()
    assert len(flags) == 2 and flags[1].resolved_at is None and '"points": -151' in flags[1].detail
    engine.dispose()


def test_a_renewal_keeps_the_starting_tier_for_another_retention_period(store, tmp_path, clock):
    yearly_vip = default_rules_text().replace('name = "VIP card"\nfee_fen = 19900\nvalid_days = 0',
                                              'name = "VIP card"\nfee_fen = 19900\nvalid_days = 365')
    assert yearly_vip != default_rules_text()
    path = tmp_path / "yearly_vip.toml"
    path.write_text(yearly_vip, encoding="utf-8")
    apply_rules(store, path, MANAGER_PIN)
    vip = members.register_member(store, "贵宾", "13800002222", card_type="vip", manager_pin=MANAGER_PIN)
    clock.now = clock.now.replace(year=2027, month=11, day=20)
    cards.renew(store, vip.card_no)
    # retention from registration ended on 2027-11-23; the renewal on 2027-11-20 keeps Silver another year
    run_jobs(store, date(2027, 12, 1))
    assert show_member(store, vip.card_no).tier == "silver"
