"""The loyalty rules document: a validated, immutable value. Validation names the bad key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from pos_member.domain.errors import InvalidInput
from pos_member.paths import resource

DEFAULT_RULES_PATH = resource("default_rules.toml")


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    min_spend_fen: int
    discount_percent: int
    points_multiplier_percent: int


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
class Rules:
    label: str
    fen_per_point: int
    points_per_yuan: int
    max_bill_percent: int
    refund_manager_above_fen: int
    max_sale_fen: int
    max_topup_fen: int
    tiers: tuple[Tier, ...]
    topup_steps: tuple[TopupStep, ...]
    card_types: dict[str, CardType]

    def tier(self, code: str) -> Tier:
        for tier in self.tiers:
            if tier.code == code:
                return tier
        return self.tiers[0]  # a tier dropped by newer rules falls back to the entry tier

    def tier_for_spend(self, spend_fen: int) -> Tier:
        reached = self.tiers[0]
        for tier in self.tiers:
            if spend_fen >= tier.min_spend_fen:
                reached = tier
        return reached

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


def _int(table: dict[str, Any], key: str, path: str, minimum: int = 0, maximum: int | None = None) -> int:
    where = f"{path}.{key}" if path else key
    if key not in table:
        raise InvalidInput("is missing", where)
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"must be a whole number, got {value!r}", where)
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise InvalidInput(f"must be {bound}, got {value}", where)
    return value


def _str(table: dict[str, Any], key: str, path: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("must be a non-empty string", f"{path}.{key}" if path else key)
    return value


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise InvalidInput("must be a table", key)
    return value


def _tiers(data: dict[str, Any]) -> tuple[Tier, ...]:
    raw = data.get("tiers")
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("must list at least one [[tiers]] entry", "tiers")
    tiers: list[Tier] = []
    for index, item in enumerate(raw):
        path = f"tiers[{index}]"
        tiers.append(Tier(
            code=_str(item, "code", path), name=_str(item, "name", path),
            min_spend_fen=_int(item, "min_spend_fen", path),
            discount_percent=_int(item, "discount_percent", path, 0, 90),
            points_multiplier_percent=_int(item, "points_multiplier_percent", path, 0, 1000),
        ))
    if tiers[0].min_spend_fen != 0:
        raise InvalidInput("the first tier must start at 0 spend", "tiers[0].min_spend_fen")
    for before, after in zip(tiers, tiers[1:], strict=False):
        if after.min_spend_fen <= before.min_spend_fen:
            raise InvalidInput("tiers must be in rising order of spend", f"tiers.{after.code}")
    if len({t.code for t in tiers}) != len(tiers):
        raise InvalidInput("tier codes must be unique", "tiers")
    return tuple(tiers)


def _card_types(data: dict[str, Any], tier_codes: set[str]) -> dict[str, CardType]:
    types: dict[str, CardType] = {}
    for code, item in _table(data, "card_types").items():
        path = f"card_types.{code}"
        starting = item.get("starting_tier")
        if starting is not None and starting not in tier_codes:
            raise InvalidInput(f"names unknown tier {starting!r}", f"{path}.starting_tier")
        types[code] = CardType(code, _str(item, "name", path), _int(item, "fee_fen", path),
                               _int(item, "valid_days", path, 0, 3660), starting)
    if "standard" not in types:
        raise InvalidInput("must define a 'standard' card type", "card_types")
    return types


def rules_from_dict(data: dict[str, Any]) -> Rules:
    earning, redemption = _table(data, "earning"), _table(data, "redemption")
    refunds, limits = _table(data, "refunds"), _table(data, "limits")
    tiers = _tiers(data)
    steps = []
    for index, item in enumerate(data.get("topup_bonus", [])):
        path = f"topup_bonus[{index}]"
        steps.append(TopupStep(_int(item, "pay_fen", path, 1), _int(item, "bonus_fen", path)))
    points_per_yuan = _int(redemption, "points_per_yuan", "redemption", 1, 100_000)
    if 100 % points_per_yuan and points_per_yuan % 100:
        # keep points-to-fen conversion exact in whole fen: 1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 500...
        raise InvalidInput("must divide 100 or be a multiple of 100", "redemption.points_per_yuan")
    return Rules(
        label=_str(data, "label", ""),
        fen_per_point=_int(earning, "fen_per_point", "earning", 1, 1_000_000),
        points_per_yuan=points_per_yuan,
        max_bill_percent=_int(redemption, "max_bill_percent", "redemption", 0, 100),
        refund_manager_above_fen=_int(refunds, "manager_pin_above_fen", "refunds"),
        max_sale_fen=_int(limits, "max_sale_fen", "limits", 1, 100_000_000),
        max_topup_fen=_int(limits, "max_topup_fen", "limits", 1, 100_000_000),
        tiers=tiers,
        topup_steps=tuple(steps),
        card_types=_card_types(data, {t.code for t in tiers}),
    )


def parse_rules_toml(text: str) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"is not valid TOML: {exc}", "rules") from exc
    return rules_from_dict(data)


def default_rules_text() -> str:
    return DEFAULT_RULES_PATH.read_text(encoding="utf-8")
