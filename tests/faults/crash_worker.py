"""Child process for the crash test: records sales, top-ups and refunds back to back until it is killed."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from pos_member.domain.errors import PosError
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.context import open_store
from pos_member.services.refunds import refund_sale
from pos_member.services.stored_value import top_up


def main(db_path: str, seed: int, cards: list[str]) -> None:
    store = open_store(Path(db_path))
    rng = random.Random(seed)
    sales: list[str] = []
    announced = False
    while True:
        card = rng.choice(cards)
        try:
            roll = rng.random()
            if roll < 0.1:
                top_up(store, card, rng.randint(100, 60000))
            elif roll < 0.2 and sales:
                refund_sale(store, rng.choice(sales), rng.randint(1, 500), None)
            else:
                amount = rng.randint(100, 50000)
                result = commit_sale(store, SaleRequest(
                    card, amount, (("food", amount // 2), ("drinks", amount - amount // 2)),
                    redeem_points=rng.choice([0, 0, 50]), stored_value_fen=rng.choice([0, 0, 100])))
                sales.append(result.sale_id)
        except PosError:
            pass  # over-redemption, refunded too much: refused and nothing written, as at the till
        if not announced:
            print("ready", flush=True)
            announced = True


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","))
