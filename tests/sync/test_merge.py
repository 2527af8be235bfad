"""Two stores register one phone offline; HQ flags it; `pos-hq member merge` keeps both ledgers. Real parts:
HQ on PostgreSQL served on 127.0.0.1, two store files, the `pos-hq` command as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.lookup import find_members, show_member
from pos_member.services.stored_value import top_up
from pos_member.services.verify import verify_store
from sync.hq import admin, db
from sync.hq import tables as hqt
from tests.sync.fixtures import assert_invariants, sync_all

PHONE = "13900004321"
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen")


def pos_hq(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sync.hq.cli", "--db", url, "--json", *args],
                          capture_output=True, text=True, env=ENV, timeout=60)


def hq_member(engine, uuid: str):
    with db.read(engine) as conn:
        return conn.execute(select(hqt.members).where(hqt.members.c.uuid == uuid)).one()


def local_member(store, uuid: str):
    with store.db.read() as conn:
        return conn.execute(text("SELECT * FROM members WHERE uuid = :u"), {"u": uuid}).one()


@pytest.fixture
def twins(hq, stores):
    """Store A registers KEEP and store B registers OTHER under one phone, both offline; each sells."""
    a = stores.enrolled(hq, "001")
    b = stores.enrolled(hq, "002")
    keep = members.register_member(a, "孙八", PHONE)
    other = members.register_member(b, "孙八", PHONE)
    commit_sale(a, SaleRequest(keep.card_no, 30000))  # 300 points on KEEP
    commit_sale(b, SaleRequest(other.card_no, 20000))  # 200 points on OTHER
    top_up(b, other.card_no, 10000)  # stored value on OTHER
    sync_all([a, b])
    return a, b, keep, other


def test_merge_keeps_both_ledgers_and_every_store_sees_one_member(hq, pg_url, twins):
    a, b, keep, other = twins
    stored_before = show_member(b, other.card_no)
    assert stored_before.points == 200 and stored_before.stored_value_fen > 0

    listed = pos_hq(pg_url, "member", "duplicates")
    assert listed.returncode == 0, listed.stderr
    [flag] = json.loads(listed.stdout)
    assert {m["uuid"] for m in flag["members"]} == {keep.uuid, other.uuid}
    assert {m["member_no"]: m["points"] for m in flag["members"]} == {keep.member_no: 300, other.member_no: 200}

    done = pos_hq(pg_url, "member", "merge", keep.uuid, other.uuid)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["moved"]["points"] == 200 and result["cards_moved"] == [other.card_no]
    assert admin.list_flags(hq.engine, "duplicate_phone") == []

    merged = hq_member(hq.engine, other.uuid)
    kept = hq_member(hq.engine, keep.uuid)
    assert (merged.status, merged.merged_into, merged.phone) == ("merged", keep.uuid, None)
    assert kept.phone == PHONE and kept.points == 500
    assert (merged.points, merged.stored_paid_fen, merged.stored_bonus_fen) == (0, 0, 0)
    assert (kept.stored_paid_fen, kept.stored_bonus_fen) == (stored_before.stored_paid_fen,
                                                             stored_before.stored_bonus_fen)
    with db.read(hq.engine) as conn:
        hq_rows = conn.execute(select(hqt.entries).where(hqt.entries.c.device_id == "HQ")
                               .order_by(hqt.entries.c.local_seq)).all()
        other_kinds = {r.kind for r in conn.execute(select(hqt.entries.c.kind).where(
            hqt.entries.c.member_uuid == other.uuid, hqt.entries.c.device_id != "HQ"))}
        card_owner = conn.execute(select(hqt.cards.c.member_uuid).where(
            hqt.cards.c.card_no == other.card_no)).scalar_one()
    assert [r.local_seq for r in hq_rows] == list(range(1, len(hq_rows) + 1))  # gap-free, HQ's own
    assert {r.kind for r in hq_rows} == {"transfer"} and sum(r.delta for r in hq_rows) == 0
    assert {"earn", "topup"} <= other_kinds  # OTHER's own ledger is still whole
    assert card_owner == keep.uuid
    earned_lot = next(r for r in hq_rows if r.account == "points" and r.delta > 0)
    with db.read(hq.engine) as conn:
        lot = conn.execute(select(hqt.entries.c.expires_on).where(
            hqt.entries.c.member_uuid == other.uuid, hqt.entries.c.kind == "earn")).scalar_one()
    assert earned_lot.expires_on == lot  # the lot keeps its expiry on KEEP

    sync_all([a, b])
    for store in (a, b):
        by_phone = show_member(store, PHONE)
        assert by_phone.uuid == keep.uuid and by_phone.points == 500
        assert by_phone.stored_value_fen == stored_before.stored_value_fen
        assert show_member(store, other.member_no).uuid == keep.uuid
        assert show_member(store, other.card_no).uuid == keep.uuid
        assert [m.uuid for m in find_members(store, "孙八")] == [keep.uuid]
        gone = local_member(store, other.uuid)
        assert (gone.status, gone.merged_into, gone.phone, gone.points) == ("merged", keep.uuid, None, 0)
        assert verify_store(store).ok, verify_store(store).problems

    # OTHER's old card works at B, books on KEEP, and may spend points A issued
    sale = commit_sale(b, SaleRequest(other.card_no, 10000, redeem_points=400))
    assert sale.member_no == keep.member_no and sale.quote.points_redeemed == 400
    assert local_member(b, other.uuid).points == 0
    sync_all([a, b])
    expected = 500 - 400 + sale.quote.points_earned
    assert show_member(a, keep.card_no).points == show_member(b, other.card_no).points == expected
    assert hq_member(hq.engine, other.uuid).points == 0
    assert_invariants(hq.engine, [a, b])


def test_merge_refusals_are_one_clear_line(hq, pg_url, twins):
    _, _, keep, other = twins
    for args, message in [((keep.uuid, keep.uuid), "into itself"),
                          ((keep.uuid, "no-such-member"), "no member no-such-member"),
                          (("no-such-member", other.uuid), "no member no-such-member")]:
        with pytest.raises(admin.AdminError, match=message):
            admin.merge_members(hq.engine, *args)
        done = pos_hq(pg_url, "member", "merge", *args)
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    admin.merge_members(hq.engine, keep.uuid, other.uuid)
    with pytest.raises(admin.AdminError, match="already merged"):
        admin.merge_members(hq.engine, keep.uuid, other.uuid)
    with pytest.raises(admin.AdminError, match="already merged"):
        admin.merge_members(hq.engine, other.uuid, keep.uuid)
    assert hq_member(hq.engine, keep.uuid).points == 500  # refusals changed nothing


def test_points_move_lot_by_lot_on_an_embedded_sqlite_hq(tmp_path):
    """FIFO by expiry, as the stores' expiry job counts it: what is left of each lot keeps its expires_on."""
    from sync.hq.chain_ledger import hq_entries
    from sync.hq.member_merge import points_lots

    engine = db.make_engine(f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}")
    try:
        db.upgrade(engine)
        now = "2026-11-24T02:00:00+00:00"
        with db.write(engine) as conn:
            head = db.lock_feed(conn)
            for uuid, phone in (("keep", PHONE), ("other", PHONE)):
                conn.execute(hqt.members.insert().values(
                    uuid=uuid, member_no=f"M-{uuid}", home_store="001", name="x", phone=phone,
                    tier_code="standard", status="active", created_at=now, updated_at=now))
            rows, head = hq_entries(conn, [
                {"member_uuid": "other", "account": "points", "delta": 100, "expires_on": "2027-01-01"},
                {"member_uuid": "other", "account": "points", "delta": 50, "expires_on": "2028-01-01"},
                {"member_uuid": "other", "account": "points", "delta": -120},
                {"member_uuid": "other", "account": "points", "delta": 10},
                {"member_uuid": "other", "account": "stored_paid", "delta": 700},
            ], head, now)
            conn.execute(hqt.entries.insert(), rows)
            conn.execute(hqt.members.update().where(hqt.members.c.uuid == "other").values(
                points=40, stored_paid_fen=700))
            db.set_feed_head(conn, head)
            assert points_lots(conn, "other", 40) == [("2028-01-01", 40)]
        result = admin.merge_members(engine, "keep", "other")
        assert result["moved"] == {"points": 40, "stored_paid_fen": 700, "stored_bonus_fen": 0}
        with db.read(engine) as conn:
            moved = conn.execute(select(hqt.entries.c.account, hqt.entries.c.delta, hqt.entries.c.expires_on)
                                 .where(hqt.entries.c.member_uuid == "keep")).all()
            balances = {r.uuid: (r.points, r.stored_paid_fen, r.phone, r.status) for r in conn.execute(
                select(hqt.members))}
            seqs = [r[0] for r in conn.execute(select(hqt.entries.c.local_seq).order_by(hqt.entries.c.local_seq))]
        assert sorted(moved) == [("points", 40, "2028-01-01"), ("stored_paid", 700, None)]
        assert balances == {"keep": (40, 700, PHONE, "active"), "other": (0, 0, None, "merged")}
        assert seqs == list(range(1, len(seqs) + 1))
    finally:
        engine.dispose()
