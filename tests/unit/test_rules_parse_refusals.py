"""Every refusal of pos_member/domain/rules_parse.py pinned exactly: its reason, the key it names and each
figure of its message, at both sides of every bound; and every default docs/rules.md promises. A manager
fixes a rules file by the key and figures in the refusal, so a refusal naming the wrong key, or a bound off
by one, is a bug even when the file is still refused. (Mutation testing found tests that only checked that
something was refused; these check what.)

The English sentence is made from (reason, params) by reasons.english and the till's Chinese one by
ui/messages.py from the same two: rules_parse produces neither, so pinning the reason, field and params pins
both sentences."""

from __future__ import annotations

import copy
import functools
import tomllib
from collections.abc import Callable
from typing import Any

import pytest

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import (
    CardType,
    CouponTemplate,
    Earning,
    Expiry,
    Promotion,
    Qualification,
    Risk,
    Rules,
    Tier,
    TopupStep,
    default_rules_text,
)
from pos_member.domain.rules_parse import _Table, parse_rules_toml, rules_from_dict

BIG = 1_000_000_000  # rules_parse._BIG: "no cap" (docs/rules.md, [risk]) and the top of every open range
DELETE = object()  # put(): remove the key instead of setting it

Path = tuple[str | int, ...]
Refusal = tuple[Reason, str | None, dict[str, int | str]]


@functools.cache
def _default() -> dict[str, Any]:
    return tomllib.loads(default_rules_text())


def doc() -> dict[str, Any]:
    """The shipped default rules, plus a store rate and a promotion so that those tables are read too."""
    data = copy.deepcopy(_default())  # a fresh copy each time: the cases change it in place
    data["earning"]["stores"] = {"001": 150}
    data["earning"]["promotions"] = [{"name": "Double Mondays", "multiplier_percent": 200, "weekdays": [1]}]
    return data


def put(data: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """Set (or with DELETE remove) the value at `path`, making missing tables on the way."""
    parent: Any = data
    for step in path[:-1]:
        parent = parent[step] if isinstance(step, int) else parent.setdefault(step, {})
    if value is DELETE:
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = value
    return data


def field_of(path: Path) -> str:
    """The key as a refusal names it: `tiers[1].discount_percent`, `earning.categories.tobacco`."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def refusal(data: Any) -> Refusal:
    with pytest.raises(InvalidInput) as caught:
        rules_from_dict(data)
    return caught.value.reason, caught.value.field, caught.value.params


def refusal_of(path: Path, value: Any, data: dict[str, Any] | None = None) -> Refusal:
    return refusal(put(doc() if data is None else data, path, value))


def parsed_with(path: Path, value: Any) -> Rules:
    return rules_from_dict(put(doc(), path, value))


def test_the_documents_these_tests_start_from_are_accepted() -> None:
    # every case below changes one thing: a refusal must be caused by that change alone
    assert rules_from_dict(doc()).label == "default"
    assert parse_rules_toml(MINIMAL).label == "minimal"


# --- whole numbers: every bound of every int the document has ------------------------------------------

INT_BOUNDS: list[tuple[Path, int, int, Callable[[Rules], int]]] = [
    (("earning", "fen_per_point"), 1, 1_000_000, lambda r: r.earning.fen_per_point),
    (("earning", "birthday_month_multiplier_percent"), 0, 1000,
     lambda r: r.earning.birthday_month_multiplier_percent),
    (("earning", "categories", "tobacco"), 0, 1000, lambda r: r.earning.categories["tobacco"]),
    (("earning", "stores", "001"), 0, 1000, lambda r: r.earning.stores["001"]),
    (("earning", "promotions", 0, "multiplier_percent"), 0, 1000,
     lambda r: r.earning.promotions[0].multiplier_percent),
    (("redemption", "points_per_yuan"), 1, 100_000, lambda r: r.points_per_yuan),
    (("redemption", "max_bill_percent"), 0, 100, lambda r: r.max_bill_percent),
    (("redemption", "min_points"), 0, BIG, lambda r: r.min_redeem_points),
    (("expiry", "months"), 0, 240, lambda r: r.expiry.months),  # the default policy is end_of_next_year
    (("tier_qualification", "months"), 1, 120, lambda r: r.qualification.months),
    (("tier_qualification", "evaluation_day"), 1, 28, lambda r: r.qualification.evaluation_day),
    (("tier_qualification", "retention_months"), 0, 120, lambda r: r.qualification.retention_months),
    (("refunds", "manager_pin_above_fen"), 0, BIG, lambda r: r.refund_manager_above_fen),
    (("limits", "max_sale_fen"), 1, 100_000_000, lambda r: r.max_sale_fen),
    (("limits", "max_topup_fen"), 1, 100_000_000, lambda r: r.max_topup_fen),
    (("risk", "max_redeem_points_per_member_day"), 0, BIG, lambda r: r.risk.max_redeem_points_per_member_day),
    (("risk", "max_redeem_points_per_store_day"), 0, BIG, lambda r: r.risk.max_redeem_points_per_store_day),
    (("risk", "adjust_without_manager_points"), 0, BIG, lambda r: r.risk.adjust_without_manager_points),
    (("risk", "offline_redeem_points_per_member"), 0, BIG, lambda r: r.risk.offline_redeem_points_per_member),
    (("risk", "offline_redeem_points_per_store_day"), 0, BIG,
     lambda r: r.risk.offline_redeem_points_per_store_day),
    (("risk", "offline_stored_fen_per_member"), 0, BIG, lambda r: r.risk.offline_stored_fen_per_member),
    (("risk", "offline_stored_fen_per_till_day"), 0, BIG, lambda r: r.risk.offline_stored_fen_per_till_day),
    (("referral", "referrer_points"), 0, 1_000_000, lambda r: r.referrer_points),
    (("referral", "min_spend_fen"), 0, 100_000_000, lambda r: r.referral_min_spend_fen),
    (("referral", "reversal_days"), 0, 3660, lambda r: r.referral_reversal_days),
    (("tiers", 1, "discount_percent"), 0, 90, lambda r: r.tiers[1].discount_percent),
    (("tiers", 1, "points_multiplier_percent"), 0, 1000, lambda r: r.tiers[1].points_multiplier_percent),
    (("topup_bonus", 0, "pay_fen"), 1, BIG, lambda r: r.topup_steps[0].pay_fen),
    (("topup_bonus", 0, "bonus_fen"), 0, BIG, lambda r: r.topup_steps[0].bonus_fen),
    # an amount_off coupon must take something off; the other kinds may say 0
    (("coupon_templates", "save10", "amount_off_fen"), 1, BIG, lambda r: r.coupon_templates["save10"].amount_off_fen),
    (("coupon_templates", "pct10", "amount_off_fen"), 0, BIG, lambda r: r.coupon_templates["pct10"].amount_off_fen),
    (("coupon_templates", "parking", "amount_off_fen"), 0, BIG,
     lambda r: r.coupon_templates["parking"].amount_off_fen),
    (("coupon_templates", "save10", "min_spend_fen"), 0, BIG, lambda r: r.coupon_templates["save10"].min_spend_fen),
    (("coupon_templates", "pct10", "percent_off"), 0, 90, lambda r: r.coupon_templates["pct10"].percent_off),
    (("coupon_templates", "save10", "percent_off"), 0, 90, lambda r: r.coupon_templates["save10"].percent_off),
    (("coupon_templates", "pct10", "max_off_fen"), 0, BIG, lambda r: r.coupon_templates["pct10"].max_off_fen),
    (("coupon_templates", "save10", "valid_days"), 1, 3660, lambda r: r.coupon_templates["save10"].valid_days),
    (("card_types", "annual", "fee_fen"), 0, BIG, lambda r: r.card_types["annual"].fee_fen),
    (("card_types", "annual", "valid_days"), 0, 3660, lambda r: r.card_types["annual"].valid_days),
]


@pytest.mark.parametrize(("path", "low", "high", "read"), INT_BOUNDS, ids=[field_of(c[0]) for c in INT_BOUNDS])
def test_an_int_is_accepted_at_both_bounds_and_refused_one_past_each_with_its_range(
        path: Path, low: int, high: int, read: Callable[[Rules], int]) -> None:
    assert read(parsed_with(path, low)) == low
    assert read(parsed_with(path, high)) == high
    range_of = {"low": low, "high": high}
    assert refusal_of(path, high + 1) == (Reason.RULES_OUT_OF_RANGE, field_of(path), range_of | {"value": high + 1})
    assert refusal_of(path, low - 1) == (Reason.RULES_OUT_OF_RANGE, field_of(path), range_of | {"value": low - 1})


def test_tier_thresholds_run_from_0_to_the_top_of_the_open_range() -> None:
    # a threshold is checked against 0..BIG before the tiers are compared with each other
    assert refusal_of(("tiers", 0, "threshold"), -1) == (
        Reason.RULES_OUT_OF_RANGE, "tiers[0].threshold", {"low": 0, "high": BIG, "value": -1})
    assert parsed_with(("tiers", 3, "threshold"), BIG).tiers[3].threshold == BIG
    assert refusal_of(("tiers", 3, "threshold"), BIG + 1) == (
        Reason.RULES_OUT_OF_RANGE, "tiers[3].threshold", {"low": 0, "high": BIG, "value": BIG + 1})


@pytest.mark.parametrize(("path", "value", "shown"), [
    (("earning", "fen_per_point"), 1.5, "1.5"),
    (("earning", "fen_per_point"), True, "True"),  # a TOML boolean is no number, though bool is an int
    (("refunds", "manager_pin_above_fen"), "lots", "'lots'"),
    (("earning", "categories", "fuel"), "x", "'x'"),
    (("tiers", 2, "threshold"), [1], "[1]"),
    (("risk", "adjust_without_manager_points"), False, "False"),
])
def test_a_value_that_is_not_a_whole_number_is_refused_showing_what_was_written(
        path: Path, value: Any, shown: str) -> None:
    assert refusal_of(path, value) == (Reason.RULES_NOT_INT, field_of(path), {"value": shown})


REQUIRED_INTS: list[Path] = [
    ("earning", "fen_per_point"),
    ("earning", "promotions", 0, "multiplier_percent"),
    ("redemption", "points_per_yuan"),
    ("redemption", "max_bill_percent"),
    ("refunds", "manager_pin_above_fen"),
    ("limits", "max_sale_fen"),
    ("limits", "max_topup_fen"),
    ("tiers", 1, "threshold"),
    ("tiers", 1, "discount_percent"),
    ("tiers", 1, "points_multiplier_percent"),
    ("topup_bonus", 0, "pay_fen"),
    ("topup_bonus", 0, "bonus_fen"),
    ("coupon_templates", "save10", "amount_off_fen"),  # required for amount_off only
    ("coupon_templates", "pct10", "percent_off"),  # required for percent_off only
    ("card_types", "vip", "fee_fen"),
    ("card_types", "vip", "valid_days"),
]


@pytest.mark.parametrize("path", REQUIRED_INTS, ids=[field_of(p) for p in REQUIRED_INTS])
def test_a_required_number_left_out_is_named_as_missing(path: Path) -> None:
    assert refusal_of(path, DELETE) == (Reason.RULES_MISSING, field_of(path), {})


# --- defaults ----------------------------------------------------------------------------------------------

MINIMAL = """
label = "minimal"
[earning]
fen_per_point = 100
[redemption]
points_per_yuan = 100
max_bill_percent = 50
[refunds]
manager_pin_above_fen = 20000
[limits]
max_sale_fen = 10000000
max_topup_fen = 5000000
[[tiers]]
code = "standard"
name = "Standard"
threshold = 0
discount_percent = 0
points_multiplier_percent = 100
[card_types.standard]
name = "Standard card"
fee_fen = 0
valid_days = 0
"""


def test_a_document_with_only_the_required_keys_gets_every_default_docs_rules_md_gives() -> None:
    assert parse_rules_toml(MINIMAL) == Rules(
        label="minimal",
        earning=Earning(fen_per_point=100, birthday_month_multiplier_percent=100, categories={}, stores={},
                        promotions=()),
        points_per_yuan=100,
        max_bill_percent=50,
        min_redeem_points=0,  # [redemption] min_points: 0
        expiry=Expiry(policy="none", months=0),
        qualification=Qualification(measure="spend", window="rolling_months", months=12, evaluation_day=1,
                                    retention="none", retention_months=0),
        refund_manager_above_fen=20000,
        max_sale_fen=10_000_000,
        max_topup_fen=5_000_000,
        # "no cap" is the top of the open range; adjustments need a manager from 0; 500 and 5,000 yuan offline
        risk=Risk(max_redeem_points_per_member_day=BIG, max_redeem_points_per_store_day=BIG,
                  adjust_without_manager_points=0, offline_redeem_points_per_member=BIG,
                  offline_redeem_points_per_store_day=BIG, offline_stored_fen_per_member=50_000,
                  offline_stored_fen_per_till_day=500_000),
        referrer_points=0,
        tiers=(Tier("standard", "Standard", 0, 0, 100, None),),
        topup_steps=(),
        card_types={"standard": CardType("standard", "Standard card", 0, 0, None)},
        coupon_templates={},
        labels={},
        referral_min_spend_fen=1000,  # 10.00 yuan
        referral_reversal_days=30,
    )


def test_a_coupon_template_defaults_to_30_days_no_minimum_and_nothing_off_beyond_its_kind() -> None:
    text = MINIMAL + """
[coupon_templates.five]
kind = "amount_off"
name = "5 yuan off"
amount_off_fen = 500
[coupon_templates.tenth]
kind = "percent_off"
name = "10% off"
percent_off = 10
[coupon_templates.car]
kind = "gift"
name = "Parking"
"""
    assert parse_rules_toml(text).coupon_templates == {
        "five": CouponTemplate("five", "amount_off", "5 yuan off", amount_off_fen=500, min_spend_fen=0,
                               percent_off=0, max_off_fen=0, valid_days=30),
        "tenth": CouponTemplate("tenth", "percent_off", "10% off", amount_off_fen=0, min_spend_fen=0,
                                percent_off=10, max_off_fen=0, valid_days=30),
        "car": CouponTemplate("car", "gift", "Parking", amount_off_fen=0, min_spend_fen=0, percent_off=0,
                              max_off_fen=0, valid_days=30),
    }


def test_the_default_document_is_read_into_the_values_it_writes() -> None:
    # every value reaches its own field (a mutant passing one key's value for another, or dropping one)
    rules = rules_from_dict(doc())
    assert rules.tiers[1] == Tier("silver", "Silver", 200000, 2, 120, "birthday20")
    assert rules.topup_steps == (TopupStep(50000, 5000), TopupStep(100000, 12000), TopupStep(200000, 30000))
    assert rules.card_types["vip"] == CardType("vip", "VIP card", 19900, 0, "silver")
    assert rules.card_types["annual"] == CardType("annual", "Annual card", 9900, 365, None)
    assert rules.coupon_templates["pct10"] == CouponTemplate("pct10", "percent_off", "10% off, at most 30 yuan",
                                                             0, 0, 10, 3000, 14)
    assert rules.coupon_templates["birthday20"] == CouponTemplate(
        "birthday20", "amount_off", "Birthday: 20 yuan off 50", 2000, 5000, 0, 0, 31)
    assert rules.expiry == Expiry("end_of_next_year", 0)
    assert rules.qualification == Qualification("spend", "rolling_months", 12, 1, "months", 12)
    assert (rules.referrer_points, rules.referral_min_spend_fen, rules.referral_reversal_days) == (500, 1000, 30)
    assert rules.earning == Earning(100, 100, {"tobacco": 0}, {"001": 150},
                                    (Promotion("Double Mondays", 200, (1,), (), None, None),))


# --- strings and choices -----------------------------------------------------------------------------------

REQUIRED_STRINGS: list[Path] = [
    ("label",),
    ("tiers", 2, "code"),
    ("tiers", 2, "name"),
    ("earning", "promotions", 0, "name"),
    ("coupon_templates", "save10", "name"),
    ("coupon_templates", "save10", "kind"),
    ("card_types", "vip", "name"),
]


@pytest.mark.parametrize("value", [DELETE, "", "   ", 5])
@pytest.mark.parametrize("path", REQUIRED_STRINGS, ids=[field_of(p) for p in REQUIRED_STRINGS])
def test_a_text_left_out_blank_or_not_a_string_is_refused_by_its_key(path: Path, value: Any) -> None:
    # a missing text is refused as empty, not as missing: both say which key to fill in
    assert refusal_of(path, value) == (Reason.RULES_EMPTY_STRING, field_of(path), {})


@pytest.mark.parametrize("value", ["", "   ", 5])
def test_a_blank_label_is_refused_by_its_key(value: Any) -> None:
    # (a label left out is no error: the till falls back to English, then to the document's name)
    path = ("labels", "zh_CN", "tiers", "gold")
    assert refusal_of(path, value) == (Reason.RULES_EMPTY_STRING, field_of(path), {})


CHOICES: list[tuple[Path, str, Callable[[Rules], str]]] = [
    (("expiry", "policy"), "none, months_after_earning, end_of_next_year, inactive_months",
     lambda r: r.expiry.policy),
    (("tier_qualification", "measure"), "spend, points", lambda r: r.qualification.measure),
    (("tier_qualification", "window"), "rolling_months, calendar_year", lambda r: r.qualification.window),
    (("tier_qualification", "retention"), "none, months, through_next_calendar_year",
     lambda r: r.qualification.retention),
    (("coupon_templates", "pct10", "kind"), "amount_off, percent_off, gift",
     lambda r: r.coupon_templates["pct10"].kind),
]


@pytest.mark.parametrize(("path", "choices", "read"), CHOICES, ids=[field_of(c[0]) for c in CHOICES])
def test_a_choice_accepts_each_listed_value_and_refuses_another_listing_them(
        path: Path, choices: str, read: Callable[[Rules], str]) -> None:
    for choice in choices.split(", "):
        data = put(doc(), path, choice)
        data["expiry"]["months"] = 6  # the month-based expiry policies need months
        data["coupon_templates"]["pct10"]["amount_off_fen"] = 100  # and an amount_off coupon its amount
        assert read(rules_from_dict(data)) == choice
    assert refusal_of(path, "Spend") == (Reason.RULES_NOT_CHOICE, field_of(path),
                                         {"choices": choices, "value": "'Spend'"})


def test_earning_rounding_may_only_be_down() -> None:
    assert rules_from_dict(put(doc(), ("earning", "rounding"), "down")).earning.fen_per_point == 100
    assert refusal_of(("earning", "rounding"), "up") == (Reason.RULES_ROUNDING, "earning.rounding", {})
    assert refusal_of(("earning", "rounding"), "") == (Reason.RULES_EMPTY_STRING, "earning.rounding", {})


# --- tables, lists and unknown keys ------------------------------------------------------------------------

NOT_TABLES: list[Path] = [
    ("earning",), ("redemption",), ("refunds",), ("limits",), ("card_types",),
    ("expiry",), ("tier_qualification",), ("risk",), ("referral",), ("coupon_templates",), ("labels",),
    ("earning", "categories"), ("earning", "stores"), ("earning", "promotions", 0),
    ("tiers", 1), ("topup_bonus", 2), ("coupon_templates", "pct10"), ("card_types", "vip"),
    ("labels", "zh_CN"), ("labels", "zh_CN", "tiers"), ("labels", "zh_CN", "card_types"),
    ("labels", "zh_CN", "coupon_templates"), ("labels", "zh_CN", "categories"),
]


@pytest.mark.parametrize("path", NOT_TABLES, ids=[field_of(p) for p in NOT_TABLES])
def test_a_table_written_as_a_value_is_refused_by_its_key(path: Path) -> None:
    assert refusal_of(path, 5) == (Reason.RULES_NOT_TABLE, field_of(path), {})


@pytest.mark.parametrize("path", [("earning",), ("redemption",), ("refunds",), ("limits",), ("card_types",)])
def test_a_required_table_left_out_is_refused_as_not_a_table(path: Path) -> None:
    assert refusal_of(path, DELETE) == (Reason.RULES_NOT_TABLE, field_of(path), {})


def test_a_document_that_is_not_a_table_is_named_rules() -> None:
    assert refusal([]) == (Reason.RULES_NOT_TABLE, "rules", {})


@pytest.mark.parametrize("path", [("tiers",), ("topup_bonus",), ("earning", "promotions"),
                                  ("earning", "promotions", 0, "weekdays"), ("earning", "promotions", 0, "dates")])
def test_a_list_written_as_something_else_is_refused_by_its_key(path: Path) -> None:
    assert refusal_of(path, {"a": 1}) == (Reason.RULES_NOT_LIST, field_of(path), {})


UNKNOWN_KEYS: list[Path] = [
    ("colour",), ("earning", "fen_per_pont_x"), ("redemption", "x"), ("refunds", "x"), ("limits", "x"),
    ("expiry", "x"), ("tier_qualification", "x"), ("risk", "x"), ("referral", "x"),
    ("tiers", 1, "x"), ("topup_bonus", 1, "x"), ("coupon_templates", "save10", "x"), ("card_types", "vip", "x"),
    ("earning", "promotions", 0, "x"), ("labels", "en", "colours"),
    # keys that merely resemble one a table reads, even one it reads only when present (rounding): the keys
    # ticked off as read must be exactly those (rules_parse.x__earning__mutmut_79, 80)
    ("earning", "ROUNDING"), ("earning", "XXroundingXX"),
    # a label for a code the document does not have (categories are free: any line category)
    ("labels", "en", "tiers", "platinum"), ("labels", "en", "card_types", "gold_card"),
    ("labels", "en", "coupon_templates", "save20"),
]


@pytest.mark.parametrize("path", UNKNOWN_KEYS, ids=[field_of(p) for p in UNKNOWN_KEYS])
def test_an_unknown_key_anywhere_is_refused_by_its_full_name(path: Path) -> None:
    assert refusal_of(path, "x") == (Reason.RULES_UNKNOWN_KEY, field_of(path), {})


def test_labels_are_read_per_language_and_kind_and_any_category_may_be_named() -> None:
    data = doc()
    data["labels"] = {"en": {"categories": {"garden": "Garden"}, "tiers": {"gold": "Gold"}},
                      "zh_CN": {"card_types": {"vip": "VIP 卡"}, "coupon_templates": {"pct10": "九折"}}}
    assert rules_from_dict(data).labels == {
        "en": {"tiers": {"gold": "Gold"}, "card_types": {}, "coupon_templates": {}, "categories": {"garden": "Garden"}},
        "zh_CN": {"tiers": {}, "card_types": {"vip": "VIP 卡"}, "coupon_templates": {"pct10": "九折"},
                  "categories": {}},
    }


def test_labels_in_a_language_the_till_does_not_ship_are_refused_naming_it() -> None:
    assert refusal_of(("labels", "fr"), {"tiers": {"gold": "Or"}}) == (
        Reason.RULES_BAD_LANGUAGE, "labels.fr", {"value": "fr"})


# --- a key left out: named, or its likely typo is ----------------------------------------------------------

def test_a_close_misspelling_of_a_missing_key_is_named_with_the_key_meant() -> None:
    # difflib's ratio of "fen_per_poXY" to "fen_per_point" is 20/25, exactly the 0.8 cutoff: still a typo
    data = put(doc(), ("earning", "fen_per_point"), DELETE)
    assert refusal_of(("earning", "fen_per_poXY"), 100, data) == (
        Reason.RULES_DID_YOU_MEAN, "earning.fen_per_poXY", {"key": "fen_per_point"})


def test_a_key_already_read_is_never_offered_as_the_typo_of_a_missing_one() -> None:
    # no two keys of the schema are that close, so the table is read directly: "fen_per_point" was read
    # and is valid; suggesting it for the missing "fen_per_pointt" would point at the wrong line
    table = _Table({"fen_per_point": 100}, "earning")
    assert table.int("fen_per_point") == 100
    with pytest.raises(InvalidInput) as caught:
        table.int("fen_per_pointt")
    assert (caught.value.reason, caught.value.field, caught.value.params) == (
        Reason.RULES_MISSING, "earning.fen_per_pointt", {})


def test_a_top_level_key_is_named_without_a_leading_dot() -> None:
    table = _Table({"labl": "x"}, "")
    with pytest.raises(InvalidInput) as caught:
        table.str("label")
    assert (caught.value.reason, caught.value.field) == (Reason.RULES_EMPTY_STRING, "label")
    assert table.missing("label").field == "labl" and table.missing("label").params == {"key": "label"}


def test_broken_toml_is_refused_with_the_parsers_own_explanation() -> None:
    text = "label = "
    with pytest.raises(tomllib.TOMLDecodeError) as toml_error:
        tomllib.loads(text)
    with pytest.raises(InvalidInput) as caught:
        parse_rules_toml(text)
    assert (caught.value.reason, caught.value.field, caught.value.params) == (
        Reason.RULES_NOT_TOML, "rules", {"detail": str(toml_error.value)})


# --- redemption and expiry -----------------------------------------------------------------------------------

@pytest.mark.parametrize("points", [1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 100_000])
def test_points_per_yuan_that_keep_points_to_fen_exact_are_accepted(points: int) -> None:
    assert parsed_with(("redemption", "points_per_yuan"), points).points_per_yuan == points


@pytest.mark.parametrize("points", [3, 7, 30, 99, 101, 150, 99_999])
def test_points_per_yuan_neither_dividing_100_nor_a_multiple_of_it_is_refused(points: int) -> None:
    assert refusal_of(("redemption", "points_per_yuan"), points) == (
        Reason.RULES_POINTS_PER_YUAN, "redemption.points_per_yuan", {})


@pytest.mark.parametrize("policy", ["months_after_earning", "inactive_months"])
def test_a_month_based_expiry_needs_at_least_one_month(policy: str) -> None:
    data = put(doc(), ("expiry", "policy"), policy)
    assert refusal_of(("expiry", "months"), DELETE, data) == (Reason.RULES_MISSING, "expiry.months", {})
    assert refusal_of(("expiry", "months"), 0, put(doc(), ("expiry", "policy"), policy)) == (
        Reason.RULES_EXPIRY_MONTHS, "expiry.months", {})
    assert rules_from_dict(put(put(doc(), ("expiry", "policy"), policy), ("expiry", "months"), 1)).expiry == (
        Expiry(policy, 1))


@pytest.mark.parametrize("policy", ["none", "end_of_next_year"])
def test_an_expiry_policy_without_months_defaults_them_to_0(policy: str) -> None:
    assert rules_from_dict(put(doc(), ("expiry", "policy"), policy)).expiry == Expiry(policy, 0)


def test_no_expiry_table_means_points_never_expire() -> None:
    assert rules_from_dict(put(doc(), ("expiry",), DELETE)).expiry == Expiry("none", 0)


# --- tiers ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tiers", [DELETE, []])
def test_a_document_without_tiers_is_refused(tiers: Any) -> None:
    assert refusal_of(("tiers",), tiers) == (Reason.RULES_NO_TIERS, "tiers", {})


def test_the_first_tier_must_start_at_0() -> None:
    assert refusal_of(("tiers", 0, "threshold"), 1) == (Reason.RULES_FIRST_TIER, "tiers[0].threshold", {})


@pytest.mark.parametrize(("index", "threshold"), [(1, 0), (2, 200000), (2, 199999), (3, 1000000)])
def test_a_tier_not_above_the_previous_one_is_refused_with_that_threshold(index: int, threshold: int) -> None:
    data = doc()
    previous = data["tiers"][index - 1]["threshold"]
    assert refusal_of(("tiers", index, "threshold"), threshold, data) == (
        Reason.RULES_TIERS_RISE, f"tiers[{index}].threshold", {"threshold": previous})


def test_a_tier_one_above_the_previous_one_is_accepted() -> None:
    assert parsed_with(("tiers", 2, "threshold"), 200001).tiers[2].threshold == 200001


def test_two_tiers_with_one_code_are_refused() -> None:
    assert refusal_of(("tiers", 3, "code"), "silver") == (Reason.RULES_TIER_CODES_UNIQUE, "tiers", {})


def test_a_birthday_coupon_naming_no_template_is_refused_by_the_tiers_place() -> None:
    # tiers[i], as every other refusal of a tier says (it said tiers.<code>)
    assert refusal_of(("tiers", 2, "birthday_coupon"), "birthday99") == (
        Reason.RULES_UNKNOWN_TEMPLATE, "tiers[2].birthday_coupon", {"template": "birthday99"})


@pytest.mark.parametrize(("path", "field"), [
    (("tiers", 2, "birthday_coupon"), "tiers[2].birthday_coupon"),
    (("card_types", "vip", "starting_tier"), "card_types.vip.starting_tier"),
])
@pytest.mark.parametrize("written", [["x"], {"a": 1}, 5, "", "  "])
def test_an_optional_text_written_as_anything_but_text_is_refused_not_a_crash(
        path: tuple[Any, ...], field: str, written: Any) -> None:
    # a list once reached a set lookup: TypeError (unhashable) instead of a sentence
    assert refusal_of(path, written) == (Reason.RULES_EMPTY_STRING, field, {})


# --- coupon templates and card types ---------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["a" * 25, "Save10", "save-10", "", "save 10"])
def test_a_coupon_template_code_outside_1_to_24_of_a_z_0_9_underscore_is_refused(code: str) -> None:
    assert refusal_of(("coupon_templates", code), {"kind": "gift", "name": "x"}) == (
        Reason.RULES_TEMPLATE_CODE, f"coupon_templates.{code}", {})


@pytest.mark.parametrize("code", ["a" * 24, "x", "save_10", "9"])
def test_a_coupon_template_code_of_1_to_24_allowed_characters_is_accepted(code: str) -> None:
    rules = parsed_with(("coupon_templates", code), {"kind": "gift", "name": "x"})
    assert rules.coupon_templates[code].code == code


def test_a_card_type_starting_at_an_unknown_tier_is_refused_naming_it() -> None:
    assert refusal_of(("card_types", "vip", "starting_tier"), "platinum") == (
        Reason.RULES_UNKNOWN_TIER, "card_types.vip.starting_tier", {"tier": "platinum"})


def test_a_document_without_a_standard_card_type_is_refused() -> None:
    assert refusal_of(("card_types", "standard"), DELETE) == (Reason.RULES_NO_STANDARD_CARD, "card_types", {})


# --- promotions --------------------------------------------------------------------------------------------------

def test_a_promotions_weekdays_dates_and_window_are_read_as_written() -> None:
    data = doc()
    data["earning"]["promotions"].append({"name": "Christmas", "multiplier_percent": 300, "weekdays": [7, 6],
                                          "dates": ["2026-12-24", tomllib.loads("d = 2026-12-25")["d"]],
                                          "from": "2026-12-01", "to": "2026-12-31"})
    # a date quoted or not (TOML reads an unquoted one as a date) reads as YYYY-MM-DD
    assert rules_from_dict(data).earning.promotions[1] == Promotion(
        "Christmas", 300, (7, 6), ("2026-12-24", "2026-12-25"), "2026-12-01", "2026-12-31")


@pytest.mark.parametrize(("key", "written", "shown"), [
    ("dates", ["2026-12-24", "2026-02-30"], "'2026-02-30'"),
    ("dates", [20261224], "20261224"),
    ("from", "soon", "'soon'"),
    ("to", "2026-13-01", "'2026-13-01'"),
    ("dates", ["20261225"], "'20261225'"),  # docs/rules.md says YYYY-MM-DD; fromisoformat alone took it
    ("from", tomllib.loads("d = 2026-12-01T10:00:00")["d"], "datetime.datetime(2026, 12, 1, 10, 0)"),
])
def test_a_promotions_bad_date_is_refused_by_its_key_showing_what_was_written(
        key: str, written: Any, shown: str) -> None:
    assert refusal_of(("earning", "promotions", 0, key), written) == (
        Reason.RULES_BAD_DATE, f"earning.promotions[0].{key}", {"value": shown})


@pytest.mark.parametrize("weekdays", [[0], [8], [1, 8], [True], ["1"], [1.0]])
def test_a_weekday_outside_iso_1_to_7_is_refused(weekdays: list[Any]) -> None:
    assert refusal_of(("earning", "promotions", 0, "weekdays"), weekdays) == (
        Reason.RULES_BAD_WEEKDAYS, "earning.promotions[0].weekdays", {})


def test_weekdays_1_and_7_are_accepted() -> None:
    rules = parsed_with(("earning", "promotions", 0, "weekdays"), [1, 7])
    assert rules.earning.promotions[0].weekdays == (1, 7)


def test_a_second_promotions_refusal_names_its_index() -> None:
    data = doc()
    data["earning"]["promotions"].append({"multiplier_percent": 150})
    assert refusal(data) == (Reason.RULES_EMPTY_STRING, "earning.promotions[1].name", {})
