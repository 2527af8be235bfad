"""The lot bookkeeping behind the settlement (sync.hq.settle_lots) on entries as HQ holds them, in the order
they reached HQ: late entries, overdrafts, forwarded entries of a merged member, reversals."""

from __future__ import annotations

from collections import defaultdict
from itertools import count
from types import SimpleNamespace

from sync.hq.settle_lots import WorkingSet, apply_all
from sync.hq.settle_rates import RateBook

_seq = count(1)


def entry(store: str, member: str, kind: str, delta: int, day: str = "2026-11-24", account: str = "points",
          sale_id: str | None = None, ref_id: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(seq=next(_seq), store_code=store, member_uuid=member, account=account, kind=kind,
                           delta=delta, sale_id=sale_id, ref_id=ref_id, business_time=f"{day}T10:00:00+08:00")


def owed(work: WorkingSet, account: str = "points") -> dict[tuple[str, str], int]:
    """(issuer, redeemer) -> amount over all days; '' is consumption no lot covered."""
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for (_, acct, issuer, redeemer, _), amount in work.daily.items():
        if acct == account:
            cells[(issuer, redeemer)] += amount
    return {key: value for key, value in cells.items() if value}


def run(rows: list[SimpleNamespace], rates: RateBook | None = None) -> WorkingSet:
    work = WorkingSet(rates=rates or RateBook(), next_lot_id=1)
    apply_all(work, rows)
    return work


def test_an_overdraft_waits_for_the_next_lot_and_a_late_earn_covers_it():
    rows = [entry("001", "m", "earn", 1000, sale_id="s1"),
            entry("002", "m", "redeem", -800, sale_id="s2"),
            entry("003", "m", "redeem", -800, sale_id="s3"),  # offline at both: 600 more than the member had
            entry("001", "m", "earn", 500, day="2026-11-20", sale_id="s0")]  # an offline till pushes late
    work = run(rows)
    assert owed(work) == {("001", "002"): 800, ("001", "003"): 700, ("", "003"): 100}
    # per redeeming store, everything it gave is attributed exactly once
    assert sum(v for (_, y), v in owed(work).items() if y == "003") == 800
    assert [d.amount for d in work.deficits[("m", "points")]] == [100]
    assert owed(run([SimpleNamespace(**vars(r)) for r in rows])) == owed(work)  # the same order, the same answer


def test_a_forwarded_redemption_of_a_merged_member_is_paid_from_the_survivors_lots():
    rows = [entry("001", "keep", "earn", 1000, sale_id="s1"),
            entry("002", "other", "redeem", -300, sale_id="s2"),  # pushed after the merge, for the old member
            entry("HQ", "other", "transfer", 300, ref_id="fwd"),  # forward: + on the old member first,
            entry("HQ", "keep", "transfer", -300, ref_id="fwd")]  # then - on the survivor
    work = run(rows)
    assert owed(work) == {("001", "002"): 300}
    assert not work.deficits[("other", "points")]


def test_a_merge_moves_lots_with_their_issuer_and_date():
    rates = RateBook([("001", "2026-01-01", 100), ("002", "2026-01-01", 60)])
    rows = [entry("002", "other", "earn", 400, day="2026-11-01", sale_id="s1"),
            entry("001", "keep", "earn", 1000, day="2026-11-10", sale_id="s2"),
            entry("HQ", "other", "transfer", -400, ref_id="merge"),
            entry("HQ", "keep", "transfer", 400, ref_id="merge"),
            entry("003", "keep", "redeem", -500, sale_id="s3")]
    work = run(rows, rates)
    assert owed(work) == {("002", "003"): 400, ("001", "003"): 100}
    assert {(i, r, rate) for (_, _, i, r, rate) in work.daily} == {("002", "003", 60), ("001", "003", 100)}


def test_a_reversal_leaves_its_own_lot_and_a_refund_elsewhere_gives_the_attribution_back():
    rows = [entry("001", "m", "earn", 1000, day="2026-11-01", sale_id="s1"),
            entry("002", "m", "earn", 500, day="2026-11-02", sale_id="s2"),
            entry("002", "m", "reverse", -500, sale_id="s2"),  # s2 refunded: its own lot goes, not 001's
            entry("003", "m", "redeem", -600, sale_id="s3"),
            entry("004", "m", "refund", 200, sale_id="s3")]  # s3 returned at store 004
    work = run(rows)
    assert owed(work) == {("001", "003"): 600, ("001", "004"): -200}
    assert sum(lot.remaining for lot in work.open_lots[("m", "points")]) == 600


def test_expiry_and_negative_adjustments_consume_without_settlement():
    rows = [entry("001", "m", "earn", 300, day="2026-11-01", sale_id="s1"),
            entry("002", "m", "adjust", 200, day="2026-11-02"),  # goodwill at 002: a lot of its own
            entry("HQ", "m", "expire", -250),
            entry("002", "m", "adjust", -100),
            entry("003", "m", "redeem", -150, sale_id="s3")]
    work = run(rows)
    assert owed(work) == {("002", "003"): 150}


def test_stored_value_lots_are_per_account_at_face_value():
    rows = [entry("001", "m", "topup", 50000, account="stored_paid"),
            entry("001", "m", "bonus", 5000, account="stored_bonus"),
            entry("002", "m", "spend", -30000, account="stored_paid", sale_id="s"),
            entry("002", "m", "spend", -3000, account="stored_bonus", sale_id="s")]
    work = run(rows, RateBook([("001", "2026-01-01", 7)]))  # a points rate never prices stored value
    assert owed(work, "stored_paid") == {("001", "002"): 30000}
    assert owed(work, "stored_bonus") == {("001", "002"): 3000}
    assert {rate for (_, _, _, _, rate) in work.daily} == {100}
