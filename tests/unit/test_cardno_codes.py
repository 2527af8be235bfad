import pytest

from pos_member.domain.cardno import (
    card_seq_of,
    luhn_valid,
    make_card_no,
    make_member_no,
    mask_phone,
    member_seq_of,
    normalise_phone,
)
from pos_member.domain.codes import card_qr_text, dynamic_qr_text, parse_member_code
from pos_member.domain.coupons import is_coupon_text
from pos_member.domain.errors import CardRefused, InvalidInput

KEY = bytes(range(32))
NOW = 1_795_000_000


def test_card_numbers_carry_store_device_sequence_and_luhn():
    card = make_card_no("001", 1, 1)
    assert card == "001010000001" + card[-1] and len(card) == 13
    assert luhn_valid(card)
    assert luhn_valid("79927398713")  # the textbook Luhn example
    assert not luhn_valid(card[:-1] + str((int(card[-1]) + 1) % 10))
    assert make_card_no("002", 1, 1) != card and make_card_no("001", 2, 1) != card


def test_member_numbers_cannot_be_read_as_cards_or_phones():
    assert make_member_no("001", 1, 42) == "M00101000042"


def test_phone_normalised_and_masked():
    assert normalise_phone("+86 138-0000-1234") == "13800001234"
    assert mask_phone("13800001234") == "138****1234"
    with pytest.raises(InvalidInput) as caught:
        normalise_phone("12345")
    assert caught.value.field == "phone"


def test_signed_qr_round_trips():
    text = card_qr_text(KEY, make_card_no("001", 1, 7), 3)
    parsed = parse_member_code(text, KEY, NOW)
    assert (parsed.kind, parsed.value, parsed.version) == ("qr", make_card_no("001", 1, 7), 3)


def test_a_printed_card_qr_keeps_its_form_whatever_its_signature_ends_with():
    # codes.x__sign__mutmut_17: a signature ending in X (one in 32) must not lose it; the text of a card printed
    # today must verify after any upgrade
    text = card_qr_text(b"chain-key", "880000000033", 1)
    assert text == "PM1.880000000033.1.QHQQJX5EVFTHAWJX"


def test_forged_qr_refused():
    card = make_card_no("001", 1, 7)
    genuine = card_qr_text(KEY, card, 1)
    for forged in (genuine[:-1] + ("A" if genuine[-1] != "A" else "B"),
                   card_qr_text(b"another chain key", card, 1),
                   genuine.replace(".1.", ".2.")):
        with pytest.raises(CardRefused) as caught:
            parse_member_code(forged, KEY, NOW)
        assert caught.value.reason == "forged"


@pytest.mark.parametrize("text", ["PM1.abc", "PM1.0010100000016.x.SIG", "PM9.1.2.3", "hello\x00world", "x" * 500,
                                  "PM1..." , "'; DROP TABLE members; --"])
def test_junk_from_a_scanner_is_refused_cleanly(text):
    with pytest.raises((CardRefused, InvalidInput)):
        parse_member_code(text, KEY, NOW)


def test_card_number_with_wrong_check_digit_is_a_typo():
    card = make_card_no("001", 1, 7)
    typo = card[:-1] + str((int(card[-1]) + 1) % 10)
    with pytest.raises(InvalidInput, match="check digit"):
        parse_member_code(typo, KEY, NOW)


def test_dynamic_phone_code_expires():
    card = make_card_no("001", 1, 7)
    text = dynamic_qr_text(KEY, card, 1, NOW)
    assert parse_member_code(text, KEY, NOW + 29).value == card
    with pytest.raises(CardRefused) as caught:
        parse_member_code(text, KEY, NOW + 120)
    assert caught.value.reason == "expired_code"


def test_classifies_phone_and_member_number():
    assert parse_member_code("13800001234", KEY, NOW).kind == "phone"
    assert parse_member_code("m00101000042", KEY, NOW).value == "M00101000042"


def test_a_code_signed_with_a_legacy_key_verifies_when_that_key_is_kept():
    card = make_card_no("001", 1, 7)
    old = card_qr_text(b"the store's own key", card, 1)
    assert parse_member_code(old, (KEY, b"the store's own key"), NOW).value == card
    with pytest.raises(CardRefused):
        parse_member_code(old, (KEY,), NOW)


@pytest.mark.parametrize("text", ["PM1.abc.1.SIG", "PM1.0010100000016.x.SIG", "PM1.0010100000016.1.2.SIG",
                                  "PM2.0010100000016.1.SIG", "PM2.0010100000016.1.2.3.SIG"])
def test_a_qr_that_is_not_shaped_like_ours_is_malformed_not_forged(text):
    # "malformed" tells the cashier to rescan; "forged" raises an alarm. codes.x__parse_qr__mutmut_14 (a PM1 code
    # with five parts read as PM2), 22, 29 (no reason), 24, 25 (a bad card number or version let through to the
    # signature check)
    with pytest.raises(CardRefused) as caught:
        parse_member_code(text, KEY, NOW)
    assert caught.value.reason == "malformed"


def test_a_card_version_has_at_most_six_digits():
    # codes.x__parse_qr__mutmut_27, 28: six digits are read, seven are malformed even when signed
    card = make_card_no("001", 1, 7)
    assert parse_member_code(card_qr_text(KEY, card, 999999), KEY, NOW).version == 999999
    with pytest.raises(CardRefused) as caught:
        parse_member_code(card_qr_text(KEY, card, 1000000), KEY, NOW)
    assert caught.value.reason == "malformed"


@pytest.mark.parametrize(("text", "coupon"), [
    ("PMC.ABCDEFGHIJ.SIG", True), (" pmc.abcdefghij.sig ", True), ("abcde-fghij", True), ("ABCDEFGHIJ", True),
    ("ABCDEFGHI", False), ("PM1.0010100000016.1.SIG", False), ("13800001234", False), ("", False), (None, False),
])
def test_the_till_tells_coupon_text_from_member_codes(text, coupon):
    # the till's scan box sends coupon text to the coupon field (ui/window.py): coupons.x_is_coupon_text__mutmut_1..16
    assert is_coupon_text(text) is coupon


def test_a_tills_own_numbers_give_back_their_sequence_and_others_none():
    # cardno.x_card_seq_of__mutmut_9 (the check digit read as part of the sequence), x_member_seq_of__mutmut_2
    assert card_seq_of(make_card_no("001", 1, 1234567), "001", 1) == 1234567
    assert card_seq_of(make_card_no("001", 2, 7), "001", 1) is None
    assert member_seq_of(make_member_no("001", 1, 42), "001", 1) == 42
    assert member_seq_of("M00101X00042", "001", 1) is None  # the till's prefix, but not a member number
    assert member_seq_of(make_member_no("002", 1, 42), "001", 1) is None


@pytest.mark.parametrize(("text", "reason", "field"), [
    (None, "no_code", "code"), ("   ", "no_code", "code"),  # codes.x_parse_member_code__mutmut_4, 5, 14
    ("x" * 65, "malformed", "code"),  # too long though printable (_17: "and"), with its reason (_21)
    ("PM1\x00abc", "malformed", "code"), ("会员", "malformed", "code"),
])
def test_no_code_or_a_malformed_one_is_refused_with_its_reason_and_field(text, reason, field):
    with pytest.raises((CardRefused, InvalidInput)) as caught:
        parse_member_code(text, KEY, NOW)
    assert (caught.value.reason, caught.value.field) == (reason, field)


def test_typed_numbers_are_read_through_spaces_and_a_country_code_and_refusals_name_the_code():
    # codes.x_parse_member_code__mutmut_43 (spaces kept), 50 (no field), 75 ("+86" not read), 89, 95
    card = make_card_no("001", 1, 7)
    assert parse_member_code(f"{card[:4]} {card[4:8]} {card[8:]}", KEY, NOW).value == card
    assert parse_member_code("+86 138 0000 1234", KEY, NOW).value == "13800001234"
    typo = card[:-1] + str((int(card[-1]) + 1) % 10)
    for text, reason in ((typo, "bad_check_digit"), ("hello", "unknown_code_format")):
        with pytest.raises(InvalidInput) as caught:
            parse_member_code(text, KEY, NOW)
        assert (caught.value.reason, caught.value.field) == (reason, "code")
