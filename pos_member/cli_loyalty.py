"""`pos-member` subcommands for the loyalty rules over time: rules, jobs, coupons, campaigns, tier history."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from pos_member.config import Paths
from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.services import coupons, jobs, reports, rules_admin
from pos_member.services.context import Store
from pos_member.services.history import tier_history


def add_loyalty_commands(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser("rules", help="check, apply or show the loyalty rules (docs/rules.md)")
    rsub = rules.add_subparsers(dest="action", required=True)
    check = rsub.add_parser("check", help="validate a rules file; names any bad key")
    check.add_argument("file", type=Path)
    check.set_defaults(handler=rules_check, needs_store=False)
    apply = rsub.add_parser("apply", help="make a rules file the new version (manager)")
    apply.add_argument("file", type=Path)
    apply.add_argument("--manager-pin")
    apply.set_defaults(handler=rules_apply)
    rsub.add_parser("show", help="the rules version in force").set_defaults(handler=rules_show)

    job = sub.add_parser("jobs", help="run the jobs time drives (expiry, tiers, birthdays, referrals)")
    jsub = job.add_subparsers(dest="action", required=True)
    run = jsub.add_parser("run", help="run every job for a date (idempotent; for cron / Task Scheduler)")
    run.add_argument("--date", help="YYYY-MM-DD (default: today)")
    run.add_argument("--only", action="append", choices=sorted(jobs.JOBS), help="run just this job")
    run.set_defaults(handler=jobs_run)

    coupon = sub.add_parser("coupon", help="issue and list coupons, run campaigns")
    csub = coupon.add_subparsers(dest="action", required=True)
    issue = csub.add_parser("issue", help="issue a coupon from a template to a member")
    issue.add_argument("code", help="the member's code")
    issue.add_argument("--template", required=True)
    issue.set_defaults(handler=coupon_issue)
    listing = csub.add_parser("list", help="a member's coupons")
    listing.add_argument("code")
    listing.add_argument("--usable", action="store_true")
    listing.set_defaults(handler=coupon_list)
    campaign = csub.add_parser("campaign", help="issue a template to a segment (manager)")
    campaign.add_argument("--template", required=True)
    campaign.add_argument("--tier")
    campaign.add_argument("--birthday-month", type=int)
    campaign.add_argument("--dormant-days", type=int, help="members with no purchase in this many days")
    campaign.add_argument("--manager-pin")
    campaign.set_defaults(handler=coupon_campaign)
    csub.add_parser("campaigns", help="campaigns with issued and used counts").set_defaults(handler=campaign_list)

    report = sub.add_parser("report", help="manager reports: sales, liability, tiers, segments")
    rsub2 = report.add_subparsers(dest="action", required=True)
    for name, text_ in (("sales", "sales, discounts, points and stored value by day"),
                        ("tiers", "tier movement in a period and members per tier")):
        period = rsub2.add_parser(name, help=text_)
        period.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
        period.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="exclusive")
        period.set_defaults(handler=report_sales if name == "sales" else report_tiers)
    liability = rsub2.add_parser("liability", help="points and stored value owed to members")
    liability.add_argument("--as-of", metavar="YYYY-MM-DD")
    liability.set_defaults(handler=report_liability)
    segments = rsub2.add_parser("segments", help="active and dormant members, birthdays, stored-value holders")
    segments.add_argument("--dormant-days", type=int, default=90)
    segments.set_defaults(handler=report_segments)

    tiers = sub.add_parser("tiers", help="a member's tier history")
    tiers.add_argument("code")
    tiers.set_defaults(handler=tiers_history)


def rules_check(args, store: Store | None, staff_id: int, paths: Paths) -> dict[str, Any]:
    return {"ok": True} | rules_admin.check_rules(args.file).__dict__


def rules_apply(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return rules_admin.apply_rules(store, args.file, args.manager_pin).__dict__


def rules_show(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return rules_admin.current_rules(store).__dict__


def jobs_run(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    try:
        day = date.fromisoformat(args.date) if args.date else store.clock().date()
    except ValueError as exc:
        raise InvalidInput(Reason.NOT_A_DATE, "date", text=str(args.date)) from exc
    return {"date": day.isoformat()} | jobs.run_jobs(store, day, args.only)


def coupon_issue(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return coupons.issue_coupon(store, args.code, args.template, staff_id)


def coupon_list(args, store: Store, staff_id: int, paths: Paths) -> list[dict[str, Any]]:
    return coupons.member_coupons(store, args.code, args.usable)


def coupon_campaign(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    segment = coupons.Segment(args.tier, args.birthday_month, args.dormant_days)
    return coupons.run_campaign(store, args.template, segment, args.manager_pin, staff_id)


def campaign_list(args, store: Store, staff_id: int, paths: Paths) -> list[dict[str, Any]]:
    return coupons.campaign_stats(store)


def tiers_history(args, store: Store, staff_id: int, paths: Paths) -> list[dict[str, Any]]:
    return tier_history(store, args.code)


def report_sales(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return {"covers": reports.report_scope(store)} | reports.sales_report(store, args.start, args.end)


def report_tiers(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return {"covers": reports.report_scope(store)} | reports.tier_report(store, args.start, args.end)


def report_liability(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return {"covers": reports.report_scope(store)} | reports.liability_report(store, args.as_of)


def report_segments(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return {"covers": reports.report_scope(store)} | reports.segment_report(store, args.dormant_days)
