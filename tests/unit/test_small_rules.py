"""Small domain rules whose mutants survived a mutation run: some were reached only through services
(tests/integration, outside the run's selection: mutmut saw "no tests"), others had untested boundaries. Sign-in
refusals, a stale card version, the copy fingerprint HQ and tills compare, yuan in sentences, the nightly
catch-up, qualification windows, the widest entry limits and the monthly tier moves. Each test names the
mutmut mutants it kills."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from pos_member.domain.calendar import due_days, retained_until, window_for_evaluation, window_for_sale
from pos_member.domain.cards import card_problem, old_version_problem
from pos_member.domain.entry_copy import copy_fingerprint
from pos_member.domain.errors import InvalidInput, PosError, SignInLocked, WrongPin
from pos_member.domain.reasons import Reason, format_fen
from pos_member.domain.rules import Qualification, default_rules_text, parse_rules_toml
from pos_member.domain.tiers import tier_decisions
from pos_member.domain.validate import EntryLimits, check_birthday, check_tier_code


def test_sign_in_refusals_name_the_pin_field_and_their_figure():
    # errors.xǁWrongPinǁ__init____mutmut_1..9 and xǁSignInLockedǁ__init____mutmut_1..9
    wrong = WrongPin(2)
    assert (wrong.reason, wrong.field, wrong.params, wrong.tries_left) == (
        Reason.NO_STAFF_PIN, "pin", {"tries_left": 2}, 2)
    locked = SignInLocked(30)
    assert (locked.reason, locked.field, locked.params, locked.seconds) == (
        Reason.SIGN_IN_LOCKED, "pin", {"seconds": 30}, 30)


def test_a_card_scanned_at_an_older_version_is_refused_with_both_versions():
    # cards.x_old_version_problem__mutmut_1..9
    assert old_version_problem("0010100000016", 3, 3) is None
    refused = old_version_problem("0010100000016", 2, 3)
    assert refused is not None
    assert (refused.reason, refused.field, refused.params) == (
        Reason.OLD_VERSION, "code", {"card": "0010100000016", "scanned": 2, "current": 3})


ENTRY = {"entry_id": "d1:7", "device_id": "d1", "local_seq": 7, "store_code": "001", "member_uuid": "u-1",
         "account": "points", "kind": "earn", "delta": 45, "sale_id": "s-1", "ref_id": None, "rules_version": 3,
         "business_time": "2026-12-07T10:00:00+08:00", "note": "积分", "expires_on": "2027-12-31"}


def test_the_copy_fingerprint_is_a_digest_of_the_shared_fields_as_compact_utf8_json():
    # A till compares its rows with fingerprints HQ computed, possibly in another release: the bytes hashed are
    # part of the protocol (entry_copy.x_copy_fingerprint__mutmut_1..11 changed separators, escaping, fields).
    canonical = ('["d1:7","d1",7,"001","u-1","points","earn",45,"s-1",null,3,"2026-12-07T10:00:00+08:00",'
                 '"积分","2027-12-31"]')
    assert copy_fingerprint(ENTRY) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    # staff ids are local to a store and not in a pulled copy
    assert copy_fingerprint(ENTRY | {"staff_id": 9}) == copy_fingerprint(ENTRY)


@pytest.mark.parametrize(("fen", "shown"), [(-250, "-2.50"), (0, "0.00"), (1, "0.01"), (12850, "128.50")])
def test_fen_in_a_sentence_keeps_its_sign(fen, shown):
    assert format_fen(fen) == shown  # reasons.x_format_fen__mutmut_2, 4, 5, 6


def test_nightly_jobs_catch_up_at_most_the_last_days_allowed():
    # calendar.x_due_days__mutmut_15, 16: exactly catch_up_days days, ending today
    today = date(2026, 12, 7)
    assert due_days("2026-11-01", today, 3) == [date(2026, 12, 5), date(2026, 12, 6), date(2026, 12, 7)]
    assert due_days("2026-12-05", today, 3) == [date(2026, 12, 6), date(2026, 12, 7)]
    assert due_days(None, today, 3) == [today]


CALENDAR_YEAR = Qualification(window="calendar_year")


def test_a_calendar_year_window_ends_on_the_next_new_year():
    # calendar.x_window_for_sale__mutmut_19 (two years)
    assert window_for_sale(CALENDAR_YEAR, date(2026, 6, 15)) == (date(2026, 1, 1), date(2027, 1, 1))
    # x_window_for_sale__mutmut_25: a rolling window ends the day after the sale, 12 months long
    assert window_for_sale(Qualification(), date(2026, 6, 15)) == (date(2025, 6, 16), date(2026, 6, 16))


@pytest.mark.parametrize(("day", "start"), [
    (date(2027, 1, 1), date(2026, 1, 1)),  # the evaluation on New Year's Day judges the year just closed
    (date(2027, 1, 15), date(2027, 1, 1)), (date(2026, 6, 1), date(2026, 1, 1)),
])
def test_a_calendar_year_evaluation_judges_the_year_so_far(day, start):
    # calendar.x_window_for_evaluation__mutmut_19 (any January day but the first), 27 (from February)
    assert window_for_evaluation(CALENDAR_YEAR, day) == (start, day)


def test_no_retention_keeps_nothing_and_no_date_keeps_nothing():
    # calendar.x_retained_until__mutmut_1 (both needed for None)
    assert retained_until(Qualification(retention="none"), date(2026, 3, 1)) is None
    assert retained_until(Qualification(retention="months", retention_months=6), None) is None
    assert retained_until(Qualification(retention="months", retention_months=6), date(2026, 3, 1)) == date(2026, 8, 31)


def test_hq_checks_an_entry_against_the_widest_limits_of_its_rules_versions():
    # validate.xǁEntryLimitsǁwidest__mutmut_1..7: each limit is the largest any version allows
    older = EntryLimits(max_sale_fen=500, max_topup_fen=90, max_bonus_fen=7, max_earn_points=3, max_redeem_points=40)
    newer = EntryLimits(max_sale_fen=100, max_topup_fen=900, max_bonus_fen=2, max_earn_points=30, max_redeem_points=4)
    assert EntryLimits.widest([older, newer]) == EntryLimits(
        max_sale_fen=500, max_topup_fen=900, max_bonus_fen=7, max_earn_points=30, max_redeem_points=40)
    assert EntryLimits.widest(iter([newer])) == newer


def test_the_monthly_evaluation_moves_each_member_as_the_rules_say():
    # tiers.x_tier_decisions__mutmut_3 (a rolling window re-qualifies on the day before), 19, 23, 24, 26 (an equal
    # tier read as qualified), 27, 29, 35, 36 (a tier never dated is re-qualified), 52 (the last retained day)
    rules = parse_rules_toml(default_rules_text())  # rolling 12 months, a tier kept 12 months
    day = date(2026, 12, 1)
    members = [("a", "standard", None), ("b", "gold", "2026-01-01"), ("c", "gold", None),
               ("d", "platinum", "2026-01-01"), ("e", "silver", "2026-05-01"), ("f", "gold", "2025-11-01"),
               ("g", "silver", "2025-12-02"), ("h", "gold", "2026-12-01")]
    qualifying = {"a": 1_000_000, "b": 1_000_000, "c": 1_500_000, "f": 200_000, "h": 1_000_000}
    assert tier_decisions(rules, members, qualifying, day, day) == [
        ("a", "standard", "gold", "2026-12-01", "evaluation: qualified"),
        ("b", "gold", "gold", "2026-12-01", "evaluation: re-qualified"),
        ("c", "gold", "gold", "2026-12-01", "evaluation: re-qualified"),
        ("d", "platinum", "standard", "2026-12-01", "tier not in the new rules"),
        ("f", "gold", "silver", "2026-12-01", "evaluation: below threshold"),
    ]


def test_the_evaluation_leaves_the_base_tier_alone_and_dates_a_calendar_year_from_its_last_day():
    # tiers.x_tier_decisions__mutmut_33 and 41 (the base tier "re-qualified" or "below threshold" of itself), 34
    # (silver, the first tier above it, re-qualifies too), 48 (a tier never dated falls at once), 17 (no spend is
    # 0, not 1 fen: here silver starts at 1 fen), 6 (a calendar year re-qualifies on its last day)
    text = default_rules_text()
    rules = parse_rules_toml(text)
    day = date(2026, 12, 1)
    members = [("a", "standard", None), ("b", "silver", "2026-01-01"), ("c", "silver", None)]
    assert tier_decisions(rules, members, {"b": 200_000}, day, day) == [
        ("b", "silver", "silver", "2026-12-01", "evaluation: re-qualified"),
        ("c", "silver", "standard", "2026-12-01", "evaluation: below threshold"),
    ]
    one_fen = parse_rules_toml(text.replace("threshold = 200000", "threshold = 1", 1))
    assert tier_decisions(one_fen, [("a", "standard", None)], {}, day, day) == []
    calendar = parse_rules_toml(text.replace('window = "rolling_months"', 'window = "calendar_year"', 1))
    assert calendar.qualification.window == "calendar_year"
    assert tier_decisions(calendar, [("a", "standard", None)], {"a": 1_000_000}, day, date(2027, 1, 1)) == [
        ("a", "standard", "gold", "2026-12-31", "evaluation: qualified")]


def test_a_refusal_reads_as_its_field_and_sentence_and_carries_the_sentence():
    # errors.xǁPosErrorǁ__str____mutmut_2 ("None: ..." without a field), xǁPosErrorǁ__init____mutmut_14 (args)
    bare, named = PosError(Reason.SIGN_IN_LOCKED, seconds=5), PosError(Reason.SIGN_IN_LOCKED, "pin", seconds=5)
    assert str(bare) == bare.message and str(named) == f"pin: {named.message}"
    assert bare.args == (bare.message,)


def test_a_tier_code_no_rules_could_name_is_refused_naming_the_field():
    # validate.x_check_tier_code__mutmut_11; the code is cut to 36 characters
    assert check_tier_code("gold") == "gold"
    with pytest.raises(InvalidInput) as caught:
        check_tier_code("g!" * 20)
    assert (caught.value.reason, caught.value.field, caught.value.params) == (
        Reason.NO_SUCH_TIER, "tier_code", {"tier": "g!" * 18})


@pytest.mark.parametrize(("status", "expires_on", "reason", "params"), [
    ("lost", None, Reason.LOST, {"card": "0010100000016"}), ("replaced", None, Reason.REPLACED, {"card": "0010100000016"}),
    ("frozen", None, Reason.FROZEN, {"card": "0010100000016"}),
    ("active", "2026-12-06", Reason.EXPIRED, {"card": "0010100000016", "date": "2026-12-06"}),
])
def test_a_card_that_must_not_be_used_is_refused_with_its_reason_and_number(status, expires_on, reason, params):
    # cards.x_card_problem__mutmut_3..16 (a status misread, the card number dropped)
    refused = card_problem("0010100000016", status, expires_on, date(2026, 12, 7))
    assert refused is not None and (refused.reason, refused.field, refused.params) == (reason, "code", params)
    assert card_problem("0010100000016", "active", "2026-12-07", date(2026, 12, 7)) is None


def test_a_birthday_that_is_no_date_is_refused_quoting_40_characters_of_it() -> None:
    # validate.x_check_birthday__mutmut_13 ([:41]): a pasted paragraph is not repeated back whole
    written = "1990-02-3x" + "y" * 50
    with pytest.raises(InvalidInput) as refused:
        check_birthday(written, date(2026, 12, 7))
    assert (refused.value.reason, refused.value.field, refused.value.params) == (
        Reason.NOT_A_DATE, "birthday", {"text": written[:40]})
