import tomllib

import pytest

from pos_member.domain.errors import InvalidInput
from pos_member.domain.rules import default_rules_text, parse_rules_toml, rules_from_dict


def test_default_rules_load():
    rules = parse_rules_toml(default_rules_text())
    assert [t.code for t in rules.tiers] == ["standard", "silver", "gold", "diamond"]
    assert rules.topup_bonus(50000) == 5000 and rules.topup_bonus(49999) == 0 and rules.topup_bonus(250000) == 30000
    assert rules.tier_for_spend(1_000_000).code == "gold"
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
    data["tiers"][2]["min_spend_fen"] = 1
    with pytest.raises(InvalidInput, match="rising"):
        rules_from_dict(data)


def test_broken_toml_is_named():
    with pytest.raises(InvalidInput) as caught:
        parse_rules_toml("label = ")
    assert caught.value.field == "rules"
