from datetime import date, datetime

from sqlalchemy import text

from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.history import tier_history
from pos_member.services.jobs import run_jobs
from pos_member.services.lookup import show_member
from pos_member.services.refunds import refund_sale
from pos_member.services.verify import verify_store
from tests.conftest import CHINA
from tests.loyalty.rules_text import TWO_TIERS


def at(clock, *ymd):
    clock.now = datetime(*ymd, 12, 0, tzinfo=CHINA)


def expired_entries(store):
    with store.db.read() as conn:
        return conn.execute(text("SELECT COUNT(*), COALESCE(SUM(delta), 0) FROM ledger WHERE kind = 'expire'")).one()


def test_months_after_earning_oldest_lot_first_partly_spent_and_idempotent(store, apply, member, clock):
    apply(expiry='policy = "months_after_earning"\nmonths = 6')
    at(clock, 2026, 1, 10)
    commit_sale(store, SaleRequest(member.card_no, 30000))  # lot A: 300 points, lapses 2026-07-10
    at(clock, 2026, 3, 10)
    commit_sale(store, SaleRequest(member.card_no, 20000))  # lot B: 200 points, lapses 2026-09-10
    at(clock, 2026, 4, 1)
    commit_sale(store, SaleRequest(member.card_no, 10000, redeem_points=5000 // 100 * 1))  # spends 50 of lot A
    balance = show_member(store, member.card_no).points
    assert balance == 300 + 200 - 50 + 99
    run_jobs(store, date(2026, 7, 9), ["expiry"])
    assert expired_entries(store) == (0, 0)
    run_jobs(store, date(2026, 7, 10), ["expiry"])
    assert expired_entries(store) == (1, -250)  # what is left of lot A
    run_jobs(store, date(2026, 7, 10), ["expiry"])  # the same date again: nothing more
    run_jobs(store, date(2026, 7, 20), ["expiry"])  # a later date before lot B lapses: nothing more
    assert expired_entries(store) == (1, -250)
    run_jobs(store, date(2026, 9, 10), ["expiry"])
    assert expired_entries(store) == (2, -450)
    assert show_member(store, member.card_no).points == 99  # only the April lot remains
    assert verify_store(store).ok


def test_end_of_next_year_policy(store, apply, member, clock):
    apply(expiry='policy = "end_of_next_year"')
    at(clock, 2026, 2, 1)
    commit_sale(store, SaleRequest(member.card_no, 10000))
    run_jobs(store, date(2027, 12, 31), ["expiry"])
    assert expired_entries(store) == (0, 0)
    run_jobs(store, date(2028, 1, 1), ["expiry"])
    assert expired_entries(store) == (1, -100)


def test_refunded_points_leave_their_own_lot(store, apply, member, clock):
    apply(expiry='policy = "months_after_earning"\nmonths = 6')
    at(clock, 2026, 1, 10)
    commit_sale(store, SaleRequest(member.card_no, 10000))  # lot A 100, lapses 2026-07-10
    at(clock, 2026, 5, 10)
    later = commit_sale(store, SaleRequest(member.card_no, 10000))  # lot B 100, lapses 2026-11-10
    refund_sale(store, later.sale_id, None, None)  # reverses lot B, not the older lot A
    run_jobs(store, date(2026, 7, 10), ["expiry"])
    assert expired_entries(store) == (1, -100)
    assert show_member(store, member.card_no).points == 0


def test_inactivity_policy(store, apply, member, clock):
    apply(expiry='policy = "inactive_months"\nmonths = 12')
    at(clock, 2026, 1, 10)
    commit_sale(store, SaleRequest(member.card_no, 10000))
    run_jobs(store, date(2027, 1, 9), ["expiry"])
    assert expired_entries(store) == (0, 0)
    run_jobs(store, date(2027, 1, 11), ["expiry"])
    assert expired_entries(store) == (1, -100)


def test_upgrade_at_once_downgrade_only_at_evaluation_after_retention(store, apply, member, clock):
    apply(qualification='measure = "spend"\nwindow = "rolling_months"\nmonths = 12\nevaluation_day = 1\n'
                        'retention = "months"\nretention_months = 6')
    at(clock, 2026, 1, 15)
    assert commit_sale(store, SaleRequest(member.card_no, 60000)).tier == "member"
    at(clock, 2026, 2, 15)
    result = commit_sale(store, SaleRequest(member.card_no, 40000))
    assert (result.tier, result.tier_upgraded_from) == ("gold", "member")  # 1,000 yuan in 12 months
    assert commit_sale(store, SaleRequest(member.card_no, 10000)).quote.discount_fen == 1000  # gold: 10% off
    # 2027-02-01: the January 2026 sale left the window (500 + 100 yuan left), but gold is kept 6 months
    # after it was reached (2026-02-15), so this evaluation keeps it ...
    run_jobs(store, date(2026, 8, 1), ["tiers"])
    assert show_member(store, member.card_no).tier == "gold"
    # ... a day that is not the evaluation day changes nothing ...
    assert run_jobs(store, date(2027, 2, 2), ["tiers"])["tiers"]["skipped"]
    # ... and on 2027-03-01 the window holds nothing, retention is long over: down to member
    outcome = run_jobs(store, date(2027, 3, 1), ["tiers"])["tiers"]
    assert outcome["downgraded"] == 1
    assert show_member(store, member.card_no).tier == "member"
    assert run_jobs(store, date(2027, 3, 1), ["tiers"])["tiers"]["downgraded"] == 0  # idempotent
    history = tier_history(store, member.card_no)
    assert [(h["from_tier"], h["to_tier"]) for h in history] == [(None, "standard"), ("standard", "member"),
                                                                 ("member", "gold"), ("gold", "member")]


def test_calendar_year_retention_through_next_year(store, apply, member, clock):
    """Sephora-style: status reached in a calendar year is kept through the following calendar year."""
    apply(qualification='measure = "spend"\nwindow = "calendar_year"\nevaluation_day = 1\n'
                        'retention = "through_next_calendar_year"')
    at(clock, 2026, 11, 30)
    assert commit_sale(store, SaleRequest(member.card_no, 100000)).tier == "gold"
    run_jobs(store, date(2027, 1, 1), ["tiers"])  # judges 2026: re-qualified, so kept through 2027-12-31
    run_jobs(store, date(2027, 7, 1), ["tiers"])  # 2027 so far: nothing spent, but retained
    assert show_member(store, member.card_no).tier == "gold"
    run_jobs(store, date(2028, 1, 1), ["tiers"])  # judges 2027: nothing; retention over
    assert show_member(store, member.card_no).tier == "member"


def test_qualification_by_points_earned(store, apply, member, clock):
    tiers = TWO_TIERS.replace("threshold = 100000", "threshold = 500")
    apply(qualification='measure = "points"\nwindow = "rolling_months"\nmonths = 3', tiers=tiers)
    at(clock, 2026, 1, 10)
    assert commit_sale(store, SaleRequest(member.card_no, 40000)).tier == "member"  # 400 points
    at(clock, 2026, 2, 10)
    assert commit_sale(store, SaleRequest(member.card_no, 10000)).tier == "gold"  # 500 points in 3 months
    at(clock, 2026, 6, 10)
    run_jobs(store, date(2026, 6, 1), ["tiers"])  # window Mar-May: nothing earned, no retention
    assert show_member(store, member.card_no).tier == "member"


def test_a_members_jobs_run_only_in_their_home_store(store, apply, member, clock):
    """In a chain, another store's member (pulled from HQ) is expired and evaluated by their home store."""
    apply(expiry='policy = "months_after_earning"\nmonths = 6')
    at(clock, 2026, 1, 10)
    commit_sale(store, SaleRequest(member.card_no, 30000))
    with store.db.write() as conn:
        conn.execute(text("UPDATE members SET home_store = '002'"))  # as if registered in store 002
    run_jobs(store, date(2026, 7, 10), ["expiry", "tiers"])
    assert expired_entries(store) == (0, 0)
    with store.db.write() as conn:
        conn.execute(text("UPDATE members SET home_store = '001'"))
    run_jobs(store, date(2026, 7, 11), ["expiry"])
    assert expired_entries(store) == (1, -300)
