"""The `pos-member` command. With no subcommand it opens the till app; subcommands run the same services
the till uses and print key: value lines, or JSON with --json.

Exit codes: 0 done; 1 refused (one line on stderr naming the field or rule; with --json also
{"error": ...} on stdout), also for a data dir without a store (only `init` and `demo` make one) or with an
empty, unreadable or damaged store file, one written by a newer pos-member, a full disk or a read-only
store (nothing is saved: the transaction rolls back); 2 usage; 3 internal error (logged with its traceback in
logs/); 141 when the reader of stdout goes away (`... | head -1`), with no traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from pos_member import cli_commands as commands
from pos_member.broken_pipe import quiet_on_broken_pipe
from pos_member.cli_loyalty import add_loyalty_commands
from pos_member.cli_sync import add_sync_commands
from pos_member.domain.errors import PosError
from pos_member.domain.money import format_yuan
from pos_member.storage.engine import disk_refusal

log = logging.getLogger("pos_member.cli")


def _add_member_commands(sub: argparse._SubParsersAction) -> None:
    member = sub.add_parser("member", help="register, show, edit, find or anonymise members")
    msub = member.add_subparsers(dest="action", required=True)
    add = msub.add_parser("add", help="register a member and issue a card")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True)
    add.add_argument("--birthday", help="YYYY-MM-DD")
    add.add_argument("--referrer", metavar="CODE", help="the referring member's code")
    add.add_argument("--card-type", default="standard", help="standard, vip or annual")
    add.add_argument("--qr-out", metavar="FILE.png", help="also write the card's QR as a PNG")
    add.set_defaults(handler=commands.member_add)
    show = msub.add_parser("show", help="show a member by card number, QR text, phone or member number")
    show.add_argument("code")
    show.set_defaults(handler=commands.member_show)
    edit = msub.add_parser("edit", help="change name, phone or birthday")
    edit.add_argument("code")
    edit.add_argument("--name")
    edit.add_argument("--phone")
    edit.add_argument("--birthday")
    edit.set_defaults(handler=commands.member_edit)
    find = msub.add_parser("find", help="find by any code or a fragment of the name")
    find.add_argument("query")
    find.set_defaults(handler=commands.member_find)
    export = msub.add_parser("export", help="everything held about one member, as JSON (PIPL access request)")
    export.add_argument("code")
    export.set_defaults(handler=commands.member_export)
    anon = msub.add_parser("anonymise", help="scrub a member's personal data, keeping the ledger")
    anon.add_argument("code")
    anon.add_argument("--manager-pin")
    anon.set_defaults(handler=commands.member_anonymise)


def _add_card_commands(sub: argparse._SubParsersAction) -> None:
    card = sub.add_parser("card", help="lost, freeze, unfreeze, replace, reprint, renew, qr")
    csub = card.add_subparsers(dest="action", required=True)
    for action, text in (("lost", "report the card lost (refused everywhere at once)"),
                         ("freeze", "freeze the card"), ("unfreeze", "unfreeze the card"),
                         ("replace", "issue a new card number keeping the balances"),
                         ("reprint", "reprint the same number; the old print is refused")):
        parser = csub.add_parser(action, help=text)
        parser.add_argument("code")
        parser.add_argument("--manager-pin")
        parser.add_argument("--qr-out", metavar="FILE.png", help=argparse.SUPPRESS if action not in (
            "replace", "reprint") else "write the new QR as a PNG")
        parser.set_defaults(handler=commands.card_action, card_action=action)
    renew = csub.add_parser("renew", help="extend an expiring card by one period (charges its fee)")
    renew.add_argument("code")
    renew.set_defaults(handler=commands.card_renew)
    qr = csub.add_parser("qr", help="write the card's QR code as a printable PNG")
    qr.add_argument("code")
    qr.add_argument("--out", required=True, metavar="FILE.png")
    qr.set_defaults(handler=commands.card_qr)


def _add_money_commands(sub: argparse._SubParsersAction) -> None:
    for name, handler, text in (("sale", commands.sale, "record a sale"),
                                ("quote", commands.quote, "price a sale without recording it")):
        sale = sub.add_parser(name, help=text)
        sale.add_argument("--member", required=True, metavar="CODE")
        sale.add_argument("--amount", required=True, metavar="YUAN")
        sale.add_argument("--line", action="append", default=[], metavar="CATEGORY=YUAN")
        sale.add_argument("--redeem-points", default="0", metavar="N")
        sale.add_argument("--stored-value", default="0", metavar="YUAN")
        sale.add_argument("--coupon", metavar="CODE", help="a coupon code or its QR text")
        sale.set_defaults(handler=handler)
    refund = sub.add_parser("refund", help="refund a recorded sale, wholly or in part")
    refund.add_argument("sale_id")
    refund.add_argument("--amount", metavar="YUAN", help="part of the bill to refund (default: all that is left)")
    refund.add_argument("--line", action="append", default=[], metavar="N[=YUAN]",
                        help="refund line N (all that is left of it, or YUAN of it); repeatable")
    refund.add_argument("--manager-pin")
    refund.set_defaults(handler=commands.refund)
    topup = sub.add_parser("topup", help="top up stored value (bonus steps apply)")
    topup.add_argument("--member", required=True, metavar="CODE")
    topup.add_argument("--amount", required=True, metavar="YUAN")
    topup.set_defaults(handler=commands.topup)
    points = sub.add_parser("points", help="manual points adjustment")
    psub = points.add_subparsers(dest="action", required=True)
    adjust = psub.add_parser("adjust", help="add or remove points with a reason (manager)")
    adjust.add_argument("code")
    adjust.add_argument("--delta", required=True, type=int, help="points to add (negative to remove)")
    adjust.add_argument("--reason", required=True)
    adjust.add_argument("--manager-pin")
    adjust.set_defaults(handler=commands.points_adjust)


def _add_global_options(parser: argparse.ArgumentParser, nested: bool) -> None:
    # Accepted before or after the subcommand; a nested copy must not overwrite a value given earlier.
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if nested else {}
    parser.add_argument("--home", metavar="DIR", help="data dir (default: POS_MEMBER_HOME or the user data dir)",
                        **default)
    parser.add_argument("--json", action="store_true", help="print JSON; amounts in integer fen (*_fen)",
                        **default)
    parser.add_argument("--pin", help="the staff PIN the work is recorded against (default: console)", **default)


def _leaf_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [parser]
    return [leaf for action in subs for child in action.choices.values() for leaf in _leaf_parsers(child)]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pos-member", description="Membership and loyalty at the till.")
    _add_global_options(parser, nested=False)
    sub = parser.add_subparsers(dest="command")
    init = sub.add_parser("init", help="set up a new store in the data dir")
    init.add_argument("--store-code", required=True, help="3 digits, unique in the chain")
    init.add_argument("--store-name", required=True)
    init.add_argument("--manager-pin", required=True)
    init.add_argument("--manager-name", default="Manager")
    init.add_argument("--device-no", type=int, default=1, help="this till's number in the store (0-99)")
    init.set_defaults(handler=commands.init)
    _add_member_commands(sub)
    _add_card_commands(sub)
    _add_money_commands(sub)
    staff = sub.add_parser("staff", help="add or list staff")
    ssub = staff.add_subparsers(dest="action", required=True)
    sadd = ssub.add_parser("add")
    sadd.add_argument("--name", required=True)
    sadd.add_argument("--role", required=True, choices=["cashier", "manager"])
    sadd.add_argument("--staff-pin", required=True, help="the new staff member's PIN")
    sadd.add_argument("--manager-pin")
    sadd.set_defaults(handler=commands.staff_add)
    ssub.add_parser("list").set_defaults(handler=commands.staff_list)
    ledger = sub.add_parser("ledger", help="a member's ledger entries, newest last")
    ledger.add_argument("code")
    ledger.add_argument("--limit", type=int)
    ledger.set_defaults(handler=commands.ledger)
    sub.add_parser("sales", help="the last sales").set_defaults(handler=commands.sales)
    sub.add_parser("verify", help="prove balances, audit chain and sales are whole").set_defaults(
        handler=commands.verify)
    demo = sub.add_parser("demo", help="create a demo store: 200 members, cards, a sales history, QR PNGs")
    demo.add_argument("--members", type=int, default=200)
    demo.add_argument("--qr-dir", metavar="DIR", help="where the QR PNGs go (default: DATA_DIR/qr)")
    demo.set_defaults(handler=commands.demo, needs_store=False)
    add_loyalty_commands(sub)
    sub.add_parser("gui", help="open the till app (the default)").set_defaults(handler=None)
    add_sync_commands(sub)
    for leaf in _leaf_parsers(parser):
        if leaf is not parser:
            _add_global_options(leaf, nested=True)
    return parser


# which rule bounded a sale's spending (domain.redemption.SpendRule), in the words the till's quote uses
_SPEND_RULE_WORDS = {"local": "this store's own ledger", "hq": "authorised by HQ", "offline": "offline limit"}


def _render_value(key: str, value: Any, keys: Iterable[str] = ()) -> tuple[str, str]:
    if key == "spend_rule" and value in _SPEND_RULE_WORDS:
        return key, _SPEND_RULE_WORDS[value]
    if key.endswith("_fen") and isinstance(value, int):
        name = key[:-4]
        # `coupon` (the code) beside `coupon_fen` (what it took off): the amount must not print as "coupon"
        return (f"{name}_amount" if name in keys else name), format_yuan(value)
    return key, "" if value is None else str(value)


def _print_dict(row: dict[str, Any], indent: str = "") -> None:
    for key, value in row.items():
        if isinstance(value, dict) and value:  # e.g. sync's `status`: one line per field, never a raw dict
            print(f"{indent}{key}:")
            _print_dict(value, indent + "  ")
            continue
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            print(f"{indent}{key}:")  # e.g. a refund's lines: one line each, amounts in yuan
            for item in value:
                print(f"{indent}  - " + ", ".join(
                    "{}: {}".format(*_render_value(k, v, item.keys())) for k, v in item.items()))
            continue
        name, text = _render_value(key, value, row.keys())
        print(f"{indent}{name}: {text}")


def print_result(result: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=None))
        return
    rows = result if isinstance(result, list) else [result]
    for index, row in enumerate(rows):
        if index:
            print()
        if isinstance(row, dict):
            _print_dict(row)
        else:
            print(row)


def main(argv: Sequence[str] | None = None) -> int:
    return quiet_on_broken_pipe(lambda: _main(argv))


def _refused(command: str, exc: PosError, as_json: bool) -> int:
    log.info("refused %s: %s", command, exc)
    print(f"error: {exc}", file=sys.stderr)
    if as_json:
        print(json.dumps({"error": str(exc), "field": exc.field, "code": exc.code, "reason": exc.reason.value,
                          "params": exc.params}, ensure_ascii=False))
    return 1


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        from pos_member.app import run_app

        return run_app(args.home)
    paths = commands.setup_logging(args.home)
    try:
        result = commands.run(args, paths)
    except PosError as exc:
        return _refused(args.command, exc, args.json)
    except BrokenPipeError:
        raise
    except Exception as exc:  # never a traceback in front of a person: log it, say one sentence
        refusal = disk_refusal(exc, paths.db)  # e.g. a read-only logs/ or store folder, a full disk
        if refusal is not None:
            log.warning("%s refused by the disk: %s", args.command, exc)
            return _refused(args.command, refusal, args.json)
        log.exception("internal error in %s", args.command)
        print(f"error: internal problem ({type(exc).__name__}); details in {paths.logs}", file=sys.stderr)
        if args.json:
            print(json.dumps({"error": f"internal problem ({type(exc).__name__})", "code": "internal"}))
        return 3
    if args.command == "member" and args.action == "export":
        print(json.dumps(result, ensure_ascii=False, indent=2))  # always JSON: it is a document
        return 0
    print_result(result, args.json)
    if args.command == "verify" and result.get("problems"):
        print(f"error: verify found {len(result['problems'])} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
