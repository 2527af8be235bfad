"""What each `pos-member` subcommand does: parse its arguments strictly, call one service, return a dict."""

from __future__ import annotations

import argparse
import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from pos_member.config import Paths, resolve_paths
from pos_member.domain.codes import card_qr_text
from pos_member.domain.errors import InvalidInput, PosError
from pos_member.domain.money import parse_points, parse_yuan
from pos_member.domain.reasons import Reason
from pos_member.log_privacy import install as install_masking
from pos_member.services import (
    cards,
    checkout,
    history,
    members,
    refunds,
    setup,
    staff,
    stored_value,
    sync_service,
)
from pos_member.services.context import Store, open_store, system_clock
from pos_member.services.staff import CONSOLE_STAFF_ID, attempt_sign_in
from pos_member.services.verify import verify_store


def setup_logging(home: str | None) -> Paths:
    paths = resolve_paths(home)
    # a log line that cannot be written (full disk) is dropped, not printed with a traceback on stderr
    logging.raiseExceptions = False
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(paths.logs / "pos-member.log", maxBytes=2_000_000,
                                                       backupCount=5, encoding="utf-8")
    except OSError:  # a read-only or full data dir: the command still runs and says what it could not do
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    install_masking(handler)
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return paths


def run(args: argparse.Namespace, paths: Paths) -> Any:
    if getattr(args, "needs_store", True) is False:
        return args.handler(args, None, CONSOLE_STAFF_ID, paths)
    # only `init` makes a store file; any other command on a data dir without one says so and writes nothing
    store = open_store(paths.db, create=args.command == "init")
    try:
        staff_id = CONSOLE_STAFF_ID
        if args.pin and args.command != "init":
            staff_id = attempt_sign_in(store, args.pin).id  # the till's lockout and audit apply here too
        return args.handler(args, store, staff_id, paths)
    finally:
        store.close()


def _lines(raw: list[str]) -> tuple[tuple[str, int], ...]:
    lines = []
    for item in raw:
        category, sep, amount = item.partition("=")
        if not sep or not category.strip():
            raise InvalidInput(Reason.BAD_LINE_SPEC, "line", text=item)
        lines.append((category.strip().lower(), parse_yuan(amount, f"line {category.strip()}")))
    return tuple(lines)


def _with_qr(result: dict[str, Any], out: str | None) -> dict[str, Any]:
    if out:
        cards.write_qr_png(result["qr"], Path(out))
        result["qr_png"] = str(Path(out).resolve())
    return result


def init(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    setup.init_store(store, args.store_code, args.store_name, args.manager_pin, args.manager_name, args.device_no)
    ident = store.identity
    return {"store_code": ident.store_code, "store_name": ident.store_name, "device_id": ident.device_id,
            "database": str(paths.db)}


def _member_card_result(store: Store, view: members.MemberView) -> dict[str, Any]:
    result = view.as_dict()
    if view.card_no and view.card_version is not None:
        result["qr"] = card_qr_text(store.identity.chain_key, view.card_no, view.card_version)
    return result


def member_add(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    view = members.register_member(store, args.name, args.phone, args.birthday, args.referrer, args.card_type,
                                   staff_id)
    return _with_qr(_member_card_result(store, view), args.qr_out)


def member_show(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    from pos_member.services.lookup import show_member

    return show_member(store, args.code).as_dict()


def member_edit(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return members.edit_member(store, args.code, args.name, args.phone, args.birthday, staff_id).as_dict()


def member_find(args, store: Store, staff_id: int, paths: Paths) -> list[dict[str, Any]]:
    from pos_member.services.lookup import find_members

    return [view.as_dict() for view in find_members(store, args.query)]


def member_export(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    from pos_member.services.member_export import export_member

    return export_member(store, args.code, staff_id)


def member_anonymise(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return members.anonymise_member(store, args.code, args.manager_pin, staff_id).as_dict()


def card_action(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    action = {"lost": cards.report_lost, "freeze": cards.freeze, "unfreeze": cards.unfreeze,
              "replace": cards.replace, "reprint": cards.reprint}[args.card_action]
    result = action(store, args.code, args.manager_pin, staff_id).__dict__.copy()
    return _with_qr(result, args.qr_out)


def card_renew(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return cards.renew(store, args.code, staff_id).__dict__.copy()


def card_qr(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return _with_qr(cards.card_qr(store, args.code).__dict__.copy(), args.out)


def _sale_request(args) -> checkout.SaleRequest:
    return checkout.SaleRequest(
        code=args.member, amount_fen=parse_yuan(args.amount, "amount"), lines=_lines(args.line),
        redeem_points=parse_points(args.redeem_points, "redeem_points"),
        stored_value_fen=parse_yuan(args.stored_value, "stored_value", allow_zero=True),
        coupon=args.coupon,
    )


def sale(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return checkout.commit_sale(store, _sale_request(args), staff_id).as_dict()


def quote(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    q = checkout.quote_sale(store, _sale_request(args))
    skip = ("lines", "line_details")
    return {k: v for k, v in q.__dict__.items() if k not in skip} | {
        "lines": [line.__dict__ for line in q.line_details]}


def _refund_lines(raw: list[str]) -> dict[int, int | None]:
    lines: dict[int, int | None] = {}
    for item in raw:
        number, sep, amount = item.partition("=")
        if not number.strip().isdigit():
            raise InvalidInput(Reason.BAD_REFUND_LINE_SPEC, "line", text=item)
        lines[int(number)] = parse_yuan(amount, f"line {number}") if sep else None
    return lines


def refund(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    amount = parse_yuan(args.amount, "amount") if args.amount is not None else None
    lines = _refund_lines(args.line)
    if amount is not None and lines:
        raise InvalidInput(Reason.AMOUNT_OR_LINES, "amount")
    result = refunds.refund_sale(store, args.sale_id, amount, args.manager_pin, staff_id, lines or None).as_dict()
    return result | push_now(store, paths)


def push_now(store: Store, paths: Paths) -> dict[str, Any]:
    """An enrolled till tells HQ of a refund at once (one push, no pull), so another till that looks the sale up
    next refuses the same lines again; HQ not answering leaves it to the next sync, and says so."""
    if not sync_service.sync_store(store).status().get("enrolled"):
        return {}
    try:
        with sync_service.device_lock(paths.home / "sync.lock"):
            sync_service.sync_once(store, attempts=1, timeout=5.0, pull=False)
    except PosError:  # HQ unreachable, or a sync already running (it pushes this refund too)
        return {"sent_to_hq": False}
    return {"sent_to_hq": True}


def topup(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return stored_value.top_up(store, args.member, parse_yuan(args.amount, "amount"), staff_id).as_dict()


def points_adjust(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    balance = stored_value.adjust_points(store, args.code, args.delta, args.reason, args.manager_pin, staff_id)
    return {"points_balance": balance}


def staff_add(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return staff.add_staff(store, args.name, args.role, args.staff_pin, args.manager_pin).__dict__.copy()


def staff_list(args, store: Store, staff_id: int, paths: Paths) -> list[dict[str, Any]]:
    return [s.__dict__.copy() for s in staff.list_staff(store)]


def ledger(args, store: Store, staff_id: int, paths: Paths) -> list[dict[str, Any]]:
    return history.member_ledger(store, args.code, args.limit)


def sales(args, store: Store, staff_id: int, paths: Paths) -> list[dict[str, Any]]:
    return history.recent_sales(store)


def verify(args, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    from pos_member.services.verify_hq import verify_with_hq

    report = verify_store(store)
    against_hq = verify_with_hq(store)  # an enrolled till also compares its log and entries with HQ's
    problems = report.problems + against_hq["problems"]
    return {"ok": not problems, "members": report.members_checked, "entries": report.entries_checked,
            "sales": report.sales_checked, "audit_rows": report.audit_rows_checked, "hq": against_hq["hq"],
            "entries_compared_with_hq": against_hq["entries_compared"], "problems": problems}


def demo(args, _store: None, staff_id: int, paths: Paths) -> dict[str, Any]:
    """A new data dir gets the demo the way the till's first start builds it (whole, or no file at all); an
    existing file is opened (a damaged one refused) and filled only if it was never set up."""
    from pos_member.services.demo import build_demo_store, create_demo_store_file, write_qr_pngs

    qr_dir = Path(args.qr_dir) if args.qr_dir else paths.qr_dir
    if not paths.db.exists():
        summary = create_demo_store_file(paths.db, args.members, qr_dir, system_clock)
        write_qr_pngs(summary.card_qrs, qr_dir)
    else:
        store = open_store(paths.db, create=False)
        try:
            summary = build_demo_store(store, args.members, qr_dir)
        finally:
            store.close()
    result = summary.__dict__.copy()
    del result["card_qrs"]
    return result
