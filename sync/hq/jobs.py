"""The store-level jobs HQ runs for every enrolled store, once per chain: points expiry and tier evaluation.

A store is several tills, and a member buys in several stores: a job run by each till would expire the same
points once per till, and a till sees only its own sales. So HQ runs them, on the chain's ledger and every
till's sales (sync.hq.member_sales), with the tills' own rules (pos_member.domain: lots, tiers, calendar):
- expiry writes `expire` entries as HQ's own device ("HQ", its own gap-free local_seq, like a merge's
  transfers); they reach every till by the feed, and a closed store's members still expire.
- tier evaluation sets members' tiers at HQ and feeds their snapshots; a till's stale snapshot cannot undo
  it (sync.hq.merge keeps the newer tier_reached_on).
Each job and date runs once: its job_runs row is written in the job's own transaction under the feed lock, so
any number of HQ workers or hosts may try the same date. `pos-hq serve` runs the due dates by itself
(every --jobs-every minutes); `pos-hq jobs run [--date]` runs one date by hand. Birthday coupons and the
referral catch-up stay at one till per store (coupons and referrers do not travel yet): see
pos_member.services.jobs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text

from pos_member.domain.calendar import add_months, due_days, window_for_evaluation
from pos_member.domain.lots import lapsing_points
from pos_member.domain.rules import Rules, default_rules_text, parse_rules_toml
from pos_member.domain.tiers import evaluation_skipped, tier_decisions
from sync.hq import db
from sync.hq import tables as t
from sync.hq.chain_ledger import MERGE_RULES_VERSION, hq_entries, move_balances
from sync.hq.member_merge import member_data
from sync.hq.merge import final_members
from sync.hq.rollups import add_entries
from sync.hq.service import utc_now

_LAPSED_LOTS = text("""
SELECT e.member_uuid AS member_uuid, m.points AS points,
       SUM(CASE WHEN e.expires_on IS NOT NULL AND e.expires_on <= :day THEN e.delta ELSE 0 END) AS lapsed,
       SUM(CASE WHEN e.expires_on IS NULL THEN e.delta ELSE 0 END) AS flow
FROM entries e JOIN members m ON m.uuid = e.member_uuid
WHERE e.account = 'points' AND m.points > 0
GROUP BY e.member_uuid, m.points
ORDER BY e.member_uuid
""")
_INACTIVE = text("""
SELECT e.member_uuid AS member_uuid, m.points AS points FROM entries e JOIN members m ON m.uuid = e.member_uuid
WHERE e.account = 'points' AND e.kind IN ('earn', 'redeem') AND m.points > 0
GROUP BY e.member_uuid, m.points HAVING MAX(e.business_time) < :cutoff
ORDER BY e.member_uuid
""")
_SPEND = text("SELECT member_uuid, SUM(qualifying_fen) AS amount FROM member_sales "
              "WHERE business_time >= :start AND business_time < :end GROUP BY member_uuid")
_POINTS = text("SELECT member_uuid, SUM(delta) AS amount FROM entries WHERE account = 'points' "
               "AND kind IN ('earn', 'reverse') AND business_time >= :start AND business_time < :end "
               "GROUP BY member_uuid")


def chain_rules(conn: Connection) -> Rules:
    """The rules HQ last published (what every till runs once it has pulled), else the default rules."""
    toml = conn.execute(select(t.rules.c.toml).order_by(t.rules.c.version.desc()).limit(1)).scalar()
    return parse_rules_toml(toml or default_rules_text())


def start_of(day: date) -> str:
    """Midnight of `day` in HQ's own time zone: the business time of the entries a job writes for it."""
    return datetime.combine(day, time(0)).astimezone().isoformat(timespec="seconds")


def expire_points(conn: Connection, rules: Rules, day: date, head: int, now: str) -> tuple[dict[str, Any], int]:
    due = {}
    for row in conn.execute(_LAPSED_LOTS, {"day": day.isoformat()}):
        amount = lapsing_points(int(row.lapsed), int(row.flow), int(row.points))
        if amount > 0:
            due[row.member_uuid] = (amount, "lapsed lots")
    if rules.expiry.policy == "inactive_months":
        cutoff = add_months(day, -rules.expiry.months).isoformat()
        for row in conn.execute(_INACTIVE, {"cutoff": cutoff}):
            due.setdefault(row.member_uuid, (int(row.points), f"no activity for {rules.expiry.months} months"))
    postings = [{"member_uuid": uuid, "account": "points", "kind": "expire", "delta": -amount, "note": why,
                 "rules_version": MERGE_RULES_VERSION, "business_time": start_of(day)}
                for uuid, (amount, why) in sorted(due.items())]
    entries, head = hq_entries(conn, postings, head, now)
    if entries:
        conn.execute(t.entries.insert(), entries)
        add_entries(conn, entries, move_balances(conn, entries, now))
    return {"members": len(entries), "points": -sum(e["delta"] for e in entries)}, head


def evaluate_tiers(conn: Connection, rules: Rules, day: date, head: int, now: str) -> tuple[dict[str, Any], int]:
    skipped = evaluation_skipped(rules, day)
    if skipped:
        return {"skipped": skipped}, head
    start, end = window_for_evaluation(rules.qualification, day)
    query = _POINTS if rules.qualification.measure == "points" else _SPEND
    by_member = {row.member_uuid: int(row.amount) for row in conn.execute(
        query, {"start": start.isoformat(), "end": end.isoformat()})}
    qualifying: dict[Any, int] = {}
    merged_into = final_members(conn, set(by_member))  # a merged member's spend counts for the survivor
    for uuid, amount in by_member.items():
        owner = merged_into.get(uuid, uuid)
        qualifying[owner] = qualifying.get(owner, 0) + amount
    members = conn.execute(select(t.members.c.uuid, t.members.c.tier_code, t.members.c.tier_reached_on).where(
        t.members.c.status == "active").order_by(t.members.c.uuid)).all()
    changes = tier_decisions(rules, [tuple(m) for m in members], qualifying, day, end)
    feed = []
    for uuid, _, new, reached, _ in changes:
        conn.execute(t.members.update().where(t.members.c.uuid == uuid).values(
            tier_code=new, tier_reached_on=reached, updated_at=now))
        row = conn.execute(select(t.members).where(t.members.c.uuid == uuid)).one()
        head += 1
        feed.append({"seq": head, "kind": "member", "key": uuid, "origin_device": None,
                     "data": json.dumps(member_data(row), ensure_ascii=False)})
    if feed:
        conn.execute(t.changes.insert(), feed)
    moved = [c for c in changes if c[1] != c[2]]
    return {"window": [start.isoformat(), end.isoformat()],
            "upgraded": sum(rules.tier_rank(new) > rules.tier_rank(old) for _, old, new, _, _ in moved),
            "downgraded": sum(rules.tier_rank(new) < rules.tier_rank(old) for _, old, new, _, _ in moved),
            "requalified": len(changes) - len(moved)}, head


Job = Callable[[Connection, Rules, date, int, str], tuple[dict[str, Any], int]]
JOBS: dict[str, Job] = {"expiry": expire_points, "tiers": evaluate_tiers}


def run_jobs(engine: Engine, day: date) -> dict[str, Any]:
    """Run every HQ job for `day` that has not run for it yet; a job already run answers what it did then."""
    results: dict[str, Any] = {"date": day.isoformat()}
    for name, job in JOBS.items():
        with db.write(engine) as conn:
            head = db.lock_feed(conn)  # also the per-date lock: one HQ worker at a time gets here
            done = conn.execute(select(t.job_runs.c.result).where(
                t.job_runs.c.job == name, t.job_runs.c.run_date == day.isoformat())).scalar()
            if done is not None:
                results[name] = json.loads(done) | {"already_run": True}
                continue
            now = utc_now()
            result, head = job(conn, chain_rules(conn), day, head, now)
            conn.execute(t.job_runs.insert().values(job=name, run_date=day.isoformat(), ran_at=now,
                                                    result=json.dumps(result)))
            db.set_feed_head(conn, head)
            results[name] = result
    return results


def run_due(engine: Engine, today: date, catch_up_days: int = 31) -> list[str]:
    """Every date since the last one run, up to today (an HQ down for a few days catches up; a new HQ starts
    today). Returns the dates it ran."""
    with db.read(engine) as conn:
        last = conn.execute(select(func.max(t.job_runs.c.run_date))).scalar()
    days = due_days(last, today, catch_up_days)
    for day in days:
        run_jobs(engine, day)
    return [day.isoformat() for day in days]
