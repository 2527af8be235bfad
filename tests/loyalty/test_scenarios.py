"""A member's year under three real, published loyalty programs (resources/rules_examples/*.toml quote the
published rules). Each table is worked out by hand: the comment on a row shows the arithmetic; the test
replays the year through the real services and checks the balance and tier after every row."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pos_member.domain.errors import PosError
from pos_member.paths import resource
from pos_member.services import members
from pos_member.services.checkout import SaleRequest, commit_sale
from pos_member.services.jobs import run_jobs
from pos_member.services.lookup import show_member
from pos_member.services.refunds import refund_sale
from pos_member.services.rules_admin import apply_rules
from pos_member.services.verify import verify_store
from tests.conftest import CHINA, MANAGER_PIN

# (day, action, arguments, points after, tier after)
#   sale: (total_fen, lines or None, points to redeem)   refund: (index of the sale, fen or None, {line: fen})
#   job: (job name,)                                      refused: like sale, and must be refused

TESCO = [  # no tiers; 1 point per pound, fuel at half rate; 150 points minimum; lots lapse after 24 months
    ("2026-01-10", "sale", (4560, None, 0), 45, "clubcard"),  # 45.60 -> 45
    ("2026-02-14", "sale", (14000, (("grocery", 8000), ("fuel", 6000)), 0), 155, "clubcard"),  # 80 + 60/2 = 110
    ("2026-03-01", "refused", (2000, None, 100), 155, "clubcard"),  # under the 150-point minimum
    ("2026-03-01", "sale", (2000, None, 150), 23, "clubcard"),  # 150 pts = 1.50 off; earns on 18.50 -> 18
    ("2026-05-20", "sale", (12000, None, 0), 143, "clubcard"),  # +120
    ("2026-06-02", "refund", (3, None, None), 23, "clubcard"),  # the May sale: its 120 reversed
    ("2026-09-09", "sale", (9999, (("fuel", 9999),), 0), 72, "clubcard"),  # 99.99 / 2 = 49.995 -> 49
    ("2028-01-10", "job", ("expiry",), 72, "clubcard"),  # January lot (45) lapses, but the 150 spent covered it
    ("2028-02-14", "job", ("expiry",), 67, "clubcard"),  # + February lot (110): 155 lapsed - 150 spent = 5
    ("2028-03-01", "job", ("expiry",), 49, "clubcard"),  # + March lot (18)
    ("2028-05-20", "job", ("expiry",), 49, "clubcard"),  # the May lot was refunded: nothing left of it
    ("2028-09-09", "job", ("expiry",), 0, "clubcard"),  # the September lot (49)
]

SEPHORA = [  # calendar-year spend: VIB at 350, Rouge at 1000; x1 / x1.25 / x1.5; birthday month x2
    ("2026-01-05", "sale", (10000, None, 0), 100, "insider"),
    ("2026-03-10", "sale", (20000, None, 0), 300, "insider"),  # spent 300 this year
    ("2026-04-12", "sale", (6000, None, 0), 420, "vib"),  # birthday month: 60 x 2 = 120; 360 spent -> VIB
    ("2026-05-01", "sale", (10000, None, 0), 545, "vib"),  # 100 x 1.25 = 125
    ("2026-06-15", "sale", (5000, None, 500), 95, "vib"),  # 500 pts = 10.00 off; earns on 40 x 1.25 = 50
    # refund the 1 May sale: 125 reversed, only 95 left -> 30 short, bought back from the cash at 50 pts/$1:
    # 0.60 kept from the 100.00 refund, and the balance ends at 0 (spend this year: 400)
    ("2026-07-01", "refund", (3, None, None), 0, "vib"),
    ("2026-09-01", "sale", (3000, None, 0), 37, "vib"),  # 30 x 1.25 = 37.5 -> 37; spent 430 in 2026
    ("2027-01-01", "job", ("tiers",), 37, "vib"),  # judges 2026 (430 >= 350): re-qualified, kept through 2027
    ("2027-07-01", "job", ("tiers",), 37, "vib"),  # nothing spent in 2027 yet, but retained
    ("2028-01-01", "job", ("tiers",), 37, "insider"),  # judges 2027: nothing; retention over
    ("2028-03-01", "job", ("expiry",), 37, "insider"),  # last activity 2026-09-01 noon: not yet 18 months
    ("2028-03-02", "job", ("expiry",), 0, "insider"),  # 18 months without activity: all points lapse
]

BOOTS = [  # 3 points per pound, 6 in the birthday month; 1 point = 1p; lapse after 12 months unused
    ("2026-02-01", "sale", (2599, None, 0), 77, "advantage"),  # 25.99 x 3 = 77.97 -> 77
    ("2026-07-15", "sale", (4000, None, 0), 317, "advantage"),  # birthday month: 40 x 6 = 240
    ("2026-08-01", "sale", (317, None, 317), 0, "advantage"),  # 3.17 paid wholly with 317 points; earns 0
    ("2026-08-20", "sale", (1050, None, 0), 31, "advantage"),  # 10.50 x 3 = 31.5 -> 31
    ("2026-09-01", "refund", (3, 525, None), 16, "advantage"),  # half refunded: floor(31 x 5.25/10.50) = 15
    ("2027-08-20", "job", ("expiry",), 16, "advantage"),  # last activity 2026-08-20 noon: not a year yet
    ("2027-08-21", "job", ("expiry",), 0, "advantage"),
]


@pytest.mark.parametrize("program, birthday, year", [
    ("tesco_clubcard", "1990-10-10", TESCO),
    ("sephora_beauty_insider", "1992-04-20", SEPHORA),
    ("boots_advantage", "1980-07-09", BOOTS),
])
def test_a_members_year(store, clock, program, birthday, year):
    clock.now = datetime(2025, 12, 31, 12, 0, tzinfo=CHINA)
    apply_rules(store, resource("rules_examples", f"{program}.toml"), MANAGER_PIN)
    member = members.register_member(store, "会员", "13800001234", birthday=birthday)
    sales: list[str] = []
    for row, (day, action, args, points, tier) in enumerate(year):
        clock.now = datetime.combine(date.fromisoformat(day), datetime.min.time(), CHINA).replace(hour=12)
        if action == "sale":
            total, lines, redeem = args
            sales.append(commit_sale(store, SaleRequest(member.card_no, total, lines or (), redeem)).sale_id)
        elif action == "refused":
            total, lines, redeem = args
            with pytest.raises(PosError):
                commit_sale(store, SaleRequest(member.card_no, total, lines or (), redeem))
        elif action == "refund":
            index, amount, lines = args
            refund_sale(store, sales[index], amount, MANAGER_PIN, lines=lines)
        else:
            run_jobs(store, date.fromisoformat(day), [args[0]])
        view = show_member(store, member.card_no)
        assert (view.points, view.tier) == (points, tier), f"row {row}: {day} {action}"
    assert verify_store(store).ok
