"""`pos-member` subcommands for HQ sync:

    pos-member enrol URL CODE         # trade HQ's one-time code for this till's token (adopts the chain key)
    pos-member sync --once            # one cycle (push, then pull), for cron or Task Scheduler
    pos-member sync status            # pending entries and records, cursors, last success and last error

Exit codes as everywhere: 1 when HQ is unreachable or refuses (one line on stderr), nothing lost locally.
"""

from __future__ import annotations

import argparse
from typing import Any

from pos_member.config import Paths
from pos_member.services import sync_service
from pos_member.services.context import Store


def add_sync_commands(sub: argparse._SubParsersAction) -> None:
    enrol = sub.add_parser("enrol", help="enrol this till with HQ using a one-time code")
    enrol.add_argument("url", help="HQ's address, e.g. https://hq.example.com")
    enrol.add_argument("code", help="the code `pos-hq store add` or `pos-hq store code` printed")
    enrol.set_defaults(handler=enrol_command)
    sync = sub.add_parser("sync", help="sync with HQ once (--once), or show the sync status (status)")
    sync.add_argument("action", nargs="?", choices=["status"], help="show the status instead of syncing")
    sync.add_argument("--once", action="store_true", help="one push-and-pull cycle, then exit (the default)")
    sync.set_defaults(handler=sync_command)


def enrol_command(args: argparse.Namespace, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    return sync_service.enrol(store, args.url, args.code)


def sync_command(args: argparse.Namespace, store: Store, staff_id: int, paths: Paths) -> dict[str, Any]:
    if args.action == "status":
        return sync_service.sync_status(store)
    with sync_service.device_lock(paths.home / "sync.lock"):
        return sync_service.sync_once(store)
