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


def refusal(candidate: dict[str, Any], limits: EntryLimits = CEILING_LIMITS) -> tuple[Reason, str | None, dict]:
    with pytest.raises(InvalidInput) as caught:
        check_entry(candidate, limits, NOW)
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
    ({"kind": 10**25}, "kind", "a text", "1" + "0" * 19),
    ({"note": 10**25}, "note", "a text", "1" + "0" * 19),
])
def test_a_value_of_the_wrong_type_is_refused_naming_the_field_what_was_expected_and_what_came(
        changes, field, expected, got):
    # validate.x_check_entry_types__mutmut_5..16, 41, 43..49 (the till's own check, untyped), 55 and 71 (a
    # text's or an optional text's wrong value repeated to 21 characters)
    assert refusal(entry(**changes)) == (Reason.ENTRY_BAD_TYPE, field, {"expected": expected, "got": got})


# ---- every refusal of check_entry, with its reason, its field and all its figures ------------------------
# A till shows the refusal from (reason, params) and HQ stores them with a rejected entry: a figure left out
# or renamed leaves a placeholder in the sentence, and a text repeated uncut can fill HQ's quarantine row.

SALE_ID = "5d0c6e2a-1b3f-4c5d-8e9f-0a1b2c3d4e5f"


def test_an_entry_id_that_is_no_uuid_is_refused_repeating_its_first_40_characters():
    # validate.x_check_entry__mutmut_8..18 (the reason, the field, the text or its cut)
    bad = "not-a-uuid-" + "x" * 40
    assert refusal(entry(entry_id=bad)) == (Reason.ENTRY_BAD_ID, "entry_id", {"text": bad[:40]})


def test_a_pair_no_till_writes_is_refused_repeating_16_characters_of_its_kind_and_account():
    # validate.x_check_entry__mutmut_44 (the account cut to 17); the kind's cut is checked above
    assert refusal(entry(kind="earn", account="a" * 30, sale_id=SALE_ID)) == (
        Reason.ENTRY_BAD_PAIR, "kind", {"kind": "earn", "account": "a" * 16})
    # HQ's own kind (member merges): no till writes it on any account
    assert refusal(entry(kind="transfer", account="points")) == (
        Reason.ENTRY_BAD_PAIR, "kind", {"kind": "transfer", "account": "points"})


@pytest.mark.parametrize(("kind", "account", "delta", "sign"), [
    ("earn", "points", -1, "positive"),  # a credit of -1: the nearest value below the bound
    ("earn", "points", 0, "positive"),
    ("expire", "points", 0, "negative"),
    ("adjust", "points", 0, "not zero"),  # an adjustment may go either way, but must move something
    ("topup", "stored_paid", -1, "positive"),
])
def test_a_delta_of_the_wrong_sign_is_refused_saying_the_sign_its_kind_needs(kind, account, delta, sign):
    # validate.x_check_entry__mutmut_48 (zero let through), 70, 71, 76..78 (the sign's words)
    assert refusal(entry(kind=kind, account=account, delta=delta, sale_id=SALE_ID)) == (
        Reason.ENTRY_BAD_SIGN, "delta", {"kind": kind, "sign": sign})


@pytest.mark.parametrize(("kind", "delta"), [("adjust", 1), ("adjust", -1), ("earn", 1), ("expire", -1)])
def test_a_delta_of_one_in_the_kinds_own_direction_is_taken(kind, delta):
    # validate.x_check_entry__mutmut_48 (a delta of 1 refused as if it were 0)
    check_entry(entry(kind=kind, delta=delta, sale_id=SALE_ID), CEILING_LIMITS, NOW)


@pytest.mark.parametrize(("kind", "account", "delta", "limit"), [
    ("earn", "points", 41, 40),  # the points of one sale, not the ceiling of an expiry nor a sale's fen
    ("redeem", "points", -51, 50),  # a debit: its amount is the size of the delta
    ("topup", "stored_paid", 2001, 2000),
])
def test_an_entry_above_its_kinds_limit_is_refused_naming_the_amount_and_the_limit(kind, account, delta, limit):
    # validate.x_check_entry__mutmut_80, 81 (the limit looked up without the kind or the account), 87..98
    assert refusal(entry(kind=kind, account=account, delta=delta, sale_id=SALE_ID), LIMITS) == (
        Reason.ENTRY_TOO_LARGE, "delta", {"kind": kind, "amount": abs(delta), "limit": limit})


@pytest.mark.parametrize(("kind", "account", "delta"), [
    ("earn", "points", 40), ("redeem", "points", -50), ("topup", "stored_paid", 2000)])
def test_an_entry_of_exactly_its_kinds_limit_is_taken(kind, account, delta):
    # validate.x_check_entry__mutmut_85 (the limit itself refused)
    check_entry(entry(kind=kind, account=account, delta=delta, sale_id=SALE_ID), LIMITS, NOW)


@pytest.mark.parametrize(("kind", "account", "delta", "changes"), [
    ("earn", "points", 5, {}),
    ("redeem", "points", -5, {"ref_id": SALE_ID}),  # only an earn (a referral's) may name a ref_id instead
    ("spend", "stored_paid", -5, {}),
])
def test_an_entry_made_by_a_sale_without_its_sale_id_is_refused(kind, account, delta, changes):
    # validate.x_check_entry__mutmut_106, 107 (who may name a ref_id instead), 113..120 (the refusal)
    assert refusal(entry(kind=kind, account=account, delta=delta, **changes)) == (
        Reason.ENTRY_NO_SALE, "sale_id", {"kind": kind})


def test_a_referral_earn_names_its_ref_id_instead_of_a_sale():
    # validate.x_check_entry__mutmut_108..112 (the referral's kind or its ref_id not read)
    check_entry(entry(kind="earn", delta=5, ref_id=SALE_ID), CEILING_LIMITS, NOW)


def test_rules_version_1_is_the_first_an_entry_may_name():
    # validate.x_check_entry__mutmut_121..134
    assert refusal(entry(rules_version=0)) == (Reason.ENTRY_UNKNOWN_RULES, "rules_version", {"version": 0})
    check_entry(entry(rules_version=1), CEILING_LIMITS, NOW)


def test_a_business_time_more_than_366_days_ahead_of_now_is_refused_naming_the_bounds():
    # validate.x_check_entry__mutmut_135..144 (the time, its field or `now` not passed on): NOW is 10:00 at
    # +08:00, so a year and a day later is the last time a till may write, on 2027-12-08
    assert check_entry(entry(business_time="2027-12-08T10:00:00+08:00"), CEILING_LIMITS, NOW) is None
    late = "2027-12-08T10:00:01+08:00"
    assert refusal(entry(business_time=late)) == (
        Reason.ENTRY_BAD_TIME, "business_time", {"text": late, "low": "2000-01-01", "high": "2027-12-08"})


def test_an_expiry_date_is_read_only_when_there_is_one():
    # validate.x_check_entry__mutmut_145..151: a valid date passes, and none at all is not read as a date
    check_entry(entry(kind="earn", delta=5, sale_id=SALE_ID, expires_on="2027-12-31"), CEILING_LIMITS, NOW)
    check_entry(entry(expires_on=None), CEILING_LIMITS, NOW)
