"""A demo store to try the till with: members with cards, half a year of sales, top-ups, a refund, a lost
card and a frozen one, and every card's QR as a PNG. Deterministic (seeded), so screenshots and docs match.

On the till's first start (`create_demo_store_file`) the demo is built in a scratch file without an fsync
per commit and renamed into place when whole, and the QR PNGs are written afterwards off the critical path:
on a 2-core machine the PIN page is up in ~3 s instead of 5-20 s. Staff PINs stay argon2 hashes.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pos_member.domain.errors import PosError, RuleRefused
from pos_member.domain.reasons import Reason
from pos_member.services import cards, checkout, coupons, members, refunds, setup, staff, stored_value
from pos_member.services.context import Clock, Store
from pos_member.services.lookup import MemberView
from pos_member.storage.engine import Database
from pos_member.storage.schema import upgrade_to_head

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (steps done, steps in all), called from the building thread

DEMO_STORE_CODE = "001"
DEMO_MANAGER_PIN = "1234"
DEMO_CASHIER_PIN = "1111"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
          "秀英", "霞", "平", "刚", "桂英", "晓东", "子涵", "浩然", "欣怡", "宇轩", "梓萱"]
_CATEGORIES = ["grocery", "fresh", "dairy", "bakery", "household", "drinks"]
# sales and top-ups per member over the half year: 2 keeps the till's first start (which builds this demo
# before the PIN page) near 2 s on a quiet 2-core machine; each event is a real service call (~3 ms)
EVENTS_PER_MEMBER = 2


@dataclass
class DemoSummary:
    store_code: str
    store_name: str
    members: int
    sales: int
    refunds: int
    manager_pin: str
    cashier_pin: str
    qr_dir: str
    lost_card: str
    frozen_card: str
    card_qrs: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (card number, QR text)


class _Clock:
    """Walks the demo's business time forward through the history."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def build_demo_store(store: Store, member_count: int, qr_dir: Path, seed: int = 20261124,
                     progress: Progress | None = None, write_pngs: bool = True) -> DemoSummary:
    """The demo in `store` (which must be empty). With `write_pngs=False` the QR texts are in the summary's
    `card_qrs` and `write_qr_pngs` writes them later."""
    rng = random.Random(seed)
    total_steps = member_count * (1 + EVENTS_PER_MEMBER) + 2  # members, their history, the last few actions
    step = 0
    every = max(1, total_steps // 50)

    def advance(by: int = 1) -> None:
        nonlocal step
        step += by
        if progress is not None and (step % every == 0 or step >= total_steps):
            progress(min(step, total_steps), total_steps)

    if progress is not None:
        progress(0, total_steps)
    real_clock = store.clock
    end = real_clock()
    clock = _Clock(end - timedelta(days=180))
    store.clock = clock
    try:
        setup.init_store(store, DEMO_STORE_CODE, "Demo Store 演示店", DEMO_MANAGER_PIN, "Demo Manager")
        staff.add_staff(store, "Demo Cashier", "cashier", DEMO_CASHIER_PIN, DEMO_MANAGER_PIN)
        cards_issued: list[str] = []
        views: list[MemberView] = []
        for index in range(member_count):
            name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
            birthday = f"{rng.randint(1955, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            card_type = "annual" if index % 17 == 5 else "vip" if index % 23 == 7 else "standard"
            view = members.register_member(store, name, f"139{index:08d}", birthday, card_type=card_type)
            cards_issued.append(view.card_no or "")
            views.append(view)
            advance()
        events = sorted(
            (end - timedelta(days=180) + timedelta(minutes=rng.randint(0, 180 * 24 * 60)), rng.randrange(member_count))
            for _ in range(member_count * EVENTS_PER_MEMBER)
        )
        sale_ids: list[str] = []
        # (points, stored value) per member, from what each sale and top-up returns: the same figures
        # show_member would read, without a lookup per event
        balances = [(view.points, view.stored_value_fen) for view in views]
        for when, who in events:
            advance()
            clock.now = when
            code = cards_issued[who]
            points, stored_fen = balances[who]
            try:
                if rng.random() < 0.08:
                    topup = stored_value.top_up(store, code, rng.choice([20000, 50000, 100000]))
                    balances[who] = (points, topup.stored_value_fen)
                    continue
                total = rng.randint(500, 60000)
                first = rng.randint(1, total) if total > 1 else total
                lines = ((rng.choice(_CATEGORIES), first), ("grocery", total - first)) if first < total else ()
                redeem = points // 2 if points > 300 and rng.random() < 0.25 else 0
                redeem = min(redeem, total // 2)
                stored = min(stored_fen, total // 3) if rng.random() < 0.5 else 0
                result = checkout.commit_sale(store, checkout.SaleRequest(code, total, lines, redeem, stored))
                balances[who] = (result.points_balance, result.stored_value_balance_fen)
                sale_ids.append(result.sale_id)
            except PosError:
                continue  # e.g. an expired annual card in the history: the till would have refused it too
        clock.now = end - timedelta(hours=2)
        refunded = 0
        for sale_id in sale_ids[-3:-1]:
            refunds.refund_sale(store, sale_id, None, DEMO_MANAGER_PIN)
            refunded += 1
        clock.now = end - timedelta(hours=1)
        lost = cards.report_lost(store, cards_issued[3], DEMO_MANAGER_PIN).card_no
        frozen = cards.freeze(store, cards_issued[4], DEMO_MANAGER_PIN).card_no
        replaced = cards.replace(store, cards_issued[5], DEMO_MANAGER_PIN)
        cards_issued[5] = replaced.card_no
        for card_no in cards_issued[:20]:  # a few coupons in wallets, to try at the till
            coupons.issue_coupon(store, card_no, "save10")
        coupons.issue_coupon(store, cards_issued[0], "parking")
    finally:
        store.clock = real_clock
    card_qrs = tuple((card_no, cards.card_qr(store, card_no).qr) for card_no in cards_issued)
    if write_pngs:
        write_qr_pngs(card_qrs, qr_dir)
    advance(total_steps - step)
    ident = store.identity
    return DemoSummary(ident.store_code, ident.store_name, member_count, len(sale_ids), refunded,
                       DEMO_MANAGER_PIN, DEMO_CASHIER_PIN, str(qr_dir), lost, frozen, card_qrs)


def write_qr_pngs(card_qrs: tuple[tuple[str, str], ...], qr_dir: Path) -> None:
    """Every demo card's QR as a PNG, to print or hold up to the camera (~10 ms each: pure-Python QR)."""
    qr_dir.mkdir(parents=True, exist_ok=True)
    for card_no, qr in card_qrs:
        cards.write_qr_png(qr, qr_dir / f"{card_no}.png")


def is_demo_store(store: Store) -> bool:
    return store.identity.store_code == DEMO_STORE_CODE and store.identity.store_name.startswith("Demo Store")


def create_demo_store_file(db_path: Path, member_count: int, qr_dir: Path, clock: Clock,
                           progress: Progress | None = None) -> DemoSummary:
    """The till's first start on an empty data dir: the demo is built in a scratch file beside `db_path`
    with synchronous=OFF and renamed into place once whole, so a power cut or a kill leaves no store file
    (and the next start builds it again), never half a demo. The QR PNGs are left to `write_qr_pngs`."""
    if db_path.exists():
        raise RuleRefused(Reason.STORE_EXISTS, "store")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    scratch = db_path.with_name(db_path.name + ".demo-building")
    for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
        leftover.unlink(missing_ok=True)
    store = Store(db=Database(scratch, durable=False), clock=clock)
    try:
        upgrade_to_head(store.db)
        summary = build_demo_store(store, member_count, qr_dir, progress=progress, write_pngs=False)
    finally:
        store.close()
    # back to a rollback journal: the WAL is folded into the file and removed, so one file is renamed
    raw = sqlite3.connect(scratch, isolation_level=None)
    try:
        raw.execute("PRAGMA journal_mode=DELETE").fetchone()
    finally:
        raw.close()
    with scratch.open("rb+") as file:
        os.fsync(file.fileno())  # one fsync for the whole build, before the name makes it the store
    os.replace(scratch, db_path)
    _fsync_dir(db_path.parent)
    log.info("demo store built: %d members, %d sales", summary.members, summary.sales)
    return summary


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows, where a directory cannot be opened; the rename is durable there anyway
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

