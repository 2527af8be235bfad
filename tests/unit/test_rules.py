import tomllib

import pytest

from pos_member.domain.errors import InvalidInput
from pos_member.domain.rules import default_rules_text, parse_rules_toml
from pos_member.domain.rules_parse import rules_from_dict


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
    (lambda d: d["tiers"][1].update(birthday_coupon="nope"), "tiers.silver.birthday_coupon"),
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
