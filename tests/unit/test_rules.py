import os
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from pos_member.domain.errors import InvalidInput
from pos_member.domain.rules import Promotion, default_rules_text, parse_rules_toml
from pos_member.domain.rules_parse import rules_from_dict

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_default_rules_read_alike_where_the_locale_is_not_utf8():
    # rules.x_default_rules_text__mutmut_1 (read in the locale's encoding): a till on Windows has its code page
    # (cp936 on a Chinese one); an ASCII locale with Python's UTF-8 mode off stands in for it here
    probe = ("import sys; from pos_member.domain.rules import default_rules_text; "
             "sys.stdout.buffer.write(default_rules_text().encode('utf-8'))")
    env = os.environ | {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, env=env, capture_output=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    text = default_rules_text()
    assert not text.isascii()  # the labels in Chinese
    assert result.stdout.decode("utf-8") == text


def test_default_rules_load():
    rules = parse_rules_toml(default_rules_text())
    assert [t.code for t in rules.tiers] == ["standard", "silver", "gold", "diamond"]
    assert rules.topup_bonus(50000) == 5000 and rules.topup_bonus(49999) == 0 and rules.topup_bonus(250000) == 30000
    assert rules.tier_for(1_000_000).code == "gold"
    assert rules.earning.category_percent("tobacco") == 0 and rules.earning.category_percent("food") == 100
    assert rules.card_types["annual"].valid_days == 365


@pytest.mark.parametrize("path, value, field", [
    (("earning", "fen_per_point"), 0, "earning.fen_per_point"),
    (("earning", "fen_per_point"), 1.5, "earning.fen_per_point"),
    (("redemption", "max_bill_percent"), 150, "redemption.max_bill_percent"),
    (("redemption", "points_per_yuan"), 30, "redemption.points_per_yuan"),
    (("refunds", "manager_pin_above_fen"), "lots", "refunds.manager_pin_above_fen"),
])
def test_validation_names_the_bad_key(path, value, field):
    data = tomllib.loads(default_rules_text())
    data[path[0]][path[1]] = value
    with pytest.raises(InvalidInput) as caught:
        rules_from_dict(data)
    assert caught.value.field == field


def test_tiers_must_rise():
    data = tomllib.loads(default_rules_text())
    data["tiers"][2]["threshold"] = 1
    with pytest.raises(InvalidInput, match="tiers rise") as caught:
        rules_from_dict(data)
    assert caught.value.field == "tiers[2].threshold"


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["earning"].update(fen_per_pont=100), "earning.fen_per_pont"),
    (lambda d: d.update(colour="red"), "colour"),
    (lambda d: d["expiry"].update(policy="sometimes"), "expiry.policy"),
    (lambda d: d["expiry"].update(policy="months_after_earning"), "expiry.months"),
    (lambda d: d["tier_qualification"].update(window="fortnight"), "tier_qualification.window"),
    (lambda d: d["tiers"][1].update(birthday_coupon="nope"), "tiers[1].birthday_coupon"),
    (lambda d: d["coupon_templates"]["save10"].update(kind="bogo"), "coupon_templates.save10.kind"),
    (lambda d: d["earning"].update(promotions=[{"name": "x", "multiplier_percent": 200, "weekdays": [8]}]),
     "earning.promotions[0].weekdays"),
    (lambda d: d["earning"]["categories"].update(fuel=-1), "earning.categories.fuel"),
])
def test_typos_and_bad_values_are_named(mutate, field):
    data = tomllib.loads(default_rules_text())
    mutate(data)
    with pytest.raises(InvalidInput) as caught:
        rules_from_dict(data)
    assert caught.value.field == field


def test_broken_toml_is_named():
    with pytest.raises(InvalidInput) as caught:
        parse_rules_toml("label = ")
    assert caught.value.field == "rules"


@pytest.mark.parametrize(("written", "reason", "field", "params"), [
    (None, "RULES_MISSING", "earning.fen_per_point", {}),
    ("fen_per_pont", "RULES_DID_YOU_MEAN", "earning.fen_per_pont", {"key": "fen_per_point"}),
    # similar, but below the 0.8 cutoff: guessing it would point a manager at the wrong line
    ("fen_for_a_point", "RULES_MISSING", "earning.fen_per_point", {}),
])
def test_a_missing_key_is_named_or_its_likely_typo_is(written, reason, field, params):
    # rules_parse.xǁ_Tableǁmissing__mutmut_9 (difflib's default cutoff 0.6), 21 (no reason)
    line = "" if written is None else f"{written} = 100"
    with pytest.raises(InvalidInput) as caught:
        parse_rules_toml(default_rules_text().replace("fen_per_point = 100", line, 1))
    assert (caught.value.reason.name, caught.value.field, caught.value.params) == (reason, field, params)


def test_a_name_falls_back_to_english_when_the_language_or_its_kind_has_no_labels():
    rules = parse_rules_toml(default_rules_text())
    # no labels at all in this language, and labels in zh_CN but none of this kind: English, then the name
    # (rules.xǁRulesǁdisplay_name__mutmut_3, 4, 8, 10, 12, 14)
    assert rules.display_name("categories", "fresh", "fr") == "Fresh food"
    assert rules.display_name("no_such_kind", "x", "zh_CN") == "x"
    # a card type's and a coupon template's own names when no language labels them (..._mutmut_22..25)
    bare = parse_rules_toml(default_rules_text().split("[labels")[0])
    assert bare.display_name("card_types", "vip", "zh_CN") == rules.card_types["vip"].name
    assert bare.display_name("coupon_templates", "pct10", "zh_CN") == rules.coupon_templates["pct10"].name


def test_a_promotion_window_includes_its_first_and_last_day():
    # rules.xǁPromotionǁapplies__mutmut_2 (outside only when outside both ends), 4, 6 (ends exclusive), 7
    december = Promotion("December", 200, start="2026-12-01", end="2026-12-31")
    assert december.applies(date(2026, 12, 1)) and december.applies(date(2026, 12, 31))
    assert not december.applies(date(2026, 11, 30)) and not december.applies(date(2027, 1, 1))
    mondays = Promotion("Mondays", 200, weekdays=(1,), start="2026-12-01")
    assert mondays.applies(date(2026, 12, 7)) and not mondays.applies(date(2026, 11, 30))


@pytest.mark.parametrize(("promotion", "field", "value"), [
    ({"dates": ["2026-02-30"]}, "earning.promotions[0].dates", "'2026-02-30'"),
    ({"from": "soon"}, "earning.promotions[0].from", "'soon'"),
    ({"to": 20261231}, "earning.promotions[0].to", "20261231"),
])
def test_a_promotions_bad_date_is_named_with_what_was_written(promotion, field, value):
    # rules_parse.x__date__mutmut_2..8
    data = tomllib.loads(default_rules_text())
    data["earning"]["promotions"] = [{"name": "x", "multiplier_percent": 200} | promotion]
    with pytest.raises(InvalidInput) as caught:
        rules_from_dict(data)
    assert (caught.value.reason.name, caught.value.field, caught.value.params) == (
        "RULES_BAD_DATE", field, {"value": value})
