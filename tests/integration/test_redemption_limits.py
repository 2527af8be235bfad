"""One truth for the points limit: the quote's maximum is what the sale accepts, offline included.

An enrolled store (the sync state rows the enrolment writes) with a redemption HQ has not yet acknowledged:
the confirmed balance less this till's unconfirmed spend binds below the member's balance."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pos_member.domain.errors import RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.services import members, stored_value
from pos_member.services.checkout import SaleRequest, commit_sale, quote_sale
from pos_member.services.context import Store
from tests.conftest import MANAGER_PIN


def enrol_offline(store: Store) -> None:
    """What enrolment and a last successful push leave behind: a token, and HQ holding every entry so far.
    HQ is then unreachable: nothing written after this is acknowledged."""
    with store.db.write() as conn:
        through = conn.execute(text("SELECT COALESCE(MAX(local_seq), 0) FROM ledger")).scalar_one()
        conn.execute(text("INSERT INTO sync_state (key, value) VALUES ('token', 'device-token'), "
                          "('push_through', :through)"), {"through": str(through)})


@pytest.fixture
def member_code(store: Store) -> str:
    member = members.register_member(store, "Zhang San", "13700001111")
    stored_value.adjust_points(store, member.card_no or "", 2000, "opening balance", MANAGER_PIN)
    enrol_offline(store)
    commit_sale(store, SaleRequest(member.card_no or "", 10000, redeem_points=300))  # unconfirmed spend
    return member.card_no or ""


def test_offline_the_quoted_maximum_is_accepted_and_one_more_is_refused_naming_the_limit(store, member_code):
    bill = SaleRequest(member_code, 100_000)
    quote = quote_sale(store, bill)
    # balance 2000 - 300 + what the last sale earned; HQ confirmed 2000, of which 300 are spent here since
    assert quote_sale(store, bill).max_redeemable_points == quote.max_redeemable_points == 1700

    too_many = SaleRequest(member_code, 100_000, redeem_points=1701)
    with pytest.raises(RuleRefused) as caught:
        quote_sale(store, too_many)
    assert caught.value.reason == Reason.POINTS_OVER_CONFIRMED and caught.value.params == {"available": 1700}
    with pytest.raises(RuleRefused) as at_commit:
        commit_sale(store, too_many)
    assert at_commit.value.reason == Reason.POINTS_OVER_CONFIRMED
    assert "only 1700 points are confirmed by HQ" in str(at_commit.value)

    sale = commit_sale(store, SaleRequest(member_code, 100_000, redeem_points=quote.max_redeemable_points))
    assert sale.quote.points_redeemed == 1700
    assert quote_sale(store, bill).max_redeemable_points == 0  # all confirmed points are now spent here


def test_the_offline_member_cap_binds_the_maximum_too(store, member_code):
    with store.db.write() as conn:  # HQ acknowledged everything, the last sale too
        through = conn.execute(text("SELECT MAX(local_seq) FROM ledger")).scalar_one()
        conn.execute(text("UPDATE sync_state SET value = :v WHERE key = 'push_through'"), {"v": str(through)})
    stored_value.adjust_points(store, member_code, 10_000, "goodwill", MANAGER_PIN)
    with store.db.write() as conn:
        through = conn.execute(text("SELECT MAX(local_seq) FROM ledger")).scalar_one()
        conn.execute(text("UPDATE sync_state SET value = :v WHERE key = 'push_through'"), {"v": str(through)})
    commit_sale(store, SaleRequest(member_code, 100_000, redeem_points=4000))  # offline again: 4000 pending
    quote = quote_sale(store, SaleRequest(member_code, 100_000))
    assert quote.max_redeemable_points == 1000  # the rules' offline cap per member is 5000
    with pytest.raises(RuleRefused) as caught:
        commit_sale(store, SaleRequest(member_code, 100_000, redeem_points=1001))
    assert caught.value.reason == Reason.POINTS_OVER_OFFLINE_MEMBER_CAP and caught.value.params == {"left": 1000}
    assert commit_sale(store, SaleRequest(member_code, 100_000, redeem_points=1000)).quote.points_redeemed == 1000


def test_a_store_on_its_own_is_limited_by_balance_and_bill_only(store):
    member = members.register_member(store, "Li Si", "13700002222")
    stored_value.adjust_points(store, member.card_no or "", 2000, "opening balance", MANAGER_PIN)
    quote = quote_sale(store, SaleRequest(member.card_no or "", 100_000))
    assert quote.max_redeemable_points == 2000
    assert commit_sale(store, SaleRequest(member.card_no or "", 100_000, redeem_points=2000)).quote.points_redeemed
