"""Issue 11, points 1-3 and the sales report, on real parts (HQ on PostgreSQL, enrolled store files): sales,
refunds and coupons reach HQ once; a sale is refunded at any till of the chain with the same per-line
arithmetic; a coupon issued at one store is used at another; double refunds and double coupon uses are
refused online and flagged when tills were offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from sqlalchemy import select, text

from pos_member.cli import main as pos_member
from pos_member.domain.errors import NotFound, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.context import Store
from pos_member.services.coupons import issue_coupon
from pos_member.services.history import recent_sales
from pos_member.services.lookup import show_member
from pos_member.services.refunds import refund_sale
from pos_member.services.reports import sales_report as till_sales_report
from pos_member.storage import tables as st
from pos_member.storage.documents import document_record
from sync.hq import db
from sync.hq import tables as hqt
from sync.hq.cli import main as pos_hq
from sync.hq.coupons import coupon_is_used
from sync.hq.report_sales import sales_report
from tests.conftest import MANAGER_PIN
from tests.sync.fixtures import assert_invariants, sync, sync_all
from tests.sync.pg import free_port

LINES = (("food", 6000), ("drink", 4000))  # a 100-yuan bill of two lines


@contextmanager
def offline(store: Store) -> Iterator[None]:
    """The till cannot reach HQ (its HQ address leads nowhere) until the block ends."""
    with store.db.write() as conn:
        url = conn.execute(text("SELECT value FROM sync_state WHERE key = 'hq_url'")).scalar_one()
        conn.execute(text("UPDATE sync_state SET value = :v WHERE key = 'hq_url'"),
                     {"v": f"http://127.0.0.1:{free_port()}"})
    try:
        yield
    finally:
        with store.db.write() as conn:
            conn.execute(text("UPDATE sync_state SET value = :v WHERE key = 'hq_url'"), {"v": url})


def _flags(hq, kind: str) -> list[tuple[str, dict]]:
    with db.read(hq.engine) as conn:
        return [(r.subject, json.loads(r.detail)) for r in conn.execute(
            select(hqt.flags.c.subject, hqt.flags.c.detail).where(hqt.flags.c.kind == kind))]


def _counts(store: Store) -> tuple[int, int]:
    with store.db.read() as conn:
        return (conn.execute(text("SELECT COUNT(*) FROM refunds")).scalar_one(),
                conn.execute(text("SELECT COUNT(*) FROM ledger")).scalar_one())


def test_a_sale_at_a_is_refunded_at_b_and_at_a_second_till_and_no_line_twice(hq, stores, capsys):
    a = stores.enrolled(hq, "001")
    a2 = stores.enrolled(hq, "001", device_no=2)
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "张三", "13800001234")
    sale = commit_sale(a, SaleRequest(view.card_no, 10000, lines=LINES))
    assert sale.receipt_no == "001-1-1"
    other = commit_sale(a, SaleRequest(view.card_no, 5000))
    sync(a)
    # store B has never pulled this member; it finds the sale at HQ by its receipt number
    at_b = refund_sale(b, sale.receipt_no, None, MANAGER_PIN, lines={1: None})
    assert at_b.sale_id == sale.sale_id and at_b.figures.amount_fen == 6000
    assert at_b.figures.points_reversed == sale.quote.line_details[0].points_earned  # the line's own figures
    assert at_b.figures.clawback_points == 0  # B knows the member's points (HQ's entries came with the sale)
    assert at_b.points_balance == show_member(a, view.card_no).points - at_b.figures.points_reversed
    with b.db.read() as conn:
        entries = conn.execute(select(st.ledger.c.device_id, st.ledger.c.store_code).where(
            st.ledger.c.ref_id == at_b.refund_id)).all()
    assert entries and {e.store_code for e in entries} == {"002"}  # written where the refund happened
    sync(b)
    # the second line at A's second till, through the command line
    home = a2.db.path.parent
    assert pos_member(["--home", str(home), "--json", "refund", sale.sale_id, "--line", "2",
                       "--manager-pin", MANAGER_PIN]) == 0
    done = json.loads(capsys.readouterr().out)
    assert done["amount_fen"] == 4000 and done["lines"][0]["line_no"] == 2
    sync(a2)
    # HQ knows both refunds: the selling till itself is refused a third, online
    with pytest.raises(RuleRefused) as refused:
        refund_sale(a, sale.sale_id, None, MANAGER_PIN)
    assert refused.value.reason == Reason.SALE_FULLY_REFUNDED
    # ...and B is refused line 1 again, through the command line too
    assert pos_member(["--home", str(b.db.path.parent), "--json", "refund", sale.sale_id, "--line", "1"]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == Reason.SALE_FULLY_REFUNDED
    with db.read(hq.engine) as conn:
        held = conn.execute(select(hqt.refunds.c.store_code, hqt.refunds.c.amount_fen).where(
            hqt.refunds.c.sale_id == sale.sale_id).order_by(hqt.refunds.c.store_code)).all()
        spend = conn.execute(select(hqt.member_sales.c.qualifying_fen).where(
            hqt.member_sales.c.sale_id == sale.sale_id)).scalar_one()
    assert [(r.store_code, r.amount_fen) for r in held] == [("001", 4000), ("002", 6000)]
    assert spend == 0  # tier spend: the sale less its refunds
    refund_sale(a, other.receipt_no, 1000, None)  # A's own other sale, as before
    sync_all([a, a2, b])
    assert show_member(a, view.card_no).points == show_member(b, view.card_no).points
    assert_invariants(hq.engine, [a, a2, b])
    assert not _flags(hq, "double_refund")


def test_offline_a_sale_of_another_till_is_refused_with_a_sentence_and_nothing_is_written(hq, stores, capsys):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "李四", "13800005678")
    sale = commit_sale(a, SaleRequest(view.card_no, 10000, lines=LINES))
    sync(a)
    home = str(b.db.path.parent)  # online, at store B, by the receipt number: imported there, refunded
    assert pos_member(["--home", home, "--json", "refund", sale.receipt_no, "--amount", "10"]) == 0
    assert json.loads(capsys.readouterr().out)["amount_fen"] == 1000
    before = _counts(b)
    with offline(b):
        for key in (sale.sale_id, sale.receipt_no):
            with pytest.raises(RuleRefused) as refused:
                refund_sale(b, key, 1000, None)
            assert refused.value.reason == Reason.FOREIGN_SALE_OFFLINE
            assert "another till" in str(refused.value) and "HQ cannot be reached" in str(refused.value)
        with pytest.raises(NotFound):
            refund_sale(b, "001-1-99", None, None)  # a receipt neither B nor (unreachable) HQ knows
        assert pos_member(["--home", home, "--json", "refund", sale.receipt_no, "--amount", "10"]) == 1
        refused = json.loads(capsys.readouterr().out)
        assert refused["reason"] == Reason.FOREIGN_SALE_OFFLINE and "another till" in refused["error"]
    assert _counts(b) == before
    with offline(a):  # the selling till refunds its own sale offline, from what it knows
        refund_sale(a, sale.receipt_no, 1000, None)


def test_one_line_refunded_at_two_tills_while_offline_is_flagged_at_hq(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "王五", "13800009999")
    sale = commit_sale(a, SaleRequest(view.card_no, 10000, lines=LINES))
    sync(a)
    with offline(a):
        refund_sale(a, sale.sale_id, None, MANAGER_PIN, lines={1: None})  # A, offline
    refund_sale(b, sale.sale_id, None, MANAGER_PIN, lines={1: None})  # B: HQ has not heard of A's refund
    with offline(b):
        pass  # B's refund is not pushed yet either
    sync(a)
    sync(b)
    flags = _flags(hq, "double_refund")
    assert [subject for subject, _ in flags] == [sale.sale_id]
    assert flags[0][1]["lines"] == "1" and flags[0][1]["refunded_fen"] == 12000
    with db.read(hq.engine) as conn:  # both refunds happened (the money left two tills): both are on record
        assert conn.execute(select(hqt.refunds.c.refund_id).where(hqt.refunds.c.sale_id == sale.sale_id)).all()
        assert len(conn.execute(select(hqt.refunds.c.refund_id).where(
            hqt.refunds.c.sale_id == sale.sale_id)).all()) == 2
    sync_all([a, b])
    assert_invariants(hq.engine, [a, b])


def test_a_coupon_issued_at_a_is_used_at_b_after_a_pull_and_a_second_use_is_flagged(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "赵六", "13800002222")
    coupon = issue_coupon(a, view.card_no, "save10")  # 10 off 100
    sync(a)
    sync(b)
    used = commit_sale(b, SaleRequest(view.card_no, 10000, coupon=coupon["qr"]))
    assert used.quote.coupon_fen == 1000
    with offline(a):  # A has not heard of B's use: its own coupon, accepted offline, used again
        again = commit_sale(a, SaleRequest(view.card_no, 10000, coupon=coupon["code"]))
        assert again.quote.coupon_fen == 1000
    sync(b)
    with db.read(hq.engine) as conn:
        assert coupon_is_used(conn, coupon["code"])
        assert not coupon_is_used(conn, "NOSUCHCODE")
    sync(a)
    assert [subject for subject, _ in _flags(hq, "coupon_double_use")] == [coupon["code"]]
    sync_all([a, b])
    with a.db.read() as conn:
        assert conn.execute(select(st.coupons.c.status).where(st.coupons.c.code == coupon["code"])).scalar() == "used"
    assert_invariants(hq.engine, [a, b])


def test_a_coupon_of_another_store_is_refused_offline_until_pulled(hq, stores):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "钱七", "13800003333")
    sync(a)
    sync(b)
    coupon = issue_coupon(a, view.card_no, "save10")
    sync(a)
    with pytest.raises(NotFound) as refused:  # B has not pulled it: not known here
        commit_sale(b, SaleRequest(view.card_no, 10000, coupon=coupon["code"]))
    assert refused.value.reason == Reason.NO_SUCH_COUPON
    sync(b)
    assert commit_sale(b, SaleRequest(view.card_no, 10000, coupon=coupon["code"])).quote.coupon_fen == 1000


def test_campaign_statistics_cover_the_chain(hq, stores, capsys):
    from pos_member.services.coupons import Segment, run_campaign

    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    one = members.register_member(a, "孙八", "13800004444")
    two = members.register_member(a, "周九", "13800005555")
    campaign = run_campaign(a, "save10", Segment(), MANAGER_PIN)
    assert campaign["issued"] == 2
    sync(a)
    sync(b)
    with b.db.read() as conn:
        codes = dict(conn.execute(text("SELECT m.member_no, c.code FROM coupons c JOIN members m "
                                       "ON m.id = c.member_id")).all())
    commit_sale(b, SaleRequest(one.card_no, 10000, coupon=codes[one.member_no]))
    commit_sale(a, SaleRequest(two.card_no, 10000, coupon=codes[two.member_no]))
    sync_all([a, b])
    assert pos_hq(["--db", hq.engine.url.render_as_string(hide_password=False), "--json", "report",
                   "campaigns"]) == 0
    stats = json.loads(capsys.readouterr().out)["campaigns"]
    assert [(s["store"], s["issued"], s["used"], s["used_by_store"]) for s in stats] == [
        ("001", 2, 2, {"001": 1, "002": 1})]


def test_sales_report_by_store_and_day(hq, stores, capsys):
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "吴十", "13800006666")
    first = commit_sale(a, SaleRequest(view.card_no, 10000, lines=LINES))
    commit_sale(a, SaleRequest(view.card_no, 2550))
    sync_all([a, b])
    commit_sale(b, SaleRequest(view.card_no, 30000))
    refund_sale(b, first.sale_id, None, MANAGER_PIN, lines={2: None})  # A's sale refunded at B
    sync_all([a, b])
    report = sales_report(hq.engine, "2026-11")
    days = {(r["store_code"], r["day"]): r for r in report["days"]}
    assert days[("001", "2026-11-24")]["sales_count"] == 2
    assert days[("001", "2026-11-24")]["sales_fen"] == 12550
    assert days[("001", "2026-11-24")]["refunds_count"] == 0
    assert days[("002", "2026-11-24")]["sales_fen"] == 30000
    assert days[("002", "2026-11-24")]["refunds_fen"] == 4000  # counted where the refund was made
    assert report["total"]["sales_count"] == 3 and report["total"]["net_fen"] == 12550 + 30000 - 4000
    assert sales_report(hq.engine, "2026-10")["days"] == []
    assert [s["store_code"] for s in sales_report(hq.engine, "2026-11-01..2026-11-30", "002")["stores"]] == ["002"]
    url = hq.engine.url.render_as_string(hide_password=False)
    assert pos_hq(["--db", url, "report", "sales", "--period", "2026-11"]) == 0
    shown = capsys.readouterr().out
    assert "125.50" in shown and "385.50" in shown and "fen" not in shown  # yuan, never raw fen
    assert pos_hq(["--db", url, "report", "sales", "--period", "2026-11", "--store", "002", "--csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("store,day,sales,sales_yuan") and rows[1].startswith("002,2026-11-24,1,300.00")
    assert pos_hq(["--db", url, "report", "sales", "--period", "2026-13"]) == 1
    assert "--period" in capsys.readouterr().err
    assert pos_hq(["--db", url, "--json", "sale", first.receipt_no]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["sale"]["sale_id"] == first.sale_id and len(shown["lines"]) == 2 and len(shown["refunds"]) == 1
    assert pos_hq(["--db", url, "sale", first.receipt_no]) == 0  # for a person: yuan, lines, refunds, no phone
    text_out = capsys.readouterr().out
    assert text_out.startswith(f"Sale {first.receipt_no} at store ") and "refund at store" in text_out
    assert "_fen" not in text_out and "{" not in text_out and "138" not in text_out


def test_documents_are_stored_once_and_a_changed_copy_is_rejected(hq, stores):
    a = stores.enrolled(hq, "001")
    view = members.register_member(a, "郑一", "13800007777", card_type="vip")  # a 199-yuan card fee
    sale = commit_sale(a, SaleRequest(view.card_no, 10000, lines=LINES))
    sync(a)
    with a.db.read() as conn:
        doc = document_record(conn, "sale_doc", sale.sale_id, a.identity.device_id)
        token = conn.execute(text("SELECT value FROM sync_state WHERE key = 'token'")).scalar_one()
    assert doc is not None and doc["receipt_no"] == sale.receipt_no

    def push(record: dict) -> dict:
        reply = requests.post(f"{hq.url}/v1/push", json={"protocol": 1, "records": [record]},
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert reply.status_code == 200
        return reply.json()["records"][0]

    assert push({"kind": "sale_doc", "sale_doc": doc})["status"] == "duplicate"
    changed = push({"kind": "sale_doc", "sale_doc": doc | {"payable_fen": doc["payable_fen"] - 100}})
    assert changed["status"] == "rejected" and changed["code"] == Reason.DOC_CONFLICT
    bad_lines = dict(doc, sale_id="0" * 8 + doc["sale_id"][8:], receipt_no=None,
                     lines=[doc["lines"][0] | {"amount_fen": 1}, doc["lines"][1]])
    refused = push({"kind": "sale_doc", "sale_doc": bad_lines})  # figures no till could have written
    assert refused["status"] == "rejected" and refused["code"] == Reason.DOC_FIGURES
    with db.read(hq.engine) as conn:
        assert conn.execute(select(hqt.sales.c.payable_fen).where(hqt.sales.c.sale_id == sale.sale_id)
                            ).scalar_one() == doc["payable_fen"]
        assert conn.execute(select(hqt.daily_sales.c.sales_count)).scalar_one() == 1
    from pos_member.services.stored_value import top_up

    topped = top_up(a, view.card_no, 50000)
    sync(a)
    sync(a)  # nothing left to send: every document once
    with db.read(hq.engine) as conn:
        assert conn.execute(select(hqt.topups.c.topup_id, hqt.topups.c.paid_fen)).all() == [
            (topped.topup_id, 50000)]
        with a.db.read() as local:
            fees = local.execute(select(st.card_fees.c.fee_fen)).scalars().all()
        assert conn.execute(select(hqt.card_fees.c.fee_fen)).scalars().all() == fees == [19900]
    lookup = requests.get(f"{hq.url}/v1/sales/{sale.receipt_no}", headers={"Authorization": f"Bearer {token}"},
                          timeout=10)
    assert lookup.status_code == 200 and lookup.json()["sale"]["sale_id"] == sale.sale_id
    assert requests.get(f"{hq.url}/v1/sales/{sale.receipt_no}", timeout=10).status_code == 401
    assert requests.get(f"{hq.url}/v1/sales/001-1-999", headers={"Authorization": f"Bearer {token}"},
                        timeout=10).status_code == 404


def test_a_replacement_till_continues_the_receipt_numbers_of_the_dead_one(hq, stores):
    from sync.hq import admin

    dead = stores.enrolled(hq, "001")
    view = members.register_member(dead, "冯二", "13800008888")
    for _ in range(3):
        last = commit_sale(dead, SaleRequest(view.card_no, 1000))
    sync(dead)
    assert last.receipt_no == "001-1-3"
    admin.revoke_device(hq.engine, dead.identity.device_id)
    new = stores.enrolled(hq, "001", folder="new-hardware")
    sync(new)
    assert commit_sale(new, SaleRequest(view.card_no, 1000)).receipt_no == "001-1-4"


def test_a_refund_at_the_command_line_reaches_hq_at_once_so_the_selling_till_refuses_the_same_line(
        hq, stores, capsys):
    """No sync in between: the refund at B is pushed as it is made (`sent_to_hq`), A's lookup finds it."""
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    view = members.register_member(a, "钱七", "13800004321")
    sale = commit_sale(a, SaleRequest(view.card_no, 10000, lines=LINES))
    sync(a)
    assert pos_member(["--home", str(b.db.path.parent), "--json", "refund", sale.receipt_no, "--line", "2",
                       "--manager-pin", MANAGER_PIN]) == 0
    refunded = json.loads(capsys.readouterr().out)
    assert refunded["sent_to_hq"] is True and refunded["amount_fen"] == 4000
    # B's own report: the refund made there, not A's sale imported to refund it
    at_b = till_sales_report(b, "2026-01-01", "2028-01-01")  # the command line runs on the real clock
    assert at_b["days"] == [] and at_b["refunds"]["refunds"] == 1
    assert [row["sale_id"] for row in recent_sales(b)] == []
    with pytest.raises(RuleRefused):
        refund_sale(a, sale.sale_id, None, MANAGER_PIN, lines={2: None})
    assert refund_sale(a, sale.sale_id, None, MANAGER_PIN).figures.amount_fen == 6000  # the rest: line 1
    sync(b)
    with offline(b):  # HQ unreachable: the refund waits for the next sync, and the answer says so
        other = commit_sale(b, SaleRequest(view.card_no, 5000))
        assert pos_member(["--home", str(b.db.path.parent), "--json", "refund", other.sale_id,
                           "--manager-pin", MANAGER_PIN]) == 0
        assert json.loads(capsys.readouterr().out)["sent_to_hq"] is False
