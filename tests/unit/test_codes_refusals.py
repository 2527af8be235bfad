"""Card and member numbers and typed codes (pos_member.domain.cardno, pos_member.domain.codes): each refusal
pinned to its Reason, field and params, each bound just at and just past it, each kind a code is read as."""

from __future__ import annotations

import pytest

from pos_member.domain.cardno import (
    luhn_check_digit,
    make_card_no,
    make_member_no,
    mask_phone,
    normalise_phone,
    validate_store_code,
)
from pos_member.domain.codes import ParsedCode, parse_member_code
from pos_member.domain.errors import CardRefused, InvalidInput, PosError
from pos_member.domain.reasons import Reason

KEY = b"k" * 32
NOW = 1_790_000_000


def refusal(error: pytest.ExceptionInfo[PosError]) -> tuple[type, Reason, str | None, dict[str, int | str]]:
    return type(error.value), error.value.reason, error.value.field, error.value.params


@pytest.mark.parametrize(("digits", "check"), [
    ("7992739871", "3"),  # the textbook example: doubled digits over 9 lose 9
    ("5", "9"),  # a doubled 5 is 10, over 9: 1
    ("9", "1"), ("0", "0"), ("4", "2"),
    ("12", "5")])  # every digit counts: 2 doubled is 4, plus 1
def test_the_luhn_digit_of_known_numbers(digits: str, check: str):
    assert luhn_check_digit(digits) == check


def test_a_card_number_for_every_device_from_0_to_99_and_sequence_from_1_to_9999999():
    assert make_card_no("001", 0, 1) == "001000000001" + luhn_check_digit("001000000001")
    assert make_card_no("001", 99, 9_999_999).startswith("001999999999")


@pytest.mark.parametrize(("device_no", "seq"), [(-1, 1), (100, 1), (0, 0), (0, 10_000_000), (100, 0)])
def test_a_card_number_past_its_device_or_sequence_range_is_refused(device_no: int, seq: int):
    with pytest.raises(InvalidInput) as error:
        make_card_no("001", device_no, seq)
    assert refusal(error) == (InvalidInput, Reason.CARD_SEQ_EXHAUSTED, "card_no", {})


def test_a_member_number_for_every_device_from_0_to_99_and_sequence_from_1_to_999999():
    assert make_member_no("001", 0, 1) == "M00100000001"
    assert make_member_no("001", 99, 999_999) == "M00199999999"


@pytest.mark.parametrize(("device_no", "seq"), [(-1, 1), (100, 1), (0, 0), (0, 1_000_000), (100, 0)])
def test_a_member_number_past_its_device_or_sequence_range_is_refused(device_no: int, seq: int):
    with pytest.raises(InvalidInput) as error:
        make_member_no("001", device_no, seq)
    assert refusal(error) == (InvalidInput, Reason.MEMBER_SEQ_EXHAUSTED, "member_no", {})


@pytest.mark.parametrize(("text", "phone"), [
    ("139 0000-1111", "13900001111"), ("+86 13900001111", "13900001111"), ("008613900001111", "13900001111"),
    ("(139)00001111", "13900001111")])
def test_a_phone_is_read_with_or_without_its_country_code_and_separators(text: str, phone: str):
    assert normalise_phone(text) == phone


@pytest.mark.parametrize("text", ["", "12345", "0013900001111", "008813900001111"])
def test_a_text_that_is_no_mobile_number_is_refused_with_its_text_and_field(text: str):
    with pytest.raises(InvalidInput) as error:
        normalise_phone(text, "contact")
    assert refusal(error) == (InvalidInput, Reason.NOT_A_PHONE, "contact", {"text": text})


@pytest.mark.parametrize(("phone", "masked"), [
    (None, ""), ("", ""), ("1234567", "*******"), ("12345678", "123*5678"), ("13812341234", "138****1234")])
def test_a_phone_shows_its_first_3_and_last_4_digits_only_from_8_digits(phone: str | None, masked: str):
    assert mask_phone(phone) == masked


# ---- parse_member_code -------------------------------------------------------------------------------------


def test_a_code_of_64_characters_is_read_and_of_65_is_malformed():
    with pytest.raises(InvalidInput) as error:
        parse_member_code("x" * 64, KEY, NOW)  # read, then no known format
    assert refusal(error) == (InvalidInput, Reason.UNKNOWN_CODE_FORMAT, "code", {"text": "x" * 20})
    with pytest.raises(CardRefused) as refused:
        parse_member_code("x" * 65, KEY, NOW)
    assert refusal(refused) == (CardRefused, Reason.MALFORMED, "code", {})


def test_a_card_number_is_read_with_spaces_and_dashes_left_out():
    card_no = make_card_no("001", 1, 42)
    assert parse_member_code(f"{card_no[:4]} {card_no[4:8]}-{card_no[8:]}", KEY, NOW) == ParsedCode("card_no", card_no)


def test_a_card_number_with_a_wrong_check_digit_is_refused_naming_it():
    card_no = make_card_no("001", 1, 42)
    wrong = card_no[:-1] + str((int(card_no[-1]) + 1) % 10)
    with pytest.raises(InvalidInput) as error:
        parse_member_code(f"{wrong[:6]}-{wrong[6:]}", KEY, NOW)
    assert refusal(error) == (InvalidInput, Reason.BAD_CHECK_DIGIT, "code", {"card": wrong})


def test_a_member_number_is_read_in_capitals():
    assert parse_member_code(" m00101000001 ", KEY, NOW) == ParsedCode("member_no", "M00101000001")


@pytest.mark.parametrize("text", ["0086 139-0000-1111", "+86 13900001111", "139 0000 1111"])
def test_a_phone_is_read_with_its_country_code(text: str):
    assert parse_member_code(text, KEY, NOW) == ParsedCode("phone", "13900001111")


def test_a_code_that_starts_as_a_phone_but_is_none_is_refused_naming_the_code_field():
    with pytest.raises(InvalidInput) as error:
        parse_member_code("0086123", KEY, NOW)
    assert refusal(error) == (InvalidInput, Reason.NOT_A_PHONE, "code", {"text": "0086123"})


def test_an_unknown_code_is_refused_with_its_first_20_characters():
    text = "abcdefghijklmnopqrstuvwxyz"
    with pytest.raises(InvalidInput) as error:
        parse_member_code(f"  {text}  ", KEY, NOW)
    assert refusal(error) == (InvalidInput, Reason.UNKNOWN_CODE_FORMAT, "code", {"text": text[:20]})


def test_a_store_code_is_three_digits():
    assert validate_store_code("007") == "007"
    for text in ("", "07", "0071", "a07"):
        with pytest.raises(InvalidInput) as error:
            validate_store_code(text)
        assert refusal(error) == (InvalidInput, Reason.BAD_STORE_CODE, "store_code", {"text": text})
