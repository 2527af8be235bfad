"""Spending is authorised online, bounded offline (issue 11, point 4), on real parts: HQ on PostgreSQL over
127.0.0.1 and real store files. With HQ up a sale holds what it spends at HQ, so the same balance cannot be
spent at two stores; with HQ down each till is held to the offline limit; a hold never committed lapses, a
committed sale's pushed entries settle it."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from pos_member.domain.errors import RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.domain.redemption import SpendRule
from pos_member.domain.rules import default_rules_text
from pos_member.services import members, spend_auth
from pos_member.services.checkout import SaleRequest, commit_sale, quote_sale
from pos_member.services.context import new_id
from pos_member.services.lookup import show_member
from pos_member.services.stored_value import adjust_points, top_up
from sync.hq import admin, db
from sync.hq.holds import LAPSE_SETTING, hold_state
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import assert_invariants, sync, sync_all


def _state(hq, sale_id: str) -> str | None:
    with db.read(hq.engine) as conn:
        return hold_state(conn, sale_id)


def _hq_balance(hq, uuid: str) -> tuple[int, int]:
    with db.read(hq.engine) as conn:
        row = conn.execute(text("SELECT points, stored_paid_fen + stored_bonus_fen FROM members WHERE uuid = :u"),
                           {"u": uuid}).one()
    return int(row[0]), int(row[1])


def test_with_hq_up_stored_value_spent_at_a_is_refused_at_b_and_the_push_settles_the_hold(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "张三", "13800001234")
    top_up(a, view.card_no, 50_000)  # 500 yuan (+ the rules' bonus), not pushed yet: spendable here at once
    whole = show_member(a, view.card_no).stored_value_fen
    assert quote_sale(a, SaleRequest(view.card_no, 60_000, stored_value_fen=whole)).spend_rule == SpendRule.HQ
    sync_all([a, b])
    assert show_member(b, view.card_no).stored_value_fen == whole

    sale = commit_sale(a, SaleRequest(view.card_no, 60_000, stored_value_fen=whole))  # all of it, at A
    assert sale.quote.spend_rule == SpendRule.HQ
    assert _state(hq, sale.sale_id) == "open"  # held at HQ until A pushes the sale's entries
    with pytest.raises(RuleRefused) as refused:  # B still sees 550 yuan, HQ knows it is held
        commit_sale(b, SaleRequest(view.card_no, 60_000, stored_value_fen=whole))
    assert refused.value.reason == Reason.STORED_OVER_HQ_AVAILABLE and refused.value.params == {"available_fen": 0}
    assert "authorised by HQ" in str(refused.value)
    with pytest.raises(RuleRefused) as at_quote:  # the quote says so before the cashier confirms
        quote_sale(b, SaleRequest(view.card_no, 60_000, stored_value_fen=100))
    assert at_quote.value.reason == Reason.STORED_OVER_HQ_AVAILABLE
    assert quote_sale(b, SaleRequest(view.card_no, 60_000)).max_stored_value_fen == 0

    sync(a)
    assert _state(hq, sale.sale_id) == "settled"  # the balance moved; the hold no longer counts
    assert _hq_balance(hq, view.uuid)[1] == 0
    with pytest.raises(RuleRefused, match="authorised by HQ"):
        commit_sale(b, SaleRequest(view.card_no, 60_000, stored_value_fen=100))
    assert show_member(b, view.card_no).stored_value_fen == whole  # B never spent it
    sync_all([a, b])
    assert_invariants(hq.engine, [a, b])


def test_with_hq_up_points_redeemed_at_a_are_refused_at_b(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "李四", "13800005678")
    adjust_points(a, view.card_no, 3000, "welcome", MANAGER_PIN)
    sync_all([a, b])
    commit_sale(a, SaleRequest(view.card_no, 100_000, redeem_points=2500))
    quote = quote_sale(b, SaleRequest(view.card_no, 100_000))
    assert (quote.spend_rule, quote.max_redeemable_points) == (SpendRule.HQ, 500)
    with pytest.raises(RuleRefused) as refused:
        commit_sale(b, SaleRequest(view.card_no, 100_000, redeem_points=600))
    assert refused.value.reason == Reason.POINTS_OVER_HQ_AVAILABLE and refused.value.params == {"available": 500}
    assert commit_sale(b, SaleRequest(view.card_no, 100_000, redeem_points=500)).quote.points_redeemed == 500
    sync_all([a, b])
    assert _hq_balance(hq, view.uuid)[0] >= 0  # never overdrawn: no flag
    assert admin.list_flags(hq.engine, "overdraft") == []
    assert_invariants(hq.engine, [a, b])


def _publish_offline_caps(hq, per_member_fen: int, per_till_fen: int) -> None:
    rules = default_rules_text()
    rules = rules.replace("offline_stored_fen_per_member = 50000", f"offline_stored_fen_per_member = {per_member_fen}")
    rules = rules.replace("offline_stored_fen_per_till_day = 500000",
                          f"offline_stored_fen_per_till_day = {per_till_fen}")
    admin.publish_rules(hq.engine, rules)


def test_with_hq_down_three_tills_are_held_to_the_offline_caps(hq, stores):
    _publish_offline_caps(hq, per_member_fen=45_000, per_till_fen=65_000)
    a1 = stores.enrolled(hq, "001")
    a2 = stores.enrolled(hq, "001", device_no=2)
    b = stores.enrolled(hq, "002")
    rich = members.register_member(a1, "王五", "13800009999")
    other = members.register_member(a1, "赵六", "13800008888")
    top_up(a1, rich.card_no, 100_000)  # 1,000 yuan + the rules' bonus: about the 1,120 yuan of the issue
    balance = show_member(a1, rich.card_no).stored_value_fen
    top_up(a1, other.card_no, 50_000)
    adjust_points(a1, rich.card_no, 9000, "welcome", MANAGER_PIN)
    tills = [a1, a2, b]
    sync_all(tills)
    hq.down()

    spent = 0
    for till in tills:  # each till: at most 450 yuan for one member until HQ answers again
        quote = quote_sale(till, SaleRequest(rich.card_no, 200_000, stored_value_fen=45_000))
        assert quote.spend_rule == SpendRule.OFFLINE and quote.max_stored_value_fen == 45_000
        with pytest.raises(RuleRefused) as refused:
            commit_sale(till, SaleRequest(rich.card_no, 200_000, stored_value_fen=45_001))
        assert refused.value.reason == Reason.STORED_OVER_OFFLINE_MEMBER_CAP
        assert "offline limit" in str(refused.value)
        spent += commit_sale(till, SaleRequest(rich.card_no, 200_000, stored_value_fen=45_000)).quote.stored_value_fen
    assert spent == 135_000  # not 3 x the balance: 3 x the per-member cap
    # per till: 650 yuan a day in all, whoever spends it
    with pytest.raises(RuleRefused) as till_cap:
        commit_sale(a1, SaleRequest(other.card_no, 100_000, stored_value_fen=20_001))
    assert till_cap.value.reason == Reason.STORED_OVER_OFFLINE_TILL_CAP and till_cap.value.params == {"left_fen": 20_000}
    commit_sale(a1, SaleRequest(other.card_no, 100_000, stored_value_fen=20_000))
    # points too: the rules' 5,000 points per member offline, per till
    for till in tills:
        with pytest.raises(RuleRefused) as points_cap:
            commit_sale(till, SaleRequest(rich.card_no, 1_000_000, redeem_points=5001))
        assert points_cap.value.reason == Reason.POINTS_OVER_OFFLINE_MEMBER_CAP
        commit_sale(till, SaleRequest(rich.card_no, 1_000_000, redeem_points=3000))
    hq.up()
    sync_all(tills)
    assert balance < spent and _hq_balance(hq, rich.uuid)[1] == balance - spent  # bound by the caps, flagged
    assert [f["subject"] for f in admin.list_flags(hq.engine, "overdraft")] == [rich.uuid]
    assert_invariants(hq.engine, tills)


def test_a_hold_never_committed_lapses_and_a_released_one_is_free_at_once(hq, stores):
    with db.write(hq.engine) as conn:
        db.set_setting(conn, LAPSE_SETTING, "1")
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "孙八", "13900001234")
    top_up(a, view.card_no, 30_000)
    sync_all([a, b])
    # A's till asks for the hold, then dies before its sale is committed
    held = spend_auth.authorise(a, view.card_no, 0, 30_000, None, new_id(), dry_run=False)
    assert held is not None and held.held and _state(hq, held.sale_id) == "open"
    with pytest.raises(RuleRefused, match="authorised by HQ"):
        commit_sale(b, SaleRequest(view.card_no, 30_000, stored_value_fen=30_000))
    time.sleep(1.2)
    assert _state(hq, held.sale_id) == "lapsed"
    assert commit_sale(b, SaleRequest(view.card_no, 30_000, stored_value_fen=30_000)).quote.stored_value_fen == 30_000
    sync(b)

    top_up(a, view.card_no, 10_000)
    sync_all([a, b])
    again = spend_auth.authorise(a, view.card_no, 0, 10_000, None, new_id(), dry_run=False)
    spend_auth.give_back(a, again)  # a cancelled sale gives it back at once
    assert _state(hq, again.sale_id) == "released"
    assert commit_sale(b, SaleRequest(view.card_no, 10_000, stored_value_fen=10_000)).quote.stored_value_fen == 10_000


def test_a_refused_commit_gives_its_hold_back(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "周九", "13900005678")
    top_up(a, view.card_no, 30_000)
    sync(a)
    with pytest.raises(RuleRefused) as refused:  # HQ grants 300 yuan, the till refuses: more than the bill
        commit_sale(a, SaleRequest(view.card_no, 10_000, stored_value_fen=20_000))
    assert refused.value.reason == Reason.STORED_OVER_LEFT
    with db.read(hq.engine) as conn:
        states = [row[0] for row in conn.execute(text("SELECT status FROM holds"))]
    assert states == ["released"]


def test_one_coupon_is_held_by_one_sale_at_a_time(hq, stores):
    from sync.hold_client import ask_hold

    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "吴十", "13900009999")
    sync_all([a, b])
    tokens = []
    for till in (a, b):
        with till.db.read() as conn:
            tokens.append(conn.execute(text("SELECT value FROM sync_state WHERE key = 'token'")).scalar_one())
    body = {"member_uuid": view.uuid, "coupon_code": "SAVE10ABCDEF"}
    first = ask_hold(hq.url, tokens[0], body | {"sale_id": new_id()}, 5.0)
    second = ask_hold(hq.url, tokens[1], body | {"sale_id": new_id()}, 5.0)
    assert first is not None and first["granted"]
    assert second is not None and not second["granted"] and second["reason"] == Reason.COUPON_HELD_ELSEWHERE
    assert second["field"] == "coupon"
