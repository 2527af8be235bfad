"""Settlement between stores (issue 11 point 5): real tills push through a real HQ on PostgreSQL; the
statement is what `pos-hq report settlement` prints. Each store's points are attributed by the member's FIFO
lots to the store that issued them, at that store's rate on the day they were issued."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from pos_member.services import members, refunds, stored_value
from pos_member.services.checkout import SaleRequest, commit_sale
from sync.hq import admin, cli, settle_catchup, tables
from sync.hq import jobs as hq_jobs
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import HQ, Stores, sync


def statement(hq: HQ, period: str = "2026-11") -> dict[str, Any]:
    report = admin.settlement(hq.engine, period, against_ledger=True)
    check = report["check"]
    assert check["nets_to_zero"] and check["agrees_with_ledger"] and check["entries_scanned_agree"], check
    return report


def points_owed(report: dict[str, Any], issuer: str, redeemer: str) -> tuple[int, int]:
    """(points, fen) that `issuer` owes `redeemer` in the statement."""
    cell = next((c for c in report["points"] if c["issuer"] == issuer and c["redeemer"] == redeemer), None)
    return (cell["points"], cell["fen"]) if cell else (0, 0)


def total(report: dict[str, Any], store: str) -> dict[str, int]:
    return next(row for row in report["totals"] if row["store"] == store)


def redeem(store, card_no: str, points: int, amount_fen: int | None = None):
    """A sale at `store` paying `points` (the bill 4x the points' value: within the 50% rule after any tier discount)."""
    return commit_sale(store, SaleRequest(card_no, amount_fen or points * 4, redeem_points=points))


def test_a_refund_of_a_redemption_takes_its_settlement_back(hq: HQ, stores: Stores):
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    view = members.register_member(a, "Li", "13800005555")
    commit_sale(a, SaleRequest(view.card_no, 300000))  # 3,000 points issued by store 001
    sync(a)
    sync(b)
    sale = redeem(b, view.card_no, 1454, 10000)  # 1,454 points redeemed at store 002
    sync(b)
    before = statement(hq)
    assert points_owed(before, "001", "002") == (1454, 1454)  # the default rate: 100 points = 1 yuan
    assert total(before, "001")["to_pay_fen"] == 1454 and total(before, "002")["to_receive_fen"] == 1454
    assert before["payments"] == [{"from_store": "001", "to_store": "002", "amount_fen": 1454}]
    assert before["check"]["points"]["ledger"] == 1454

    refunds.refund_sale(b, sale.sale_id, None, None)  # store 002 gives the sale back: the points come back
    sync(b)
    after = statement(hq)
    assert points_owed(after, "001", "002") == (0, 0)
    assert total(after, "001")["to_pay_fen"] == 0 and after["payments"] == []
    # the points went back into 001's lot: spent at 002 again, 001 owes for them again
    sync(b)
    redeem(b, view.card_no, 1000)
    sync(b)
    assert points_owed(statement(hq), "001", "002") == (1000, 1000)


def test_goodwill_credit_spent_at_two_stores(hq: HQ, stores: Stores):
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    view = members.register_member(a, "Wang", "13800006666")
    stored_value.adjust_points(a, view.card_no, 20000, "goodwill: broken freezer", MANAGER_PIN)
    sync(a)
    for _ in range(2):  # 10,000 points at each store, in steps within the offline per-member cap
        redeem(a, view.card_no, 5000)
        sync(a)
        sync(b)
        redeem(b, view.card_no, 5000)
        sync(b)
        sync(a)
    report = statement(hq)
    # the sales earned points too, but the goodwill lot is older: FIFO spends it first, all of it
    assert points_owed(report, "001", "002") == (10000, 10000)
    assert points_owed(report, "001", "001")[0] == 10000  # A's own share: shown, never paid
    assert total(report, "001")["to_pay_fen"] == 10000 and total(report, "002")["to_receive_fen"] == 10000
    assert report["payments"] == [{"from_store": "001", "to_store": "002", "amount_fen": 10000}]


def test_each_store_is_paid_at_its_rate_in_force_when_it_issued(hq: HQ, stores: Stores):
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    admin.set_settlement_rate(hq.engine, "001", 100, "2026-01-01")
    admin.set_settlement_rate(hq.engine, "001", 50, "2026-11-25")  # from the 25th, 001's points are worth less
    admin.set_settlement_rate(hq.engine, "*", 80, "2026-01-01")  # the chain default: 002 has no rate of its own
    view = members.register_member(a, "Zhao", "13800007777")
    commit_sale(a, SaleRequest(view.card_no, 100000))  # 1,000 points from 001 on the 24th (100 fen/100)
    sync(a)
    a.clock.advance(days=1)
    b.clock.advance(days=1)
    commit_sale(a, SaleRequest(view.card_no, 200000))  # 2,000 points from 001 on the 25th (50 fen/100)
    sync(a)
    sync(b)
    redeem(b, view.card_no, 1500)  # FIFO: 1,000 of the 24th's lot, 500 of the 25th's
    sync(b)
    report = statement(hq)
    assert points_owed(report, "001", "002") == (1500, 1000 + 250)
    sync(a)
    commit_sale(b, SaleRequest(view.card_no, 900000))  # 9,000 points from 002 (the default, 80)
    sync(b)
    sync(a)
    redeem(a, view.card_no, 4000)  # 1,500 left of 001's lot of the 25th, then 2,500 of 002's
    sync(a)
    report = statement(hq)
    assert points_owed(report, "001", "001") == (1500, 750)
    assert points_owed(report, "002", "001") == (2500, 2000)
    assert total(report, "001") == {"store": "001", "to_pay_fen": 1250, "to_receive_fen": 2000, "net_fen": 750}
    assert report["payments"] == [{"from_store": "002", "to_store": "001", "amount_fen": 750}]


def test_stored_value_topped_up_at_a_and_spent_at_b(hq: HQ, stores: Stores):
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    view = members.register_member(a, "Qian", "13800008888")
    topped = stored_value.top_up(a, view.card_no, 50000)  # 500 yuan paid, 50 yuan bonus at store 001
    assert topped.bonus_fen == 5000
    sync(a)
    sync(b)
    sale = commit_sale(b, SaleRequest(view.card_no, 33000, stored_value_fen=33000))
    sync(b)
    report = statement(hq)
    (cell,) = report["stored_value"]
    paid, bonus = sale.quote.stored_paid_fen, sale.quote.stored_bonus_fen
    assert paid + bonus == 33000 and bonus > 0
    assert cell == {"issuer": "001", "redeemer": "002", "paid_fen": paid, "bonus_fen": bonus, "fen": 33000}
    assert report["payments"] == [{"from_store": "001", "to_store": "002", "amount_fen": 33000}]
    back = refunds.refund_sale(b, sale.sale_id, 10000, None).figures  # 100 yuan of it back, at 002
    restored = back.stored_paid_restored_fen + back.stored_bonus_restored_fen
    assert restored > 0
    sync(b)
    refunded = statement(hq)
    assert sum(c["fen"] for c in refunded["stored_value"]) == 33000 - restored
    admin_share = cli.main(["--db", hq.engine.url.render_as_string(hide_password=False), "settlement",
                            "bonus-share", "0"])
    assert admin_share == 0
    report = statement(hq)
    (cell,) = report["stored_value"]
    assert cell["fen"] == cell["paid_fen"]  # bonus settled at 0%: the redeeming store bears it
    assert total(report, "002")["to_receive_fen"] == cell["paid_fen"]


def test_goods_taken_back_at_b_for_a_sale_paid_at_a_are_paid_by_b_never_a_negative_total(hq: HQ, stores: Stores):
    """Stored value topped up and spent at A, the goods brought back to B: B restores A's stored value, so
    B owes A; the totals say so in amounts to pay and receive, never below zero."""
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    view = members.register_member(a, "Sun", "13800003333")
    stored_value.top_up(a, view.card_no, 50000)
    sale = commit_sale(a, SaleRequest(view.card_no, 20000, stored_value_fen=20000))
    sync(a)
    back = refunds.refund_sale(b, sale.receipt_no, None, MANAGER_PIN).figures
    sync(b)
    restored = back.stored_paid_restored_fen + back.stored_bonus_restored_fen
    assert restored == 20000
    report = statement(hq)
    assert all(row["to_pay_fen"] >= 0 and row["to_receive_fen"] >= 0 for row in report["totals"])
    assert total(report, "002")["to_pay_fen"] == total(report, "001")["to_receive_fen"] == restored
    assert report["payments"] == [{"from_store": "002", "to_store": "001", "amount_fen": restored}]


def test_expiry_and_a_merge_move_the_lots(hq: HQ, stores: Stores):
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    keep = members.register_member(a, "Sun", "13800009999")
    other = members.register_member(b, "Sun", "13800009999")  # the same person, registered at 002 too
    commit_sale(b, SaleRequest(other.card_no, 200000))  # 2,000 points from 002 on the 24th
    sync(b)
    a.clock.advance(days=1)
    commit_sale(a, SaleRequest(keep.card_no, 300000))  # 3,000 points from 001 on the 25th
    sync(a)
    admin.merge_members(hq.engine, keep.uuid, other.uuid)
    sync(a)
    redeem(a, keep.card_no, 2500)  # the oldest lot first: 002's 2,000 (moved with the merge), then 500 of 001's
    sync(a)
    report = statement(hq)
    assert points_owed(report, "002", "001") == (2000, 2000)
    assert points_owed(report, "001", "001")[0] == 500
    # HQ's expiry job lapses what is left of those lots (end of next year: the job for 1 Jan 2028)
    assert hq_jobs.run_jobs(hq.engine, date(2028, 1, 1))["expiry"]["points"] > 0
    sync(a)
    sync(b)
    commit_sale(b, SaleRequest(keep.card_no, 100000))  # 1,000 new points from 002
    sync(b)
    sync(a)
    redeem(a, keep.card_no, 1000)  # 001's old lot expired: these can only be 002's
    sync(a)
    report = statement(hq)
    assert points_owed(report, "002", "001") == (3000, 3000)
    assert points_owed(report, "001", "001")[0] == 500
    assert report["check"]["points"]["ledger"] == 3500
    # attributed again from the first entry, two entries per transaction (a merge's transfer pairs straddle
    # the batches): the same roll-up to the row
    rollup = _rollup(hq)
    settle_catchup.rebuild(hq.engine, batch=2)
    assert _rollup(hq) == rollup


def _rollup(hq: HQ) -> list[tuple]:
    with hq.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(tables.settle_daily).order_by(*tables.settle_daily.primary_key))]


def test_a_balance_spent_twice_offline_is_settled_once_new_points_cover_it(hq: HQ, stores: Stores):
    a, b, c = (stores.enrolled(hq, code) for code in ("001", "002", "003"))
    view = members.register_member(a, "Wu", "13800002222")
    commit_sale(a, SaleRequest(view.card_no, 300000))  # 3,000 points from 001
    sync(a)
    sync(b)
    sync(c)
    tobacco = (("tobacco", 12000),)  # earns no points: the test follows the 3,000 alone
    hq.down()  # offline (with HQ up, its hold would refuse the second): the offline limit lets both through
    for till in (b, c):  # both tills spend the confirmed 3,000 before either syncs
        commit_sale(till, SaleRequest(view.card_no, 12000, lines=tobacco, redeem_points=3000))
    hq.up()
    sync(b)
    sync(c)
    report = statement(hq)
    assert points_owed(report, "001", "002") == (3000, 3000)
    assert points_owed(report, "001", "003") == (0, 0)  # nothing was left: no store issued these
    assert report["unbacked"] == [{"redeemer": "003", "points": 3000, "stored_paid": 0, "stored_bonus": 0}]
    sync(a)
    commit_sale(a, SaleRequest(view.card_no, 500000))  # the member's next 5,000 points from 001 fill the hole
    sync(a)
    report = statement(hq)
    assert points_owed(report, "001", "003") == (3000, 3000) and report["unbacked"] == []
    assert total(report, "001")["to_pay_fen"] == 6000
    seen_by_c = admin.settlement(hq.engine, "2026-11", store="003")
    assert [(c["issuer"], c["redeemer"]) for c in seen_by_c["points"]] == [("001", "003")]
    assert seen_by_c["totals"] == [{"store": "003", "to_pay_fen": 0, "to_receive_fen": 3000, "net_fen": 3000}]


@pytest.mark.parametrize("argv", [["report", "settlement", "--period", "2026-11", "--csv"],
                                  ["report", "settlement", "--period", "2026-11"]])
def test_the_statement_as_an_operator_reads_it(hq: HQ, stores: Stores, capsys: pytest.CaptureFixture[str],
                                               argv: list[str]):
    a, b = stores.enrolled(hq, "001"), stores.enrolled(hq, "002")
    view = members.register_member(a, "Zhou", "13800001111")
    commit_sale(a, SaleRequest(view.card_no, 300000))
    sync(a)
    sync(b)
    redeem(b, view.card_no, 1454, 10000)
    sync(b)
    url = hq.engine.url.render_as_string(hide_password=False)
    assert cli.main(["--db", url, "settlement-rate", "001", "120", "--from", "2026-01-01"]) == 0
    assert cli.main(["--db", url, "settlement", "rebuild"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", url, *argv]) == 0
    out = capsys.readouterr().out
    if "--csv" in argv:
        assert "points,001,002,1454,,,17.44" in out
    else:
        assert "Pay: 001 -> 002 17.44 yuan" in out and "(ok)" in out and "{" not in out
        assert cli.main(["--db", url, *argv, "--against-ledger"]) == 0
        assert "Check against the entries themselves: ok" in capsys.readouterr().out
    assert cli.main(["--db", url, "settlement-rate", "001", "abc"]) == 1
    capsys.readouterr()
    assert cli.main(["--db", url, "settlement-rate", "90"]) == 0  # the old form: the chain default, from today
    assert cli.main(["--db", url, "settlement-rate", "--default", "95", "--from", "2027-01-01"]) == 0
    assert cli.main(["--db", url, "--json", "settlement", "rates"]) == 0
    rates = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert {(r["store"], r["from"], r["fen_per_100_points"]) for r in rates} >= {
        ("001", "2026-01-01", 120), ("*", "2027-01-01", 95), ("*", date.today().isoformat(), 90)}
    assert cli.main(["--db", url, "settlement-rate", "001", "-5"]) == 1
    assert cli.main(["--db", url, "settlement-rate", "001", "100", "--from", "2026-02-30"]) == 1
    assert cli.main(["--db", url, "settlement-rate", "009", "100"]) == 1
    assert cli.main(["--db", url, "report", "settlement", "--period", "2026-13"]) == 1
