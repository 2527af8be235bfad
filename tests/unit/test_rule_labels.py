"""Names from the rules: a label in the till's language, else English, else the document's name, else the
code; labels for codes the document does not have are refused like any unknown key."""

from __future__ import annotations

import pytest

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason
from pos_member.domain.rules import default_rules_text, parse_rules_toml

RULES = parse_rules_toml(default_rules_text())


def test_labels_fall_back_from_chinese_to_english_to_the_documents_name_to_the_code():
    assert RULES.display_name("tiers", "gold", "zh_CN") == "金卡会员"
    assert RULES.display_name("tiers", "gold", "en") == "Gold"  # the tier's own name
    assert RULES.display_name("card_types", "vip", "zh_CN") == "VIP 卡"
    assert RULES.display_name("coupon_templates", "pct10", "zh_CN") == "九折，最多减 30 元"
    assert RULES.display_name("categories", "fresh", "zh_CN") == "生鲜"
    assert RULES.display_name("categories", "fresh", "en") == "Fresh food"
    assert RULES.display_name("categories", "garden", "zh_CN") == "garden"
    assert RULES.display_name("coupon_templates", "gone", "zh_CN", fallback="Old coupon") == "Old coupon"


def test_a_label_for_an_unknown_tier_or_language_is_refused():
    text = default_rules_text().replace('diamond = "钻石会员"', 'diamond = "钻石会员"\nplatinum = "白金会员"')
    with pytest.raises(InvalidInput) as caught:
        parse_rules_toml(text)
    assert caught.value.reason == Reason.RULES_UNKNOWN_KEY and caught.value.field == "labels.zh_CN.tiers.platinum"
    with pytest.raises(InvalidInput) as wrong_language:
        parse_rules_toml(default_rules_text() + '\n[labels.fr.tiers]\ngold = "Or"\n')
    assert wrong_language.value.reason == Reason.RULES_BAD_LANGUAGE
