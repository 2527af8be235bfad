"""A demo store to try the till with: members with cards, half a year of sales, top-ups, a refund, a lost
card and a frozen one, and every card's QR as a PNG. Deterministic (seeded), so screenshots and docs match."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pos_member.domain.errors import PosError
from pos_member.services import cards, checkout, coupons, members, refunds, setup, staff, stored_value
from pos_member.services.context import Store
from pos_member.services.lookup import show_member

DEMO_STORE_CODE = "001"
DEMO_MANAGER_PIN = "1234"
DEMO_CASHIER_PIN = "1111"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
          "秀英", "霞", "平", "刚", "桂英", "晓东", "子涵", "浩然", "欣怡", "宇轩", "梓萱"]
_CATEGORIES = ["grocery", "fresh", "dairy", "bakery", "household", "drinks"]


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


class _Clock:
    """Walks the demo's business time forward through the history."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def build_demo_store(store: Store, member_count: int, qr_dir: Path, seed: int = 20261124) -> DemoSummary:
    rng = random.Random(seed)
    real_clock = store.clock
    end = real_clock()
    clock = _Clock(end - timedelta(days=180))
    store.clock = clock
    try:
        setup.init_store(store, DEMO_STORE_CODE, "Demo Store 演示店", DEMO_MANAGER_PIN, "Demo Manager")
        staff.add_staff(store, "Demo Cashier", "cashier", DEMO_CASHIER_PIN, DEMO_MANAGER_PIN)
        cards_issued: list[str] = []
        for index in range(member_count):
            name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
            birthday = f"{rng.randint(1955, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            card_type = "annual" if index % 17 == 5 else "vip" if index % 23 == 7 else "standard"
            view = members.register_member(store, name, f"139{index:08d}", birthday, card_type=card_type)
            cards_issued.append(view.card_no or "")
        events = sorted(
            (end - timedelta(days=180) + timedelta(minutes=rng.randint(0, 180 * 24 * 60)), rng.randrange(member_count))
            for _ in range(member_count * 4)
        )
        sale_ids: list[str] = []
        for when, who in events:
            clock.now = when
            code = cards_issued[who]
            try:
                if rng.random() < 0.08:
                    stored_value.top_up(store, code, rng.choice([20000, 50000, 100000]))
                    continue
                member = show_member(store, code)
                total = rng.randint(500, 60000)
                first = rng.randint(1, total) if total > 1 else total
                lines = ((rng.choice(_CATEGORIES), first), ("grocery", total - first)) if first < total else ()
                redeem = member.points // 2 if member.points > 300 and rng.random() < 0.25 else 0
                redeem = min(redeem, total // 2)
                stored = min(member.stored_value_fen, total // 3) if rng.random() < 0.5 else 0
                result = checkout.commit_sale(store, checkout.SaleRequest(code, total, lines, redeem, stored))
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
    qr_dir.mkdir(parents=True, exist_ok=True)
    for card_no in cards_issued:
        cards.write_qr_png(cards.card_qr(store, card_no).qr, qr_dir / f"{card_no}.png")
    ident = store.identity
    return DemoSummary(ident.store_code, ident.store_name, member_count, len(sale_ids), refunded,
                       DEMO_MANAGER_PIN, DEMO_CASHIER_PIN, str(qr_dir), lost, frozen)

