"""The whole path on real parts: HQ on PostgreSQL, two store files, enrolment, push, pull, chain balances,
a lost card refused in the other store, tiers and rules flowing down, and `pos-member sync --once`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pos_member.domain.errors import CardRefused, RuleRefused
from pos_member.services import cards, members, sync_service
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.lookup import show_member
from pos_member.services.stored_value import adjust_points
from sync.hq import admin, db
from sync.hq import tables as hqt
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import assert_invariants, sync, sync_all


def test_points_earned_in_a_are_spendable_in_b_and_a_lost_card_is_refused_everywhere(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "张三", "13800001234")
    commit_sale(a, SaleRequest(view.card_no, 30000))  # 300 yuan: 300 points
    sync_all([a, b])
    at_b = show_member(b, view.card_no)
    assert at_b.points == 300 and at_b.member_no == view.member_no
    sale = commit_sale(b, SaleRequest(view.card_no, 10000, redeem_points=200))
    assert sale.quote.points_redeemed == 200
    cards.report_lost(a, view.card_no, MANAGER_PIN)
    sync_all([a, b])
    with pytest.raises(CardRefused) as refused:
        commit_sale(b, SaleRequest(view.card_no, 1000))
    assert refused.value.reason == "lost"
    assert show_member(a, view.card_no).points == show_member(b, view.card_no).points
    assert_invariants(hq.engine, [a, b])


def test_a_stale_snapshot_never_revives_a_lost_card(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "李四", "13800005678")
    sync_all([a, b])
    cards.report_lost(b, view.card_no, MANAGER_PIN)  # lost reported at B...
    cards.freeze(a, view.card_no, MANAGER_PIN)  # ...while A, offline, froze it
    sync(b)
    sync(a)  # A's "frozen" arrives after B's "lost": lost wins, and A is told so
    sync(b)
    for store in (a, b):
        assert show_member(store, view.card_no).card_status == "lost"
    assert_invariants(hq.engine, [a, b])


def test_member_replaced_card_and_tier_reach_the_other_store(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "王五", "13800009999")
    sync_all([a, b])
    new_card = cards.replace(a, view.card_no, MANAGER_PIN)
    commit_sale(a, SaleRequest(new_card.card_no, 300000))  # 3,000 yuan: silver at once
    members.edit_member(a, new_card.card_no, name="王五五")
    sync_all([a, b])
    with pytest.raises(CardRefused):
        commit_sale(b, SaleRequest(view.card_no, 1000))
    at_b = show_member(b, new_card.card_no)
    assert at_b.name == "王五五" and at_b.tier == show_member(a, new_card.card_no).tier != "standard"
    assert_invariants(hq.engine, [a, b])


def test_offline_redemption_is_bounded_and_hq_flags_the_overdraft(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "赵六", "13800001111")
    adjust_points(a, view.card_no, 1000, "welcome", MANAGER_PIN)
    sync_all([a, b])
    hq.down()  # both stores offline: each allows up to the confirmed balance
    commit_sale(a, SaleRequest(view.card_no, 10000, redeem_points=800))
    commit_sale(b, SaleRequest(view.card_no, 10000, redeem_points=800))
    hq.up()
    sync_all([a, b])
    flags = admin.list_flags(hq.engine, "overdraft")
    assert [f["subject"] for f in flags] == [view.uuid]
    assert_invariants(hq.engine, [a, b])


def test_offline_cap_per_member(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "钱七", "13800002222")
    adjust_points(a, view.card_no, 20000, "float", MANAGER_PIN)
    sync(a)
    adjust_points(a, view.card_no, 5000, "not yet synced", MANAGER_PIN)
    hq.down()
    with pytest.raises(RuleRefused, match="confirmed by HQ"):  # earned here, not yet acknowledged by HQ
        commit_sale(a, SaleRequest(view.card_no, 200000, redeem_points=20500))
    commit_sale(a, SaleRequest(view.card_no, 100000, redeem_points=4000))
    with pytest.raises(RuleRefused, match="offline limit"):  # 5,000 points per member until the next sync
        commit_sale(a, SaleRequest(view.card_no, 100000, redeem_points=1500))
    hq.up()
    # HQ answers: its hold decides, not the offline cap (the old rule refused this even while HQ was up)
    commit_sale(a, SaleRequest(view.card_no, 100000, redeem_points=1500))
    sync(a)
    hq.down()
    commit_sale(a, SaleRequest(view.card_no, 100000, redeem_points=1500))  # acknowledged: the cap resets


def test_two_stores_registering_one_phone_are_flagged(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    first = members.register_member(a, "孙八", "13900001234")
    second = members.register_member(b, "孙八", "13900001234")
    sync_all([a, b])
    flags = admin.list_flags(hq.engine, "duplicate_phone")
    assert len(flags) == 1 and set(flags[0]["subject"].split(",")) == {first.uuid, second.uuid}
    assert flags[0]["figures"] == {"phone": "139****1234", "members": 2} and flags[0]["store"] in ("001", "002")
    # each store keeps its own member under the phone; the other is reachable by card
    assert show_member(a, "13900001234").uuid == first.uuid
    assert show_member(a, second.card_no).uuid == second.uuid
    assert_invariants(hq.engine, [a, b])


def test_rules_published_at_hq_become_each_stores_newest_version(hq, stores):
    from pos_member.domain.rules import default_rules_text

    a = stores.enrolled(hq, "001")
    text = default_rules_text().replace('label = "', 'label = "HQ ', 1)
    published = admin.publish_rules(hq.engine, text)
    sync(a)
    sync(a)  # applying twice changes nothing
    with a.db.read() as conn:
        version, rules = a.rules(conn)
    assert version == 2 and rules.label == published["label"]


def test_token_is_stored_as_a_hash_and_enrolment_codes_are_single_use(hq, stores):
    a = stores.make("001")
    code = hq.enrolment_code("001")
    sync_service.enrol(a, hq.url, code)
    b = stores.make("001", device_no=2)
    with pytest.raises(sync_service.SyncFailed, match="unknown, used or expired"):
        sync_service.enrol(b, hq.url, code)
    with db.read(hq.engine) as conn:
        row = conn.execute(select(hqt.devices)).one()
    with a.db.read() as conn:
        token = conn.exec_driver_sql("SELECT value FROM sync_state WHERE key = 'token'").scalar()
    assert token and row.token_hash != token and len(row.token_hash) == 64


def test_a_store_with_cards_of_its_own_joins_and_its_printed_cards_still_work(hq, stores):
    """A store that printed cards before joining the chain keeps its old key for them: they still scan there;
    other stores know only the chain key, so there the card is used by number, or reprinted."""
    a = stores.make("001")
    view = members.register_member(a, "周九", "13800003333")
    old_print = cards.card_qr(a, view.card_no).qr  # signed with the store's own key
    sync_service.enrol(a, hq.url, hq.enrolment_code("001"))
    assert show_member(a, old_print).member_no == view.member_no  # the old print still works here
    new_print = cards.card_qr(a, view.card_no).qr
    assert new_print != old_print  # a print made now is signed with the chain key
    b = stores.make("002")
    sync_service.enrol(b, hq.url, hq.enrolment_code("002"))
    sync_all([a, b])
    with pytest.raises(CardRefused) as caught:
        show_member(b, old_print)
    assert caught.value.reason == "forged"
    assert show_member(b, new_print).member_no == view.member_no
    assert show_member(b, view.card_no).member_no == view.member_no
