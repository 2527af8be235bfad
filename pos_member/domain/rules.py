"""The loyalty rules document as an immutable value, and the questions the rest of the app asks of it.

The TOML schema is documented in docs/rules.md; rules_parse.py validates a document and names any bad key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pos_member.paths import resource

DEFAULT_RULES_PATH = resource("default_rules.toml")
EXPIRY_POLICIES = ("none", "months_after_earning", "end_of_next_year", "inactive_months")
LABEL_LANGUAGES = ("en", "zh_CN")  # the languages the till ships
LABEL_KINDS = ("tiers", "card_types", "coupon_templates", "categories")
# language -> kind -> code -> the name shown at the till
Labels = dict[str, dict[str, dict[str, str]]]


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    threshold: int  # fen spent or points earned in the qualification window
    discount_percent: int
    points_multiplier_percent: int
    birthday_coupon: str | None = None


@dataclass(frozen=True)
class Promotion:
    name: str
    multiplier_percent: int
    weekdays: tuple[int, ...] = ()  # ISO: 1 = Monday
    dates: tuple[str, ...] = ()  # YYYY-MM-DD
    start: str | None = None
    end: str | None = None

    def applies(self, day: date) -> bool:
        iso = day.isoformat()
        if (self.start and iso < self.start) or (self.end and iso > self.end):
            return False
        if not self.weekdays and not self.dates:
            return True  # a plain window: every day from start to end
        return day.isoweekday() in self.weekdays or iso in self.dates


@dataclass(frozen=True)
class Earning:
    fen_per_point: int
    birthday_month_multiplier_percent: int = 100
    categories: dict[str, int] = field(default_factory=dict)  # category -> percent of base; 0 = excluded
    stores: dict[str, int] = field(default_factory=dict)  # store code -> percent of base
    promotions: tuple[Promotion, ...] = ()

    def category_percent(self, category: str) -> int:
        return self.categories.get(category, 100)


@dataclass(frozen=True)
class Expiry:
    policy: str = "none"
    months: int = 0


@dataclass(frozen=True)
class Qualification:
    measure: str = "spend"  # spend | points
    window: str = "rolling_months"  # rolling_months | calendar_year
    months: int = 12
    evaluation_day: int = 1
    retention: str = "none"  # none | months | through_next_calendar_year
    retention_months: int = 0


@dataclass(frozen=True)
class Risk:
    max_redeem_points_per_member_day: int
    max_redeem_points_per_store_day: int
    adjust_without_manager_points: int
    offline_redeem_points_per_member: int
    offline_redeem_points_per_store_day: int  # per till: this till's unconfirmed redemptions today
    # while HQ does not answer: stored value (paid + bonus, fen) one member may spend at this till, and this
    # till may take today, beyond what HQ confirmed (docs/rules.md)
    offline_stored_fen_per_member: int = 50_000
    offline_stored_fen_per_till_day: int = 500_000


@dataclass(frozen=True)
class TopupStep:
    pay_fen: int
    bonus_fen: int


@dataclass(frozen=True)
class CardType:
    code: str
    name: str
    fee_fen: int
    valid_days: int
    starting_tier: str | None


@dataclass(frozen=True)
class CouponTemplate:
    code: str
    kind: str  # amount_off | percent_off | gift
    name: str
    amount_off_fen: int = 0
    min_spend_fen: int = 0
    percent_off: int = 0
    max_off_fen: int = 0
    valid_days: int = 30


@dataclass(frozen=True)
class Rules:
    label: str
    earning: Earning
    points_per_yuan: int
    max_bill_percent: int
    min_redeem_points: int
    expiry: Expiry
    qualification: Qualification
    refund_manager_above_fen: int
    max_sale_fen: int
    max_topup_fen: int
    risk: Risk
    referrer_points: int
    tiers: tuple[Tier, ...]
    topup_steps: tuple[TopupStep, ...]
    card_types: dict[str, CardType]
    coupon_templates: dict[str, CouponTemplate]
    labels: Labels = field(default_factory=dict)
    # [referral]: the referred member's purchase must reach this spend (fen paid) to pay the referrer, and a
    # refund within `referral_reversal_days` of that purchase that takes it below the minimum reverses it
    referral_min_spend_fen: int = 1000
    referral_reversal_days: int = 30

    def display_name(self, kind: str, code: str, language: str = "en", fallback: str | None = None) -> str:
        """The name the till shows for a tier, card type, coupon template or line category: the rules'
        label in `language`, else the English label, else the document's own `name` (or `fallback`, e.g. the
        name a coupon was issued with), else the code as it is."""
        for lang in (language, "en"):
            label = self.labels.get(lang, {}).get(kind, {}).get(code)
            if label:
                return label
        if fallback:
            return fallback
        own = {"tiers": {t.code: t.name for t in self.tiers},
               "card_types": {c.code: c.name for c in self.card_types.values()},
               "coupon_templates": {c.code: c.name for c in self.coupon_templates.values()}}.get(kind, {})
        return own.get(code, code)

    def tier(self, code: str) -> Tier:
        for tier in self.tiers:
            if tier.code == code:
                return tier
        return self.tiers[0]  # a tier dropped by newer rules falls back to the entry tier

    def tier_for(self, qualifying: int) -> Tier:
        reached = self.tiers[0]
        for tier in self.tiers:
            if qualifying >= tier.threshold:
                reached = tier
        return reached

    def has_tier(self, code: str) -> bool:
        return any(tier.code == code for tier in self.tiers)

    def tier_rank(self, code: str) -> int:
        for index, tier in enumerate(self.tiers):
            if tier.code == code:
                return index
        return 0

    def topup_bonus(self, pay_fen: int) -> int:
        bonus = 0
        for step in self.topup_steps:
            if pay_fen >= step.pay_fen:
                bonus = max(bonus, step.bonus_fen)
        return bonus


def default_rules_text() -> str:
    return DEFAULT_RULES_PATH.read_text(encoding="utf-8")


def parse_rules_toml(text: str) -> Rules:
    from pos_member.domain.rules_parse import parse_rules_toml as parse

    return parse(text)
