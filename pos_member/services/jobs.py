"""The jobs that time drives, each idempotent for its date: points expiry, tier evaluation, birthday coupons
and the referral catch-up. Run from the app and from `pos-member jobs run [--date YYYY-MM-DD]` (cron or
Task Scheduler).

A store not enrolled in a chain runs all four here. In an enrolled store (a store is several tills, a member
buys in several stores) each runs once per chain: HQ runs points expiry and tier evaluation for every store
(sync.hq.jobs; the entries and tiers arrive by the feed), and birthday coupons and the referral catch-up,
which need the store file's coupons and referrers (they do not travel yet), run at the one till of the
member's home store that HQ named at enrolment (the lowest live till number); the other tills skip them. Work is written in chunks of members, each chunk one short transaction, so a till selling
while the nightly jobs run waits at most a moment."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, select, text

from pos_member.domain.calendar import add_months, due_days, window_for_evaluation
from pos_member.domain.tiers import evaluation_skipped, tier_decisions
from pos_member.services.audit import append_audit
from pos_member.services.context import Store
from pos_member.services.coupons import issue_coupon_row
from pos_member.services.ledger import Posting, post_points_bulk
from pos_member.services.loyalty import SET_TIER, award_referral, points_lapsing, qualifying_query
from pos_member.services.staff import CONSOLE_STAFF_ID
from pos_member.storage import tables as t

CHUNK = 2000

_INACTIVE = text("""
SELECT l.member_id AS member_id, m.points AS points FROM ledger l JOIN members m ON m.id = l.member_id
WHERE l.account = 'points' AND l.kind IN ('earn', 'redeem') AND m.points > 0 AND m.home_store = :home
GROUP BY l.member_id HAVING MAX(l.business_time) < :cutoff
""")


def _start_of(store: Store, day: date) -> str:
    return datetime.combine(day, time(0), tzinfo=store.clock().tzinfo).isoformat(timespec="seconds")


def _in_chunks(items: list[Any], work: Callable[[list[Any]], None]) -> None:
    for start in range(0, len(items), CHUNK):
        work(items[start:start + CHUNK])


def expire_points(store: Store, day: date) -> dict[str, Any]:
    home = store.identity.store_code
    with store.db.read() as conn:
        version, rules = store.rules(conn)
        due = [(member_id, amount, "lapsed lots") for member_id, amount in points_lapsing(conn, day, home)]
        if rules.expiry.policy == "inactive_months":
            cutoff = add_months(day, -rules.expiry.months).isoformat()
            already = {member_id for member_id, _, _ in due}
            due += [(row.member_id, row.points, f"no activity for {rules.expiry.months} months")
                    for row in conn.execute(_INACTIVE, {"cutoff": cutoff, "home": home})
                    if row.member_id not in already]
    at = _start_of(store, day)

    def write(chunk: list[tuple[int, int, str]]) -> None:
        with store.db.write() as conn:
            # re-read inside the write lock: a sale may have spent some of these points meanwhile
            points = dict(conn.execute(select(t.members.c.id, t.members.c.points).where(
                t.members.c.id.in_([member_id for member_id, _, _ in chunk]))).all())
            postings = [(member_id, Posting("points", "expire", -min(amount, points[member_id]), note=why))
                        for member_id, amount, why in chunk if min(amount, points[member_id]) > 0]
            entries = post_points_bulk(conn, store, postings, staff_id=CONSOLE_STAFF_ID, rules_version=version,
                                       business_time=at)
            append_audit(conn, store.now(), CONSOLE_STAFF_ID, "job.expiry", day.isoformat(),
                         {"members": len(entries)}, entries=entries)

    _in_chunks(due, write)
    return {"members": len(due), "points": sum(amount for _, amount, _ in due)}


def evaluate_tiers(store: Store, day: date) -> dict[str, Any]:
    with store.db.read() as conn:
        _, rules = store.rules(conn)
        skipped = evaluation_skipped(rules, day)
        if skipped:
            return {"skipped": skipped}
        start, end = window_for_evaluation(rules.qualification, day)
        qualifying = {row.member_id: row.amount for row in conn.execute(
            text(qualifying_query(rules, False)), {"start": start.isoformat(), "end": end.isoformat()})}
        members = conn.execute(select(t.members.c.id, t.members.c.tier_code, t.members.c.tier_reached_on).where(
            t.members.c.status == "active", t.members.c.home_store == store.identity.store_code)).all()
    changes = tier_decisions(rules, members, qualifying, day, end)
    at = _start_of(store, day)

    def write(chunk: list[tuple[int, str, str, str, str]]) -> None:
        with store.db.write() as conn:
            conn.execute(SET_TIER, [{"member_id_": m, "tier": new, "reached": reached}
                                    for m, _, new, reached, _ in chunk])
            moved = [{"member_id": m, "from_tier": old, "to_tier": new, "reason": reason, "business_time": at}
                     for m, old, new, _, reason in chunk if old != new]
            if moved:
                conn.execute(t.tier_changes.insert(), moved)
            append_audit(conn, store.now(), CONSOLE_STAFF_ID, "job.tiers", day.isoformat(),
                         {"changes": [[m, old, new] for m, old, new, _, _ in chunk if old != new]})

    _in_chunks(changes, write)
    moved = [c for c in changes if c[1] != c[2]]
    return {"window": [start.isoformat(), end.isoformat()], "upgraded": sum(
        rules.tier_rank(new) > rules.tier_rank(old) for _, old, new, _, _ in moved),
        "downgraded": sum(rules.tier_rank(new) < rules.tier_rank(old) for _, old, new, _, _ in moved),
        "requalified": len(changes) - len(moved)}


def birthday_coupons(store: Store, day: date) -> dict[str, Any]:
    """On the 1st, each member whose birthday month it is gets their tier's birthday coupon, once a year."""
    if day.day != 1:
        return {"skipped": "birthday coupons are issued on the 1st of the month"}
    issued = 0
    with store.db.write() as conn:
        _, rules = store.rules(conn)
        gifts = {tier.code: rules.coupon_templates[tier.birthday_coupon] for tier in rules.tiers if tier.birthday_coupon}
        rows = conn.execute(text("SELECT id, tier_code FROM members WHERE status = 'active' AND birthday IS NOT NULL "
                                 "AND home_store = :home AND CAST(substr(birthday, 6, 2) AS INTEGER) = :month"),
                            {"month": day.month, "home": store.identity.store_code}).all()
        for member_id, tier in rows:
            if tier in gifts and issue_coupon_row(conn, store, gifts[tier], member_id, day,
                                                  issue_key=f"birthday:{day.year}:{member_id}"):
                issued += 1
        if issued:
            append_audit(conn, store.now(), CONSOLE_STAFF_ID, "job.birthdays", day.isoformat(), {"issued": issued})
    return {"issued": issued}


_REFERRAL_DUE = text("""
SELECT m.*, (
    SELECT s.sale_id FROM sales s WHERE s.member_id = m.id AND s.payable_fen + s.stored_paid_fen + s.stored_bonus_fen
        - COALESCE((SELECT SUM(r.cash_refund_fen + r.clawback_fen + r.stored_paid_restored_fen
                               + r.stored_bonus_restored_fen) FROM refunds r WHERE r.sale_id = s.sale_id), 0)
        >= :min_spend ORDER BY s.business_time LIMIT 1) AS local_sale,
    (SELECT l.sale_id FROM ledger l WHERE l.member_id = m.id AND l.kind = 'earn' AND l.sale_id IS NOT NULL
        AND l.device_id != :device AND l.delta >= :min_points ORDER BY l.business_time LIMIT 1) AS pulled_sale
FROM members m WHERE m.referrer_id IS NOT NULL AND m.home_store = :home
AND NOT EXISTS (SELECT 1 FROM rewards r WHERE r.reward_key = 'referral:' || m.uuid)
""")


def referral_catch_up(store: Store, day: date) -> dict[str, Any]:
    """Referral rewards the checkout could not give (e.g. the first purchase came in from another store).
    A purchase qualifies if it reached `referral.min_spend_fen`: a sale in this store by its net spend, one
    pulled from another store by its points (at least the minimum at the base earning rate)."""
    awarded = 0
    with store.db.write() as conn:
        version, rules = store.rules(conn)
        min_points = -(-rules.referral_min_spend_fen // rules.earning.fen_per_point)
        rows = conn.execute(_REFERRAL_DUE, {"home": store.identity.store_code, "device": store.identity.device_id,
                                            "min_spend": rules.referral_min_spend_fen,
                                            "min_points": max(1, min_points)}).all()
        entries = []
        for member in rows:
            sale = member.local_sale or member.pulled_sale
            if sale:
                entries += award_referral(conn, store, rules, version, member, CONSOLE_STAFF_ID, sale)
        awarded = len(entries)
        if entries:
            append_audit(conn, store.now(), CONSOLE_STAFF_ID, "job.referrals", day.isoformat(), {"awarded": awarded},
                         entries=entries)
    return {"awarded": awarded}


JOBS: dict[str, Callable[[Store, date], dict[str, Any]]] = {
    "expiry": expire_points, "tiers": evaluate_tiers, "birthdays": birthday_coupons, "referrals": referral_catch_up,
}


HQ_JOBS = ("expiry", "tiers")
HQ_RUNS_THEM = "HQ runs points expiry and tier evaluation for every store of the chain (pos-hq jobs run)"
OTHER_TILL_RUNS_THEM = "another till of this store runs birthday coupons and referrals (named by HQ at enrolment)"


@dataclass(frozen=True)
class ChainRole:
    enrolled: bool
    store_jobs: bool  # this till runs its store's birthday coupons and referral catch-up

    def skips(self, job: str) -> str | None:
        """Why this till does not run `job`, or None when it does."""
        if not self.enrolled:
            return None
        if job in HQ_JOBS:
            return HQ_RUNS_THEM
        return None if self.store_jobs else OTHER_TILL_RUNS_THEM


def chain_role(store: Store) -> ChainRole:
    with store.db.read() as conn:
        state = dict(conn.execute(select(t.sync_state.c.key, t.sync_state.c.value).where(
            t.sync_state.c.key.in_(("token", "store_jobs")))).all())
    named = state.get("store_jobs")  # a till enrolled before HQ named one: till 1 runs them
    return ChainRole(enrolled=bool(state.get("token")),
                     store_jobs=named == "1" if named is not None else store.identity.device_no == 1)


def run_jobs(store: Store, day: date, only: list[str] | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    role = chain_role(store)
    for name, job in JOBS.items():
        if only and name not in only:
            continue
        skipped = role.skips(name)
        results[name] = {"skipped": skipped} if skipped else job(store, day)
        with store.db.write() as conn:
            _record_run(conn, store, name, day, results[name])
    return results


def run_due_jobs(store: Store, today: date, catch_up_days: int = 31) -> list[str]:
    """What the app calls at start and each night: run the jobs for every date since the last run, up to
    today (a till switched off for a week catches up; each date is idempotent). Returns the dates run. A
    till of a chain with no store jobs of its own (HQ and another till run them) does nothing."""
    role = chain_role(store)
    if role.enrolled and not role.store_jobs:
        return []
    with store.db.read() as conn:
        last = conn.execute(select(t.job_runs.c.run_date).order_by(t.job_runs.c.run_date.desc()).limit(1)).scalar()
    days = due_days(last, today, catch_up_days)
    for day in days:
        run_jobs(store, day)
    return [day.isoformat() for day in days]


def _record_run(conn: Connection, store: Store, name: str, day: date, result: dict[str, Any]) -> None:
    conn.execute(t.job_runs.insert(), {"job": name, "run_date": day.isoformat(), "ran_at": store.now(),
                                       "result": json.dumps(result)})
