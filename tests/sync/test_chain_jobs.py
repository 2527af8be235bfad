"""Issue 10, point 1: a store is several tills. Points expiry and tier evaluation run once per chain, at HQ,
whatever the number of tills; tiers count the sales of every till and store; a closed home store does not
stop its members' expiry; birthday coupons and referrals run at one till of the store."""

from __future__ import annotations

import asyncio
import io
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from datetime import date

import pytest
from sqlalchemy import func, select, text

from pos_member.cli import main as pos_member_main
from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.jobs import HQ_RUNS_THEM, OTHER_TILL_RUNS_THEM, chain_role, run_due_jobs, run_jobs
from pos_member.services.lookup import show_member
from pos_member.services.refunds import refund_sale
from sync.hq import db
from sync.hq import jobs as hq_jobs
from sync.hq import tables as hqt
from sync.hq.app import create_app
from sync.hq.cli import main as hq_main
from tests.sync.fixtures import assert_invariants, sync_all

EXPIRY_DAY = date(2028, 1, 1)  # default rules: points earned in 2026 are valid through 2027


def _expiries(store) -> list[int]:
    with store.db.read() as conn:
        return [r[0] for r in conn.execute(text("SELECT delta FROM ledger WHERE kind = 'expire'"))]


def till_cli(store, *args: str) -> dict:
    """`pos-member --json ARGS` on the store's own data dir."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert pos_member_main(["--home", str(store.db.path.parent), "--json", *args]) == 0
    return json.loads(out.getvalue())


def _hq_member(engine, uuid: str):
    with db.read(engine) as conn:
        return conn.execute(select(hqt.members).where(hqt.members.c.uuid == uuid)).one()


def test_two_tills_and_a_second_store_run_each_duty_once(hq, stores):
    till1 = stores.enrolled(hq, "001")
    till2 = stores.enrolled(hq, "001", device_no=2)
    other = stores.enrolled(hq, "002")
    assert [chain_role(s).store_jobs for s in (till1, till2, other)] == [True, False, True]
    member = members.register_member(till1, "王五", "13800007777")
    sync_all([till1, till2, other])

    # 3,001 yuan in two tills of the home store (neither reaches Silver's 2,000 alone), 100 in another store
    commit_sale(till1, SaleRequest(member.card_no, 150000))
    commit_sale(till2, SaleRequest(member.card_no, 150100))
    refunded = commit_sale(other, SaleRequest(member.card_no, 20000))
    refund_sale(other, refunded.sale_id, 10000, None)  # a refund comes off the qualifying spend
    assert show_member(till2, member.card_no).tier == "standard"
    sync_all([till1, till2, other])

    # the tills do not evaluate or expire in a chain; HQ does, once per date
    for till in (till1, till2, other):
        result = run_jobs(till, date(2026, 12, 1))
        assert result["tiers"] == {"skipped": HQ_RUNS_THEM} and result["expiry"] == {"skipped": HQ_RUNS_THEM}
    assert run_jobs(till2, date(2026, 12, 1))["birthdays"] == {"skipped": OTHER_TILL_RUNS_THEM}
    assert run_due_jobs(till2, date(2026, 12, 2)) == []  # the app's daily timer: nothing for this till
    assert till_cli(till2, "jobs", "run", "--date", "2026-12-01")["expiry"] == {"skipped": HQ_RUNS_THEM}
    tiers = hq_jobs.run_jobs(hq.engine, date(2026, 12, 1))["tiers"]
    assert tiers["upgraded"] == 1
    assert hq_jobs.run_jobs(hq.engine, date(2026, 12, 1))["tiers"]["already_run"] is True

    # a till that has not pulled yet sends a stale snapshot of the member: HQ's tier stays
    members.edit_member(till2, member.card_no, name="王五五")
    sync_all([till2, till1, other])
    assert _hq_member(hq.engine, member.uuid).tier_code == "silver"
    for till in (till1, till2, other):
        assert show_member(till, member.card_no).tier == "silver"

    balance = show_member(till1, member.card_no).points
    assert balance == 1500 + 1501 + 100  # each till's earnings, pulled everywhere
    stores_closed_before_expiry = [till1, till2]  # store 001 closes: its tills never sync again
    assert stores_closed_before_expiry

    # several HQ workers reach the same date at once: the expiry happens once
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: hq_jobs.run_jobs(hq.engine, EXPIRY_DAY), range(4)))
    with db.read(hq.engine) as conn:
        expiries = conn.execute(select(hqt.entries.c.delta, hqt.entries.c.device_id).where(
            hqt.entries.c.kind == "expire")).all()
        runs = conn.execute(select(func.count()).select_from(hqt.job_runs).where(
            hqt.job_runs.c.run_date == EXPIRY_DAY.isoformat())).scalar_one()
    assert [tuple(e) for e in expiries] == [(-balance, "HQ")] and runs == 2
    assert _hq_member(hq.engine, member.uuid).points == 0

    # the other store learns it by the feed, though the member's home store is closed
    assert run_jobs(other, EXPIRY_DAY)["expiry"] == {"skipped": HQ_RUNS_THEM}
    sync_all([other])
    assert show_member(other, member.card_no).points == 0 and _expiries(other) == [-balance]
    assert_invariants(hq.engine, [other])


def test_hq_jobs_run_from_the_command_line_once_per_date(hq, stores):
    till = stores.enrolled(hq, "001")
    member = members.register_member(till, "赵六", "13800008888")
    commit_sale(till, SaleRequest(member.card_no, 5000))
    sync_all([till])
    url = hq.engine.url.render_as_string(hide_password=False)
    assert hq_main(["--db", url, "--json", "jobs", "run", "--date", EXPIRY_DAY.isoformat()]) == 0
    assert hq_main(["--db", url, "--json", "jobs", "run", "--date", EXPIRY_DAY.isoformat()]) == 0
    with pytest.raises(SystemExit) as usage:
        hq_main(["--db", url, "jobs", "run", "--date", "2028-13-01"])
    assert usage.value.code == 2
    sync_all([till])
    assert show_member(till, member.card_no).points == 0 and _expiries(till) == [-50]
    assert_invariants(hq.engine, [till])


def test_hq_runs_the_due_jobs_by_itself(tmp_path):
    engine = db.make_engine(f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}")
    db.upgrade(engine)
    app = create_app(engine, jobs_every_s=3600)

    def ran() -> set[str]:
        with db.read(engine) as conn:
            return {r[0] for r in conn.execute(select(hqt.job_runs.c.job).where(
                hqt.job_runs.c.run_date == date.today().isoformat()))}

    async def serve_until_the_jobs_ran() -> set[str]:
        async with app.router.lifespan_context(app):
            for _ in range(1000):
                if ran() == {"expiry", "tiers"}:
                    break
                await asyncio.sleep(0.02)
        return ran()

    assert asyncio.run(serve_until_the_jobs_ran()) == {"expiry", "tiers"}
    engine.dispose()
