"""Validating a rules document. Every refusal names the key (`tiers[2].threshold`, `earning.categories.x`),
and unknown keys are refused too: a typo must not silently fall back to a default."""

from __future__ import annotations

import difflib
import re
import tomllib
from datetime import date
from typing import Any

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import (
    EXPIRY_POLICIES,
    LABEL_KINDS,
    LABEL_LANGUAGES,
    CardType,
    CouponTemplate,
    Earning,
    Expiry,
    Labels,
    Promotion,
    Qualification,
    Risk,
    Rules,
    Tier,
    TopupStep,
)

_BIG = 1_000_000_000


class _Table:
    """A TOML table read strictly: each key read is ticked off, and `done()` refuses the rest."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise InvalidInput(Reason.RULES_NOT_TABLE, path or "rules")
        self.data, self.path, self.used = data, path, set()

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def missing(self, key: str) -> InvalidInput:
        typo = difflib.get_close_matches(key, [k for k in self.data if k not in self.used], n=1, cutoff=0.8)
        if typo:
            return InvalidInput(Reason.RULES_DID_YOU_MEAN, self.where(typo[0]), key=key)
        return InvalidInput(Reason.RULES_MISSING, self.where(key))

    def int(self, key: str, default: int | None = None, low: int = 0, high: int = _BIG) -> int:
        self.used.add(key)
        if key not in self.data:
            if default is None:
                raise self.missing(key)
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(Reason.RULES_NOT_INT, self.where(key), value=repr(value))
        if not low <= value <= high:
            raise InvalidInput(Reason.RULES_OUT_OF_RANGE, self.where(key), low=low, high=high, value=value)
        return value

    def str(self, key: str, default: str | None = None, choices: tuple[str, ...] = ()) -> str:
        self.used.add(key)
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput(Reason.RULES_EMPTY_STRING, self.where(key))
        if choices and value not in choices:
            raise InvalidInput(Reason.RULES_NOT_CHOICE, self.where(key), choices=", ".join(choices), value=repr(value))
        return value

    def optional_str(self, key: str) -> str | None:
        """A text key that may be left out (None); written, it must be a non-empty string like any other."""
        self.used.add(key)
        return None if key not in self.data else self.str(key)

    def table(self, key: str, required: bool = True) -> _Table:
        self.used.add(key)
        if key not in self.data and not required:
            return _Table({}, self.where(key))
        return _Table(self.data.get(key), self.where(key))

    def list(self, key: str) -> list[Any]:
        self.used.add(key)
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise InvalidInput(Reason.RULES_NOT_LIST, self.where(key))
        return value

    def done(self) -> None:
        for key in self.data:
            if key not in self.used:
                raise InvalidInput(Reason.RULES_UNKNOWN_KEY, self.where(key))


def _date(value: Any, where: str) -> str:
    """YYYY-MM-DD, quoted or not: TOML reads an unquoted date as a date (a manager writes either)."""
    if type(value) is date:
        return value.isoformat()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):  # fromisoformat also takes 20261225
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError) as exc:
        raise InvalidInput(Reason.RULES_BAD_DATE, where, value=repr(value)) from exc


def _percent_map(table: _Table) -> dict[str, int]:
    values = {str(key): table.int(key, low=0, high=1000) for key in list(table.data)}
    table.done()
    return values


def _promotions(items: list[Any], path: str) -> tuple[Promotion, ...]:
    promotions = []
    for index, item in enumerate(items):
        table = _Table(item, f"{path}[{index}]")
        weekdays = table.list("weekdays")
        for day in weekdays:
            if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 7:
                raise InvalidInput(Reason.RULES_BAD_WEEKDAYS, table.where("weekdays"))
        dates = tuple(_date(d, table.where("dates")) for d in table.list("dates"))
        start = _date(table.data["from"], table.where("from")) if "from" in table.data else None
        end = _date(table.data["to"], table.where("to")) if "to" in table.data else None
        table.used.update({"from", "to"})
        promotions.append(Promotion(table.str("name"), table.int("multiplier_percent", low=0, high=1000),
                                    tuple(weekdays), dates, start, end))
        table.done()
    return tuple(promotions)


def _earning(table: _Table) -> Earning:
    earning = Earning(
        fen_per_point=table.int("fen_per_point", low=1, high=1_000_000),
        birthday_month_multiplier_percent=table.int("birthday_month_multiplier_percent", 100, 0, 1000),
        categories=_percent_map(table.table("categories", required=False)),
        stores=_percent_map(table.table("stores", required=False)),
        promotions=_promotions(table.list("promotions"), table.where("promotions")),
    )
    if "rounding" in table.data and table.str("rounding") != "down":
        raise InvalidInput(Reason.RULES_ROUNDING, table.where("rounding"))
    table.used.add("rounding")
    table.done()
    return earning


def _tiers(items: list[Any]) -> tuple[Tier, ...]:
    if not items:
        raise InvalidInput(Reason.RULES_NO_TIERS, "tiers")
    tiers = []
    for index, item in enumerate(items):
        table = _Table(item, f"tiers[{index}]")
        tiers.append(Tier(table.str("code"), table.str("name"), table.int("threshold"),
                          table.int("discount_percent", low=0, high=90),
                          table.int("points_multiplier_percent", low=0, high=1000),
                          table.optional_str("birthday_coupon")))
        table.done()
    if tiers[0].threshold != 0:
        raise InvalidInput(Reason.RULES_FIRST_TIER, "tiers[0].threshold")
    for index, (before, after) in enumerate(zip(tiers, tiers[1:], strict=False)):
        if after.threshold <= before.threshold:
            raise InvalidInput(Reason.RULES_TIERS_RISE, f"tiers[{index + 1}].threshold",
                               threshold=before.threshold)
    if len({t.code for t in tiers}) != len(tiers):
        raise InvalidInput(Reason.RULES_TIER_CODES_UNIQUE, "tiers")
    return tuple(tiers)


def _coupon_templates(table: _Table) -> dict[str, CouponTemplate]:
    templates = {}
    for code in list(table.data):
        if not re.fullmatch(r"[a-z0-9_]{1,24}", code):
            raise InvalidInput(Reason.RULES_TEMPLATE_CODE, table.where(code))
        item = table.table(code)
        kind = item.str("kind", choices=("amount_off", "percent_off", "gift"))
        template = CouponTemplate(
            code=code, kind=kind, name=item.str("name"),
            amount_off_fen=item.int("amount_off_fen", 0 if kind != "amount_off" else None, 1 if kind == "amount_off" else 0),
            min_spend_fen=item.int("min_spend_fen", 0),
            percent_off=item.int("percent_off", 0 if kind != "percent_off" else None, 0, 90),
            max_off_fen=item.int("max_off_fen", 0),
            valid_days=item.int("valid_days", 30, 1, 3660),
        )
        item.done()
        templates[code] = template
    table.done()
    return templates


def _card_types(table: _Table, tier_codes: set[str]) -> dict[str, CardType]:
    types: dict[str, CardType] = {}
    for code in list(table.data):
        item = table.table(code)
        starting = item.optional_str("starting_tier")
        if starting is not None and starting not in tier_codes:
            raise InvalidInput(Reason.RULES_UNKNOWN_TIER, item.where("starting_tier"), tier=str(starting))
        types[code] = CardType(code, item.str("name"), item.int("fee_fen"), item.int("valid_days", high=3660),
                               starting)
        item.done()
    table.done()
    if "standard" not in types:
        raise InvalidInput(Reason.RULES_NO_STANDARD_CARD, "card_types")
    return types


def _labels(table: _Table, known: dict[str, set[str]]) -> Labels:
    """[labels.<language>.<kind>] code = "name": what the till calls things in each language."""
    labels: Labels = {}
    for language in list(table.data):
        if language not in LABEL_LANGUAGES:
            raise InvalidInput(Reason.RULES_BAD_LANGUAGE, table.where(language), value=str(language))
        by_kind = table.table(language)
        labels[language] = {}
        for kind in LABEL_KINDS:
            names = by_kind.table(kind, required=False)
            for code in list(names.data):
                if kind in known and code not in known[kind]:
                    raise InvalidInput(Reason.RULES_UNKNOWN_KEY, names.where(code))
            labels[language][kind] = {str(code): names.str(code) for code in list(names.data)}
            names.done()
        by_kind.done()
    table.done()
    return labels


def rules_from_dict(data: dict[str, Any]) -> Rules:
    root = _Table(data, "")
    redemption, refunds, limits = root.table("redemption"), root.table("refunds"), root.table("limits")
    expiry_t, qual_t, risk_t = root.table("expiry", False), root.table("tier_qualification", False), root.table(
        "risk", False)
    referral = root.table("referral", False)
    points_per_yuan = redemption.int("points_per_yuan", low=1, high=100_000)
    if 100 % points_per_yuan and points_per_yuan % 100:
        # keep points-to-fen conversion exact in whole fen: 1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 500...
        raise InvalidInput(Reason.RULES_POINTS_PER_YUAN, "redemption.points_per_yuan")
    policy = expiry_t.str("policy", "none", EXPIRY_POLICIES)
    expiry = Expiry(policy, expiry_t.int("months", 0 if policy in ("none", "end_of_next_year") else None, 0, 240))
    if policy in ("months_after_earning", "inactive_months") and expiry.months < 1:
        raise InvalidInput(Reason.RULES_EXPIRY_MONTHS, "expiry.months")
    qualification = Qualification(
        measure=qual_t.str("measure", "spend", ("spend", "points")),
        window=qual_t.str("window", "rolling_months", ("rolling_months", "calendar_year")),
        months=qual_t.int("months", 12, 1, 120),
        evaluation_day=qual_t.int("evaluation_day", 1, 1, 28),
        retention=qual_t.str("retention", "none", ("none", "months", "through_next_calendar_year")),
        retention_months=qual_t.int("retention_months", 0, 0, 120),
    )
    risk = Risk(
        max_redeem_points_per_member_day=risk_t.int("max_redeem_points_per_member_day", _BIG),
        max_redeem_points_per_store_day=risk_t.int("max_redeem_points_per_store_day", _BIG),
        adjust_without_manager_points=risk_t.int("adjust_without_manager_points", 0),
        offline_redeem_points_per_member=risk_t.int("offline_redeem_points_per_member", _BIG),
        offline_redeem_points_per_store_day=risk_t.int("offline_redeem_points_per_store_day", _BIG),
        offline_stored_fen_per_member=risk_t.int("offline_stored_fen_per_member", 50_000),
        offline_stored_fen_per_till_day=risk_t.int("offline_stored_fen_per_till_day", 500_000),
    )
    tiers = _tiers(root.list("tiers"))
    steps = []
    for index, item in enumerate(root.list("topup_bonus")):
        step = _Table(item, f"topup_bonus[{index}]")
        steps.append(TopupStep(step.int("pay_fen", low=1), step.int("bonus_fen")))
        step.done()
    coupon_templates = _coupon_templates(root.table("coupon_templates", False))
    for index, tier in enumerate(tiers):
        if tier.birthday_coupon and tier.birthday_coupon not in coupon_templates:
            raise InvalidInput(Reason.RULES_UNKNOWN_TEMPLATE, f"tiers[{index}].birthday_coupon",
                               template=tier.birthday_coupon)
    card_types = _card_types(root.table("card_types"), {t.code for t in tiers})
    known = {"tiers": {t.code for t in tiers}, "card_types": set(card_types),
             "coupon_templates": set(coupon_templates)}
    rules = Rules(
        label=root.str("label"),
        earning=_earning(root.table("earning")),
        points_per_yuan=points_per_yuan,
        max_bill_percent=redemption.int("max_bill_percent", high=100),
        min_redeem_points=redemption.int("min_points", 0),
        expiry=expiry,
        qualification=qualification,
        refund_manager_above_fen=refunds.int("manager_pin_above_fen"),
        max_sale_fen=limits.int("max_sale_fen", low=1, high=100_000_000),
        max_topup_fen=limits.int("max_topup_fen", low=1, high=100_000_000),
        risk=risk,
        referrer_points=referral.int("referrer_points", 0, 0, 1_000_000),
        tiers=tiers,
        topup_steps=tuple(steps),
        card_types=card_types,
        coupon_templates=coupon_templates,
        labels=_labels(root.table("labels", False), known),
        referral_min_spend_fen=referral.int("min_spend_fen", 1000, 0, 100_000_000),
        referral_reversal_days=referral.int("reversal_days", 30, 0, 3660),
    )
    for table in (redemption, refunds, limits, expiry_t, qual_t, risk_t, referral, root):
        table.done()
    return rules


def parse_rules_toml(text: str) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(Reason.RULES_NOT_TOML, "rules", detail=str(exc)) from exc
    return rules_from_dict(data)
