"""A chain report at HQ (issue 11, point 8): `pos-hq report points|liability|tiers` from daily roll-ups kept
by the push's own transaction, on a small known dataset pushed by real tills through the real HQ on
PostgreSQL; the liability identity holds and its closing agrees with the members' chain balances; the
roll-ups are filled for entries already at HQ when migration 0007 runs. (Every sync test's invariants check
the roll-ups against the entries: tests/sync/fixtures.assert_invariants.)"""

from __future__ import annotations

import json
from datetime import datetime
from itertools import count
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text

from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.stored_value import adjust_points, top_up
from sync.hq import cli as hq_cli
from sync.hq import db
from sync.hq import tables as hqt
from sync.hq.report_liability import liability_report
from sync.hq.report_period import ReportRefused, parse_period
from sync.hq.report_points import points_report
from sync.hq.report_tiers import tiers_report
from tests.conftest import CHINA, MANAGER_PIN, MovableClock
from tests.sync.fixtures import assert_rollups, sync_all

_fresh = count(1)


def _hq_cli(hq, capsys, *argv: str) -> str:
    code = hq_cli.main(["--db", hq.engine.url.render_as_string(hide_password=False), *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


@pytest.fixture
def chain(hq, stores):
    """October: Alice (home 001) gets 1,000 points of goodwill and tops up 100 yuan at 001. November: she
    buys for 300 yuan at 001, and at 002 redeems 500 points on a 100-yuan sale; Bob (home 002) buys for
    200 yuan at 002."""
    clock = MovableClock(datetime(2026, 10, 20, 10, 0, tzinfo=CHINA))
    a = stores.enrolled(hq, "001", clock=clock)
    b = stores.enrolled(hq, "002", clock=clock)
    alice = members.register_member(a, "Alice", "13900001111")
    adjust_points(a, alice.card_no, 1000, "goodwill", MANAGER_PIN)
    top_up(a, alice.card_no, 10_000)
    sync_all([a, b])
    clock.advance(days=16)  # 2026-11-05
    commit_sale(a, SaleRequest(alice.card_no, 30_000))
    bob = members.register_member(b, "Bob", "13900002222")
    commit_sale(b, SaleRequest(bob.card_no, 20_000))
    commit_sale(b, SaleRequest(alice.card_no, 10_000, redeem_points=500))
    sync_all([a, b])
    return alice, bob


def _hq_balances(hq) -> dict[str, tuple[int, int]]:
    with db.read(hq.engine) as conn:
        rows = conn.execute(select(hqt.members.c.home_store, func.sum(hqt.members.c.points),
                                   func.sum(hqt.members.c.stored_paid_fen + hqt.members.c.stored_bonus_fen))
                            .group_by(hqt.members.c.home_store)).all()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def test_points_report_by_store_and_kind(hq, chain):
    alice, _ = chain
    with db.read(hq.engine) as conn:
        assert_rollups(conn)
    october = {r["store"]: r for r in points_report(hq.engine, parse_period("2026-10"))["rows"]}
    assert october["001"]["adjusted"] == 1000 and october["001"]["issued"] == 0 and set(october) == {"001"}
    november = points_report(hq.engine, parse_period("2026-11"))
    rows = {r["store"]: r for r in november["rows"]}
    assert rows["001"]["issued"] == 300 and rows["001"]["redeemed"] == 0 and rows["001"]["adjusted"] == 0
    assert rows["002"]["redeemed"] == 500
    alice_earned_at_b = _hq_balances(hq)["001"][0] - 1000 - 300 + 500
    assert 0 < alice_earned_at_b < 100 and rows["002"]["issued"] == 200 + alice_earned_at_b
    assert november["totals"]["issued"] == 500 + alice_earned_at_b and november["totals"]["redeemed"] == 500
    only = points_report(hq.engine, parse_period("2026-11"), "002")
    assert [r["store"] for r in only["rows"]] == ["002"]
    days = points_report(hq.engine, parse_period("2026-10-01..2026-11-04"))
    assert [(r["store"], r["adjusted"]) for r in days["rows"]] == [("001", 1000)]
    assert points_report(hq.engine, parse_period("2026-12"))["rows"] == []


def test_liability_identity_and_closing_equal_the_members_balances(hq, chain, capsys):
    balances = _hq_balances(hq)
    october = {r["store"]: r for r in liability_report(hq.engine, parse_period("2026-10"))["rows"]}
    assert october["001"]["points_opening"] == 0 and october["001"]["points_closing"] == 1000
    assert october["001"]["stored_topped_up_fen"] == 10_000
    november = liability_report(hq.engine, parse_period("2026-11"))
    rows = {r["store"]: r for r in november["rows"]}
    assert set(rows) == {"001", "002"}
    for code, row in rows.items():
        assert row["points_opening"] + row["points_issued"] - row["points_redeemed"] - row["points_expired"] + \
            row["points_adjusted"] + row["points_transferred"] == row["points_closing"]
        assert (row["points_closing"], row["stored_closing_fen"]) == balances[code]  # = the chain's balances
    assert rows["001"]["points_opening"] == 1000 and rows["001"]["points_redeemed"] == 500
    assert rows["001"]["stored_opening_fen"] == october["001"]["stored_closing_fen"] == balances["001"][1] >= 10_000
    assert rows["002"]["points_opening"] == 0 and rows["002"]["points_closing"] == 200

    out = _hq_cli(hq, capsys, "report", "liability", "--period", "2026-11")
    assert "_fen" not in out and "{" not in out
    assert f"{balances['001'][1] // 100}.{balances['001'][1] % 100:02d}" in out  # stored value in yuan
    csv_lines = _hq_cli(hq, capsys, "report", "points", "--period", "2026-11", "--csv").splitlines()
    assert csv_lines[0].startswith("store,issued,reversed,redeemed") and len(csv_lines) == 4  # 2 stores + total
    as_json = json.loads(_hq_cli(hq, capsys, "report", "liability", "--period", "2026-11", "--store", "002",
                                 "--json"))
    assert [r["store"] for r in as_json["rows"]] == ["002"]


def test_tiers_report_counts_members_by_tier_and_home_store(hq, chain, capsys):
    report = tiers_report(hq.engine)
    assert [(r["store"], r["members"]) for r in report["rows"]] == [("001", 1), ("002", 1)]
    assert report["totals"]["members"] == 2 and sum(report["totals"][t] for t in report["tiers"]) == 2
    out = _hq_cli(hq, capsys, "report", "tiers", "--period", "2026-11", "--store", "001")
    assert "001" in out and "002" not in out.split("\n", 1)[1] and "HQ keeps no tier history" in out


def test_bad_report_arguments_get_one_sentence(hq, capsys):
    with pytest.raises(ReportRefused, match="--period must be a month"):
        parse_period("November")
    code = hq_cli.main(["--db", hq.engine.url.render_as_string(hide_password=False), "report", "points",
                        "--period", "2026-13"])
    assert code == 1 and capsys.readouterr().err.startswith("error: --period must be a month as YYYY-MM")
    code = hq_cli.main(["--db", hq.engine.url.render_as_string(hide_password=False), "report", "points",
                        "--period", "2026-11", "--store", "1"])
    assert code == 1 and "--store must be a store code" in capsys.readouterr().err


@pytest.fixture(params=["postgresql", "sqlite"])
def at_0006(request: pytest.FixtureRequest, tmp_path: Path):
    """An HQ database at migration 0006, the one before the roll-ups."""
    if request.param == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        name = f"hq_0006_{next(_fresh)}"
        cluster.admin(f"CREATE DATABASE {name}")
        engine = db.make_engine(cluster.url(name))
    else:
        engine = db.make_engine(f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}")
    with db.write(engine) as conn:
        config = Config()
        config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
    yield engine
    engine.dispose()


def _entry(seq: int, member: str, store: str, kind: str, delta: int, day: str, account: str = "points") -> dict:
    return {"seq": seq, "entry_id": f"e-{seq}", "device_id": f"d-{store}", "local_seq": seq, "store_code": store,
            "member_uuid": member, "account": account, "kind": kind, "delta": delta, "rules_version": 1,
            "business_time": f"{day}T10:00:00+08:00", "payload_hash": "x", "received_at": "2026-11-30"}


def test_migration_fills_the_roll_ups_for_entries_already_at_hq(at_0006):
    engine = at_0006
    now = "2026-11-01T00:00:00+08:00"
    with engine.begin() as conn:
        for uuid, home in (("m-1", "001"), ("m-2", "002")):
            conn.execute(text("INSERT INTO members (uuid, member_no, home_store, name, tier_code, status, "
                              "created_at, updated_at) VALUES (:u, :u, :h, 'x', 'standard', 'active', :n, :n)"),
                         {"u": uuid, "h": home, "n": now})
        conn.execute(hqt.entries.insert(), [
            _entry(1, "m-1", "001", "earn", 300, "2026-10-03"), _entry(2, "m-1", "002", "redeem", -100, "2026-11-04"),
            _entry(3, "m-2", "002", "earn", 50, "2026-11-04"), _entry(4, "m-1", "001", "earn", 7, "2026-11-04"),
            _entry(5, "m-1", "001", "topup", 5000, "2026-10-03", "stored_paid")])
    db.upgrade(engine)  # 0007: roll-ups filled from what is held
    with db.read(engine) as conn:
        assert_rollups(conn)
    november = {r["store"]: r for r in points_report(engine, parse_period("2026-11"))["rows"]}
    assert (november["001"]["issued"], november["002"]["issued"], november["002"]["redeemed"]) == (7, 50, 100)
    liability = {r["store"]: r for r in liability_report(engine, parse_period("2026-11"))["rows"]}
    assert (liability["001"]["points_opening"], liability["001"]["points_closing"]) == (300, 207)
    assert liability["001"]["stored_closing_fen"] == 5000 and liability["002"]["points_closing"] == 50


def test_the_tills_own_report_says_it_covers_one_till_and_points_to_hq(hq, stores, capsys):
    from pos_member import cli as till_cli

    alone = stores.make("003")
    a = stores.enrolled(hq, "001", device_no=2)
    for store, covers in ((alone, "this store file only (store 003, till 1)"),
                          (a, "this till only (store 001, till 2: ")):
        for report in (["sales", "--from", "2026-11-01", "--to", "2026-12-01"], ["liability"],
                       ["tiers", "--from", "2026-11-01", "--to", "2026-12-01"], ["segments"]):
            assert till_cli.main(["--home", str(store.db.path.parent), "--json", "report", *report]) == 0
            said = json.loads(capsys.readouterr().out)["covers"]
            assert said.startswith(covers)
            assert ("pos-hq report sales|points|liability|tiers" in said) == (store is a)
