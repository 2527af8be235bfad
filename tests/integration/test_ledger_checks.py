"""The till writes only what HQ accepts: ledger.post runs the same checks (pos_member/domain/validate.py) on
every entry, so a service that tried to post an entry no till may write fails and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.domain.validate import EntryLimits, check_entry
from pos_member.services import members
from pos_member.services.ledger import Posting, post
from pos_member.storage import tables as t


@pytest.mark.parametrize(("posting", "sale_id", "reason"), [
    (Posting("points", "redeem", 5), "S-1", Reason.ENTRY_BAD_SIGN),
    (Posting("stored_paid", "adjust", 10**12), None, Reason.ENTRY_BAD_PAIR),
    (Posting("stored_paid", "redeem", -100), "S-1", Reason.ENTRY_BAD_PAIR),
    (Posting("points", "transfer", 5), None, Reason.ENTRY_BAD_PAIR),
    (Posting("points", "earn", 5), None, Reason.ENTRY_NO_SALE),
    (Posting("stored_paid", "topup", 100_000_001), None, Reason.ENTRY_TOO_LARGE),
    (Posting("points", "adjust", 10_000_001), None, Reason.ENTRY_TOO_LARGE),
])
def test_post_refuses_an_entry_no_till_may_write_and_writes_nothing(store, posting, sale_id, reason):
    view = members.register_member(store, "Alice", "13900001111")
    with store.db.read() as conn:
        before = conn.execute(select(func.count()).select_from(t.ledger)).scalar_one()
    with pytest.raises(InvalidInput) as refused, store.db.write() as conn:
        member_id = conn.execute(select(t.members.c.id).where(t.members.c.uuid == view.uuid)).scalar_one()
        post(conn, store, member_id, [posting], staff_id=None, rules_version=1,
             business_time=store.now(), sale_id=sale_id)
    assert refused.value.reason == reason
    with store.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.ledger)).scalar_one() == before


def test_the_rules_limits_bound_each_kind(store):
    with store.db.read() as conn:
        _, rules = store.rules(conn)
    limits = EntryLimits.of(rules)
    entry = {"entry_id": "0192f0e4-0000-7000-8000-000000000001", "local_seq": 1, "account": "stored_paid",
             "kind": "topup", "delta": rules.max_topup_fen, "rules_version": 1,
             "business_time": "2026-11-24T10:00:00+08:00"}
    check_entry(entry, limits)  # the till's own limit is allowed
    with pytest.raises(InvalidInput) as refused:
        check_entry(entry | {"delta": rules.max_topup_fen + 1}, limits)
    assert refused.value.reason == Reason.ENTRY_TOO_LARGE
    with pytest.raises(InvalidInput) as refused:
        check_entry(entry | {"delta": True}, limits)
    assert refused.value.reason == Reason.ENTRY_BAD_TYPE
