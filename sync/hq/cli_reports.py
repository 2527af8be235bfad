"""`pos-hq report ...`, `pos-hq sale` and the settlement commands: the chain's reports and the settlement's
upkeep, each printed for a person (amounts in yuan) or as JSON/CSV."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from sqlalchemy import Engine

from pos_member.domain.money import format_yuan
from sync.hq import admin, db, report_settlement, settle_catchup, settle_rates


class Text(str):
    """A report already rendered as text or CSV: printed as it is."""


def _settlement_rate(args: argparse.Namespace, engine: Engine) -> dict[str, Any]:
    """`settlement-rate [STORE] FEN` (the old form, a rate alone, sets the chain default)."""
    target = list(args.target)
    if len(target) > 2 or (args.default and len(target) != 1):
        raise ValueError("give STORE and FEN_PER_100_POINTS, or --default FEN_PER_100_POINTS")
    store = "*" if len(target) == 1 else target[0]
    if not re.fullmatch(r"-?\d+", target[-1]):
        raise ValueError(f"FEN_PER_100_POINTS must be a whole number, not {target[-1]!r}")
    return admin.set_settlement_rate(engine, store, int(target[-1]), args.valid_from)


def _statement_output(args: argparse.Namespace, result: dict[str, Any]) -> None:
    if args.json or args.report_json:
        print(json.dumps(result, ensure_ascii=False))
    elif args.csv:
        sys.stdout.write(report_settlement.render_csv(result))
    else:
        print(report_settlement.render_text(result))


def _chain_report(args: argparse.Namespace, engine: Engine) -> Any:
    from sync.hq import report_liability, report_points, report_tiers
    from sync.hq.report_period import check_store, parse_period, render

    store = check_store(args.store)
    if args.action == "tiers":
        report = report_tiers.tiers_report(engine, store)
        if args.period:
            report["notes"].append(f"tiers as they stand now: HQ keeps no tier history (--period {args.period} "
                                   "does not change them)")
        columns = report_tiers.columns(report)
    elif args.action == "points":
        report, columns = report_points.points_report(engine, parse_period(args.period), store), report_points.COLUMNS
    else:
        report = report_liability.liability_report(engine, parse_period(args.period), store)
        columns = report_liability.COLUMNS
    if args.json or args.report_json:
        args.json = True  # `report points --json` as well as `pos-hq --json report points`
        return report
    if args.action == "liability" and not args.csv:
        return Text(report_liability.liability_text(report))
    return Text(render(report, columns, args.csv))


def _add_chain_reports(report: Any) -> None:
    for name, text_ in (("points", "points issued, redeemed, expired, adjusted by store (daily roll-ups)"),
                        ("liability", "points and stored value owed to members by home store: opening, "
                                      "movements, closing"),
                        ("tiers", "members by tier and home store, as they stand")):
        chain = report.add_parser(name, help=text_)
        chain.add_argument("--period", required=name != "tiers", metavar="YYYY-MM",
                           help="a month, or days as YYYY-MM-DD..YYYY-MM-DD")
        chain.add_argument("--store", metavar="CODE", help="one store only")
        chain.add_argument("--json", dest="report_json", action="store_true")
        chain.add_argument("--csv", action="store_true")
        chain.set_defaults(handler=_chain_report)


def add_report_commands(sub: Any) -> None:
    report = sub.add_parser("report", help="reports").add_subparsers(dest="action", required=True)
    settle = report.add_parser("settlement", help="what the stores owe each other for a period (store x store)")
    settle.add_argument("--period", required=True, metavar="YYYY-MM",
                        help="a month, or YYYY-MM-DD..YYYY-MM-DD (both days included)")
    settle.add_argument("--json", dest="report_json", action="store_true", help="the statement as JSON")
    settle.add_argument("--csv", action="store_true", help="the statement as CSV (amounts in yuan)")
    settle.add_argument("--against-ledger", action="store_true",
                        help="also sum the period's entries themselves and compare (slower: reads the month)")
    settle.add_argument("--store", metavar="CODE", help="only what this store pays and is paid")
    settle.set_defaults(handler=lambda a, e: admin.settlement(e, a.period, a.against_ledger, a.store),
                        output=_statement_output)
    sales = report.add_parser("sales", help="sales and refunds by store and day (in yuan)")
    sales.add_argument("--period", required=True, metavar="YYYY-MM", help="a month, or YYYY-MM-DD..YYYY-MM-DD")
    sales.add_argument("--store", metavar="CODE")
    sales.add_argument("--json", dest="report_json", action="store_true")
    sales.add_argument("--csv", action="store_true")
    sales.set_defaults(handler=_report_sales)
    campaigns = report.add_parser("campaigns", help="per campaign: coupons issued, and used at each store")
    campaigns.add_argument("--store", metavar="CODE", help="the campaigns this store ran")
    campaigns.set_defaults(handler=_report_campaigns)
    _add_chain_reports(report)
    sale = sub.add_parser("sale", help="one sale of the chain with its lines and refunds")
    sale.add_argument("key", metavar="SALE_ID|RECEIPT_NO")
    sale.set_defaults(handler=_show_sale)
    rate = sub.add_parser("settlement-rate", help="the fen per 100 points a store's issued points are settled at")
    rate.add_argument("target", nargs="+", metavar="[STORE] FEN_PER_100_POINTS",
                      help="STORE (a store code, or * for the chain default; left out: the chain default) and "
                           "the rate")
    rate.add_argument("--default", action="store_true", help="set the chain default (same as STORE *)")
    rate.add_argument("--from", dest="valid_from", metavar="YYYY-MM-DD",
                      help="the first business day it applies to (default today); earlier days keep their rate")
    rate.set_defaults(handler=_settlement_rate)
    settlement = sub.add_parser("settlement", help="inter-store settlement upkeep").add_subparsers(
        dest="action", required=True)
    settlement.add_parser("rates", help="every settlement rate and the day it applies from").set_defaults(
        handler=lambda a, e: settle_rates.list_rates(e))
    settlement.add_parser("catch-up", help="attribute the entries HQ received since the last run "
                                           "(serve does it every minute)").set_defaults(
        handler=lambda a, e: settle_catchup.catch_up(e))
    settlement.add_parser("rebuild", help="attribute every entry again from the first (after a rate was set for "
                                          "past days)").set_defaults(handler=lambda a, e: settle_catchup.rebuild(e))
    bonus = settlement.add_parser("bonus-share", help="the share of stored-value bonus the issuing store pays the "
                                                      "store it is spent at (default 100)")
    bonus.add_argument("percent", type=int, metavar="PERCENT")
    bonus.set_defaults(handler=lambda a, e: report_settlement.set_bonus_share(e, a.percent))

def _report_sales(args: argparse.Namespace, engine: Engine) -> dict[str, Any] | None:
    from sync.hq.report_sales import sales_csv, sales_report, sales_text

    result = sales_report(engine, args.period, args.store)
    if args.json or args.report_json:
        args.json = True  # `report sales --json` as well as `pos-hq --json report sales`
        return result
    print(sales_csv(result) if args.csv else sales_text(result), end="" if args.csv else "\n")
    return None


def _report_campaigns(args: argparse.Namespace, engine: Engine) -> dict[str, Any] | list[dict[str, Any]]:
    from sync.hq.coupons import campaign_stats

    with db.read(engine) as conn:
        result = campaign_stats(conn, args.store)
    return result if args.json else result["campaigns"]


def _show_sale(args: argparse.Namespace, engine: Engine) -> dict[str, Any] | Text:
    from sync.hq.sale_lookup import find_sale

    found = find_sale(engine, args.key)
    return found if args.json else Text(sale_text(found))


def sale_text(found: dict[str, Any]) -> str:
    """One sale for an operator: what was sold and paid, line by line, and each refund (amounts in yuan; the
    member by number, never their phone)."""
    sale, member = found["sale"], found.get("member") or {}
    out = [f"Sale {sale['receipt_no'] or sale['sale_id']} at store {found['store_code']}, {sale['business_time']}",
           f"  sale id {sale['sale_id']}; member {member.get('member_no', sale['member_uuid'])}, "
           f"tier {sale['tier_code']}, rules version {sale['rules_version']}",
           f"  total {format_yuan(sale['total_fen'])}, discount {format_yuan(sale['discount_fen'])}, coupon "
           f"{format_yuan(sale['coupon_fen'])}{' (' + sale['coupon_code'] + ')' if sale['coupon_code'] else ''}, "
           f"points {sale['points_redeemed']} = {format_yuan(sale['points_cash_fen'])}, stored value "
           f"{format_yuan(sale['stored_paid_fen'] + sale['stored_bonus_fen'])}, paid "
           f"{format_yuan(sale['payable_fen'])}, points earned {sale['points_earned']}",
           "  line  category        amount  discount   coupon   points ¥  stored ¥  earned"]
    for line in found["lines"]:
        out.append(f"  {line['line_no']:>4}  {line['category']:<12}{format_yuan(line['amount_fen']):>10}"
                   f"{format_yuan(line['discount_fen']):>10}{format_yuan(line['coupon_fen']):>9}"
                   f"{format_yuan(line['points_cash_fen']):>11}"
                   f"{format_yuan(line['stored_paid_fen'] + line['stored_bonus_fen']):>10}{line['points_earned']:>8}")
    if not found["refunds"]:
        out.append("  no refunds")
    for refund in found["refunds"]:
        lines = ", ".join(f"line {r['line_no']} {format_yuan(r['amount_fen'])}" for r in refund.get("lines", []))
        out.append(f"  refund at store {refund['store_code']}, {refund['business_time']}: "
                   f"{format_yuan(refund['amount_fen'])} ({lines}); cash {format_yuan(refund['cash_refund_fen'])}, "
                   f"stored value back "
                   f"{format_yuan(refund['stored_paid_restored_fen'] + refund['stored_bonus_restored_fen'])}, "
                   f"points reversed {refund['points_reversed']}")
    return "\n".join(out)
