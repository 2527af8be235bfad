"""The checks every ledger entry passes, at the till and at HQ (domain/validate.py: check_entry, the entry
limits), and two reasons rules the same run found untested. Each test names the mutmut mutants it kills."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason, english
from pos_member.domain.rules import default_rules_text, parse_rules_toml
from pos_member.domain.validate import (
    CEILING_LIMITS,
    MAX_ADJUST_POINTS,
    MAX_POINTS_BALANCE,
    EntryLimits,
    check_entry,
)

NOW = datetime.fromisoformat("2026-12-07T10:00:00+08:00")
LIMITS = EntryLimits(max_sale_fen=1000, max_topup_fen=2000, max_bonus_fen=300, max_earn_points=40,
                     max_redeem_points=50)


def entry(**changes: Any) -> dict[str, Any]:
    return {"entry_id": str(uuid.uuid4()), "local_seq": 1, "member_uuid": str(uuid.uuid4()), "account": "points",
            "kind": "adjust", "delta": 5, "staff_id": None, "sale_id": None, "ref_id": None, "rules_version": 1,
            "business_time": NOW.isoformat(), "note": None, "expires_on": None} | changes


def refusal(candidate: dict[str, Any]) -> tuple[Reason, str | None, dict]:
    with pytest.raises(InvalidInput) as caught:
        check_entry(candidate, CEILING_LIMITS, NOW)
    return caught.value.reason, caught.value.field, caught.value.params


def test_an_entrys_refusal_names_its_field_and_cuts_what_it_repeats():
    # validate.x_check_entry__mutmut_43 (kind cut to 17), 154, 162 (expires_on's text), x_check_entry_types
    # __mutmut_20 (staff_id not checked), 65 (no field)
    long_kind = "k" * 30
    assert refusal(entry(kind=long_kind)) == (Reason.ENTRY_BAD_PAIR, "kind", {"kind": "k" * 16, "account": "points"})
    bad_date = "2026-02-30" + "x" * 40
    assert refusal(entry(expires_on=bad_date)) == (Reason.NOT_A_DATE, "expires_on", {"text": bad_date[:40]})
    assert refusal(entry(staff_id="5")) == (Reason.ENTRY_BAD_TYPE, "staff_id",
                                            {"expected": "a whole number", "got": "'5'"})
    assert refusal(entry(note=5)) == (Reason.ENTRY_BAD_TYPE, "note", {"expected": "a text", "got": "5"})


def test_a_debit_of_one_is_refused_as_a_credit():
    # validate.x_check_entry__mutmut_58 (a debit kind let through a delta of +1)
    assert refusal(entry(kind="expire", delta=1)) == (Reason.ENTRY_BAD_SIGN, "delta",
                                                      {"kind": "expire", "sign": "negative"})
    check_entry(entry(kind="expire", delta=-1), CEILING_LIMITS, NOW)


@pytest.mark.parametrize(("kind", "account", "largest"), [
    ("earn", "points", 40), ("reverse", "points", 40), ("redeem", "points", 50), ("refund", "points", 50),
    ("adjust", "points", MAX_ADJUST_POINTS), ("expire", "points", MAX_POINTS_BALANCE),
    ("topup", "stored_paid", 2000), ("bonus", "stored_bonus", 300), ("spend", "stored_paid", 1000),
])
def test_each_kind_is_bounded_by_its_own_limit(kind, account, largest):
    # validate.xǁEntryLimitsǁlargest__mutmut_10 (redeem bounded as an expiry), 14 (adjust likewise)
    assert LIMITS.largest(kind, account) == largest


def test_a_negative_qualifying_total_keeps_the_first_tier():
    # rules.xǁRulesǁtier_for__mutmut_1: refunds in the window of sales before it can take the total below 0
    assert parse_rules_toml(default_rules_text()).tier_for(-500).code == "standard"


def test_a_sentence_missing_a_figure_keeps_its_placeholder():
    # reasons.x_fill__mutmut_4: the sentence stays readable, never a KeyError
    assert english(Reason.NOT_A_DATE, {}).count("{text}") == 1


def test_a_bad_business_time_repeats_40_characters_of_it():
    # validate.x_aware_time__mutmut_29 (41)
    bad = "2026-12-07T10:00:00" + "z" * 40
    reason, field, params = refusal(entry(business_time=bad))
    assert (reason, field, params["text"]) == (Reason.ENTRY_BAD_TIME, "business_time", bad[:40])


@pytest.mark.parametrize(("changes", "field", "expected", "got"), [
    ({"delta": "5"}, "delta", "a whole number", "'5'"),
    ({"local_seq": "1" * 30}, "local_seq", "a whole number", "'" + "1" * 19),
    ({"staff_id": "7" * 30}, "staff_id", "a whole number", "'" + "7" * 19),
    ({"account": 5}, "account", "a text", "5"),
])
def test_a_value_of_the_wrong_type_is_refused_naming_the_field_what_was_expected_and_what_came(
        changes, field, expected, got):
    # validate.x_check_entry_types__mutmut_5..16, 41, 43..49 (the till's own check, untyped)
    assert refusal(entry(**changes)) == (Reason.ENTRY_BAD_TYPE, field, {"expected": expected, "got": got})
