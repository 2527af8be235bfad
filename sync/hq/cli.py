"""The `pos-hq` command: run the HQ server and administer the chain.

    pos-hq serve [--host 127.0.0.1] [--port 8765] [--workers N] [--certfile CERT.pem --keyfile KEY.pem] [--max-body BYTES]
                 [--jobs-every MINUTES]                      # migrates the database first; HTTPS with a cert;
                                                             # runs the nightly jobs by itself (0 = never)
    pos-hq jobs run [--date YYYY-MM-DD]                      # points expiry and tier evaluation, once per date
    pos-hq migrate
    pos-hq store add CODE NAME                               # prints a one-time enrolment code
    pos-hq store code CODE                                   # another code (another till, or re-enrolment)
    pos-hq store list                                        # local rules, each till's rules in force
    pos-hq store local-rules CODE on|off [--operator NAME]   # a store's own rules (else HQ's rules win)
    pos-hq device list | pos-hq device revoke DEVICE_ID
    pos-hq quarantine list
    pos-hq flags list [--kind KIND] [--all] | pos-hq flags show ID
    pos-hq flags resolve|dismiss ID --note TEXT [--operator NAME]   # closes it once; the operator recorded
    pos-hq member duplicates                                 # members sharing a phone: merge candidates
    pos-hq member merge KEEP_UUID OTHER_UUID                 # OTHER's balances and cards move to KEEP
    pos-hq rules publish FILE.toml | pos-hq rules show
    pos-hq verify STORE                                      # the store's tills' audit heads and entries
    pos-hq member export MEMBER_NO                           # all HQ holds about a member (JSON)
    pos-hq report settlement --period 2026-11 [--store CODE] [--json|--csv] [--against-ledger]  # store x store
    pos-hq settlement-rate STORE FEN_PER_100_POINTS [--from YYYY-MM-DD]   # STORE * (or --default): chain default
    pos-hq settlement rates | catch-up | rebuild | bonus-share PERCENT
    pos-hq report sales --period 2026-11 [--store CODE] [--json|--csv]  # sales and refunds by store and day, in yuan
    pos-hq report campaigns [--store CODE]                   # per campaign: issued, used at each store
    pos-hq sale SALE_ID|RECEIPT_NO                           # one sale with its lines and refunds
    pos-hq report points|liability|tiers --period 2026-11 [--store CODE] [--json|--csv]   # chain reports

Global: --db URL (else POS_HQ_DATABASE_URL, else SQLite in --home / POS_HQ_HOME / the user data dir), --json.
Exit codes: 0 done; 1 refused (one line on stderr), also for a database written by a newer pos-hq, a full disk
or a read-only database (nothing is saved); 2 usage; 3 internal error (one line, the traceback in the log);
141 when the reader of stdout goes away (`pos-hq store list | head -1`), with no traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pos_member.broken_pipe import quiet_on_broken_pipe
from pos_member.domain.errors import PosError
from pos_member.storage.engine import disk_refusal
from sync.hq import admin, db
from sync.hq import jobs as hq_jobs
from sync.hq.body_limit import DEFAULT_MAX_BODY_BYTES, MAX_BODY_ENV
from sync.hq.cli_reports import Text, add_report_commands
from sync.hq.flags import FlagRefused

Handler = Callable[[argparse.Namespace, Engine], Any]


def _serve(args: argparse.Namespace, engine: Engine) -> None:
    import uvicorn

    from pos_member.log_privacy import install as install_masking
    from sync.hq.app import SERVE_ENV, create_app

    if bool(args.certfile) != bool(args.keyfile):
        raise ValueError("give both --certfile and --keyfile (HTTPS), or neither")
    for path in (args.certfile, args.keyfile):
        if path and not Path(path).is_file():
            raise ValueError(f"cannot read {path}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        install_masking(handler)
    jobs_every = args.jobs_every * 60 if args.jobs_every > 0 else None
    tls = {"ssl_certfile": args.certfile, "ssl_keyfile": args.keyfile}
    if args.workers == 1:
        uvicorn.run(create_app(engine, max_body_bytes=args.max_body, jobs_every_s=jobs_every), host=args.host,
                    port=args.port, log_level="info", timeout_graceful_shutdown=5, **tls)
        return
    # Each worker is its own process with its own engine; they share the feed through the database's row lock
    # (db.lock_feed) and one feed epoch (sync.hq.feed_epoch). SQLite takes one writer at a time across
    # processes too, but more workers only make them queue.
    os.environ[SERVE_ENV] = json.dumps({"url": engine.url.render_as_string(hide_password=False),
                                        "max_body": args.max_body, "jobs_every_s": jobs_every})
    uvicorn.run("sync.hq.app:app_from_env", factory=True, workers=args.workers, host=args.host, port=args.port,
                log_level="info", timeout_graceful_shutdown=5, **tls)


def _workers(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise argparse.ArgumentTypeError(f"--workers must be a whole number from 1 to 64, not {value!r}")
    return int(value)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--date must be a date as YYYY-MM-DD, not {value!r}") from None


def _verify(args: argparse.Namespace, engine: Engine) -> dict[str, Any]:
    from sync.hq.audit_heads import verify_store

    try:
        return verify_store(engine, args.store)
    except LookupError as exc:
        raise admin.AdminError(str(exc)) from exc


def _export(args: argparse.Namespace, engine: Engine) -> dict[str, Any]:
    from sync.hq.privacy import export_member

    try:
        return export_member(engine, args.member_no)
    except LookupError as exc:
        raise admin.AdminError(str(exc)) from exc


def _store_rules() -> Any:
    from sync.hq import store_rules

    return store_rules


def _stores_with_rules(engine: Engine) -> list[dict[str, Any]]:
    shown = _store_rules().rules_by_store(engine)
    return [store | {"tills": [
        f"till {till['device_no']}: {till['in_force']}" + (f" (local version {till['rules_version']}, "
                                                          f"{till['label']})" if till["rules_version"] else "")
        for till in store["tills"]]} for store in shown["stores"]]


def _rules_text(shown: dict[str, Any]) -> str:
    lines = [f"HQ's latest rules version: {shown['hq_latest_version'] or 'none published'}"]
    for store in shown["stores"]:
        own = (f"its own rules allowed (by {store['local_rules_changed_by']} at {store['local_rules_changed_at']})"
               if store["local_rules"] else "HQ's rules")
        lines.append(f"store {store['store_code']} {store['name']}: {own}")
        for till in store["tills"]:
            mark = " (current)" if till["current"] else ""
            lines.append(f"  till {till['device_no']}: {till['in_force']}{mark}"
                         + (f", confirmed {till['confirmed_at']}" if till["confirmed_at"] else ""))
    return "\n".join(lines)


def _flag_id(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"ID must be a flag's number (from `pos-hq flags list`), not {value!r}")
    return int(value)


def _flags_text(result: Any) -> str:
    from sync.hq.flags import flag_lines

    if isinstance(result, dict) and "kind" not in result:  # a close: flag_id, status, closed_by...
        return f"flag {result['flag_id']} {result['status']} by {result['closed_by']} at {result['closed_at']}"
    flags = result if isinstance(result, list) else [result]
    return "\n".join(line for flag in flags for line in flag_lines(flag)) if flags else "no flags"


def _add_flag_commands(sub: Any) -> None:
    from sync.hq import flags as hq_flags

    flags = sub.add_parser("flags", help="things to look at: overdrafts, duplicate phones, rejected records, "
                                         "audit mismatches, double coupon uses and refunds").add_subparsers(
        dest="action", required=True)
    flist = flags.add_parser("list", help="open flags (--all: closed ones too)")
    flist.add_argument("--kind", choices=hq_flags.KINDS)
    flist.add_argument("--all", action="store_true", help="closed flags too")
    flist.set_defaults(handler=lambda a, e: hq_flags.list_flags(e, a.kind, a.all), render=_flags_text)
    show = flags.add_parser("show", help="a flag with its history")
    show.add_argument("id", type=_flag_id, metavar="ID")
    show.set_defaults(handler=lambda a, e: hq_flags.show_flag(e, a.id), render=_flags_text)
    for status, verb in (("resolved", "resolve"), ("dismissed", "dismiss")):
        close = flags.add_parser(verb, help=f"{verb} an open flag, with a note; the operator is recorded")
        close.add_argument("id", type=_flag_id, metavar="ID")
        close.add_argument("--note", required=True, help="what was found or done")
        close.add_argument("--operator", metavar="NAME", help="who closes it (default: the OS user)")
        close.set_defaults(handler=lambda a, e, s=status: hq_flags.work_flag(
            e, a.id, status=s, note=a.note, operator=a.operator), render=_flags_text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pos-hq", description="pos-member HQ: sync server and chain admin.")
    parser.add_argument("--db", metavar="URL", help="database URL (postgresql://... or sqlite:///...)")
    parser.add_argument("--home", metavar="DIR", help="HQ data dir for the default SQLite database")
    parser.add_argument("--json", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=_workers, default=1, metavar="N",
                       help="worker processes (PostgreSQL: several share one database; default 1)")
    serve.add_argument("--jobs-every", type=int, default=30, metavar="MINUTES",
                       help="how often to run the due nightly jobs (points expiry, tiers); 0 = never")
    serve.add_argument("--certfile", metavar="PEM", help="serve HTTPS with this certificate (chain)")
    serve.add_argument("--keyfile", metavar="PEM", help="the certificate's private key")
    serve.add_argument("--max-body", type=int, metavar="BYTES",
                       default=int(os.environ.get(MAX_BODY_ENV, DEFAULT_MAX_BODY_BYTES)),
                       help=f"largest request body (413 above it; default 2 MB, or {MAX_BODY_ENV})")
    serve.set_defaults(handler=_serve)
    jobs = sub.add_parser("jobs", help="the chain's nightly jobs").add_subparsers(dest="action", required=True)
    jobs_run = jobs.add_parser("run", help="run points expiry and tier evaluation for a date (once per date)")
    jobs_run.add_argument("--date", type=_date, default=None, metavar="YYYY-MM-DD",
                          help="the date to run (default: today in HQ's time zone)")
    jobs_run.set_defaults(handler=lambda a, e: hq_jobs.run_jobs(e, a.date or date.today()))
    sub.add_parser("migrate", help="bring the database to the current schema").set_defaults(
        handler=lambda a, e: {"migrated": True})
    store = sub.add_parser("store", help="stores and enrolment codes").add_subparsers(dest="action", required=True)
    add = store.add_parser("add", help="add a store and print a one-time enrolment code")
    add.add_argument("code")
    add.add_argument("name")
    add.set_defaults(handler=lambda a, e: admin.add_store(e, a.code, a.name))
    code = store.add_parser("code", help="a new one-time enrolment code for a store")
    code.add_argument("code")
    code.add_argument("--days", type=int, default=7)
    code.set_defaults(handler=lambda a, e: admin.enrolment_code(e, a.code, a.days))
    store.add_parser("list", help="stores, whether each has local rules, and its tills' rules in force"
                     ).set_defaults(handler=lambda a, e: _stores_with_rules(e))
    local = store.add_parser("local-rules", help="grant (on) or withdraw (off) a store's own rules; without "
                                                 "them an enrolled store's rules come from HQ")
    local.add_argument("code")
    local.add_argument("setting", choices=("on", "off"))
    local.add_argument("--operator", metavar="NAME", help="who decides it (default: the OS user)")
    local.set_defaults(handler=lambda a, e: _store_rules().set_local_rules(e, a.code, a.setting, a.operator))
    device = sub.add_parser("device", help="enrolled tills").add_subparsers(dest="action", required=True)
    device.add_parser("list").set_defaults(handler=lambda a, e: admin.list_devices(e))
    revoke = device.add_parser("revoke", help="revoke a till's token (it must enrol again)")
    revoke.add_argument("device_id")
    revoke.set_defaults(handler=lambda a, e: admin.revoke_device(e, a.device_id))
    quarantine = sub.add_parser("quarantine", help="entries HQ rejected").add_subparsers(dest="action",
                                                                                       required=True)
    quarantine.add_parser("list").set_defaults(handler=lambda a, e: admin.list_quarantine(e))
    _add_flag_commands(sub)
    member = sub.add_parser("member", help="members at HQ").add_subparsers(dest="action", required=True)
    member.add_parser("duplicates", help="members sharing a phone (open duplicate_phone flags)").set_defaults(
        handler=lambda a, e: admin.member_duplicates(e))
    export = member.add_parser("export", help="everything HQ holds about one member, as JSON (PIPL access "
                                              "request)")
    export.add_argument("member_no", metavar="MEMBER_NO")
    export.set_defaults(handler=_export)
    merge = member.add_parser("merge", help="merge OTHER into KEEP: balances (as transfer entries) and cards "
                                            "move to KEEP, both ledgers stay whole; stores learn it on pull")
    merge.add_argument("keep", metavar="KEEP_UUID")
    merge.add_argument("other", metavar="OTHER_UUID")
    merge.set_defaults(handler=lambda a, e: admin.merge_members(e, a.keep, a.other))
    verify = sub.add_parser("verify", help="a store's tills: audit heads, mismatches their pushes showed, "
                                           "entries edited at HQ (exit 1 if any problem)")
    verify.add_argument("store")
    verify.set_defaults(handler=_verify)
    rules = sub.add_parser("rules", help="chain-wide rules").add_subparsers(dest="action", required=True)
    publish = rules.add_parser("publish", help="publish a rules TOML to every store")
    publish.add_argument("file")
    publish.set_defaults(handler=lambda a, e: admin.publish_rules(e, Path(a.file).read_text(encoding="utf-8")))
    rules.add_parser("show", help="HQ's latest rules version and the version each store's tills confirmed "
                                  "in force").set_defaults(handler=lambda a, e: _store_rules().rules_by_store(e),
                                                           render=_rules_text)
    add_report_commands(sub)
    return parser


def _print(result: Any, as_json: bool) -> None:
    if result is None:
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False, default=str))
        return
    for index, row in enumerate(result if isinstance(result, list) else [result]):
        if index:
            print()
        for key, value in row.items():
            print(f"{key}: {json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value}")


def _log_internal_error(args: argparse.Namespace) -> str:
    """The traceback goes to HQ's log file (masked like every log), never onto the admin's terminal."""
    from logging.handlers import RotatingFileHandler

    from pos_member.log_privacy import install as install_masking

    logging.raiseExceptions = False
    try:
        logs = db.hq_home(args.home) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(logs / "pos-hq.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return "nowhere (HQ's data dir cannot be written)"
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    install_masking(handler)
    log = logging.getLogger("sync.hq.cli")
    log.propagate = False  # not to a console handler
    log.addHandler(handler)
    log.exception("internal error in %s", args.command)
    handler.close()
    return str(logs / "pos-hq.log")


def _refused(exc: Exception, as_json: bool) -> int:
    print(f"error: {exc}", file=sys.stderr)
    if as_json:
        print(json.dumps({"error": str(exc)}, ensure_ascii=False))
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    return quiet_on_broken_pipe(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        engine = db.make_engine(db.database_url(args.db, args.home))
    except (ValueError, OSError) as exc:  # a bad URL, a data dir HQ cannot make
        return _refused(disk_refusal(exc, args.home or "") or exc, args.json)
    try:
        db.upgrade(engine)
        result = args.handler(args, engine)
    except BrokenPipeError:
        raise
    except (admin.AdminError, FlagRefused, PosError, ValueError) as exc:
        return _refused(exc, args.json)
    except Exception as exc:  # never a traceback in front of a person
        refusal = disk_refusal(exc, engine.url.database or "")  # a full disk, a read-only file or folder
        if refusal is not None:
            return _refused(refusal, args.json)
        if isinstance(exc, OSError):
            return _refused(exc, args.json)
        where = _log_internal_error(args)
        print(f"error: internal problem ({type(exc).__name__}); details in {where}", file=sys.stderr)
        return 3
    finally:
        engine.dispose()
    if getattr(args, "output", None) is not None:
        args.output(args, result)
        return 0
    if args.command == "member" and args.action == "export":
        print(json.dumps(result, ensure_ascii=False, default=str, indent=2))  # always JSON: it is a document
        return 0
    render = getattr(args, "render", None)
    if isinstance(result, Text):
        print(result)
    elif render is not None and not args.json:
        print(render(result))
    else:
        _print(result, args.json)
    if args.command == "verify" and result.get("problems"):
        print(f"error: verify found {len(result['problems'])} problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
