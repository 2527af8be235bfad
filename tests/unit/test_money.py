import pytest

from pos_member.domain.errors import InvalidInput
from pos_member.domain.money import format_yuan, parse_points, parse_signed_points, parse_yuan


@pytest.mark.parametrize("text, fen", [
    ("128.50", 12850), ("128.5", 12850), ("0.01", 1), ("7", 700), (" 12.00 ", 1200), ("1000000", 100_000_000),
])
def test_parse_yuan_accepts_plain_amounts(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text, words", [
    ("-5", "negative"), ("1.234", "2 decimal"), ("12.", "not an amount"), ("abc", "not an amount"),
    ("1e3", "not an amount"), ("1,000", "not an amount"), ("1000000.01", "too large"),
    ("99999999999", "too large"), ("0", "greater than 0"), ("", "not an amount"), ("NaN", "not an amount"),
    ("١٢", "not an amount"),
])
def test_parse_yuan_refuses_with_the_field_named(text, words):
    with pytest.raises(InvalidInput) as caught:
        parse_yuan(text, "amount")
    assert caught.value.field == "amount"
    assert words in caught.value.message


def test_zero_allowed_where_asked():
    assert parse_yuan("0", "stored_value", allow_zero=True) == 0


def test_format_yuan_round_trips():
    for fen in (0, 1, 99, 100, 12850, -250):
        assert parse_yuan(format_yuan(fen).lstrip("-"), allow_zero=True) == abs(fen)
    assert format_yuan(-250) == "-2.50"


@pytest.mark.parametrize("text", ["-1", "1.5", "x", "１２", "12345678901"])
def test_parse_points_refuses(text):
    with pytest.raises(InvalidInput):
        parse_points(text)


@pytest.mark.parametrize("text, points", [("50", 50), ("+50", 50), ("-20", -20), ("\u221220", -20),
                                          (" 7 ", 7), ("10000000", 10_000_000), ("-10000000", -10_000_000)])
def test_parse_signed_points_accepts_a_correction_either_way(text, points):
    assert parse_signed_points(text, "delta") == points


@pytest.mark.parametrize("text, words", [
    ("1.5", "whole number"), ("abc", "whole number"), ("", "whole number"), ("-", "whole number"),
    ("１２", "whole number"), ("--5", "whole number"), ("10000001", "too large"), ("-99999999999", "too large"),
    ("0", "not be 0"), ("-0", "not be 0"),
])
def test_parse_signed_points_refuses_with_the_field_named(text, words):
    with pytest.raises(InvalidInput) as caught:
        parse_signed_points(text, "delta")
    assert caught.value.field == "delta"
    assert words in caught.value.message


# The refusal's reason, field and figures make the cashier's sentence (ui/messages.py); the sentence alone hid
# mutmut mutants that dropped or nulled them (money.x_parse_yuan__mutmut_5..12, 64, 68, 86, 90; x_parse_points
# __mutmut_9..43; x_parse_signed_points__mutmut_22..50), so these compare the whole refusal.
def refusal(parse, *args, **kwargs) -> tuple[str, str | None, dict]:
    with pytest.raises(InvalidInput) as caught:
        parse(*args, **kwargs)
    return caught.value.reason.name, caught.value.field, caught.value.params


def test_parse_yuan_refusals_carry_reason_field_and_figures():
    # not a string at all (a scanner handing over a number): the text is cut to 20 characters
    assert refusal(parse_yuan, 10**24, "amount") == ("NOT_AN_AMOUNT", "amount", {"text": "10000000000000000000"})
    assert refusal(parse_yuan, "-5", "paid") == ("NEGATIVE", "paid", {"text": "-5"})
    assert refusal(parse_yuan, "1000000.01", "paid") == (
        "TOO_LARGE", "paid", {"text": "1000000.01", "max_fen": 100_000_000})
    assert refusal(parse_yuan, "12345678901", "paid") == (
        "TOO_LARGE", "paid", {"text": "12345678901", "max_fen": 100_000_000})
    # the defaults: the field is "amount" and 0 is refused (x_parse_yuan__mutmut_1, 2)
    assert refusal(parse_yuan, "x") == ("NOT_AN_AMOUNT", "amount", {"text": "x"})
    assert refusal(parse_yuan, "0") == ("ZERO", "amount", {"text": "0"})


def test_parse_yuan_takes_a_leading_plus_and_bounds_the_digits_it_reads():
    assert parse_yuan("+12.50") == 1250  # x_parse_yuan__mutmut_23..25 dropped or misread the "+"
    # the digit count is checked before int() (a pasted 10,000-digit string): nine whole digits are read,
    # ten are refused even when leading zeros make them small (x_parse_yuan__mutmut_59, 60)
    assert parse_yuan("000000001") == 100
    assert refusal(parse_yuan, "0000000001", "paid")[0] == "TOO_LARGE"


def test_parse_points_reads_whole_numbers_and_zero_only_where_allowed():
    assert parse_points("50") == 50 and parse_points(" 7 ") == 7  # x_parse_points__mutmut_32, 33
    assert parse_points("0") == 0  # zero is allowed by default (x_parse_points__mutmut_3)
    assert parse_points("5", allow_zero=False) == 5  # x_parse_points__mutmut_34, 35, 37
    assert parse_points("1000000000") == 1_000_000_000  # ten digits are read (x_parse_points__mutmut_24)
    assert refusal(parse_points, "0", "redeem_points", allow_zero=False) == ("ZERO", "redeem_points", {"text": "0"})


def test_parse_points_refusals_carry_reason_field_and_figures():
    assert refusal(parse_points, "-3", "redeem_points") == ("NEGATIVE", "redeem_points", {"text": "-3"})
    assert refusal(parse_points, " 1.5", "redeem_points") == ("NOT_WHOLE_POINTS", "redeem_points", {"text": " 1.5"})
    assert refusal(parse_points, "12345678901", "redeem_points") == (
        "POINTS_TOO_LARGE", "redeem_points", {"text": "12345678901"})
    assert refusal(parse_points, "x") == ("NOT_WHOLE_POINTS", "points", {"text": "x"})  # x_parse_points__mutmut_1, 2


def test_parse_signed_points_refusals_carry_reason_field_and_figures():
    assert refusal(parse_signed_points, " 1.5", "delta") == ("NOT_WHOLE_POINTS", "delta", {"text": " 1.5"})
    assert refusal(parse_signed_points, "-10000001", "delta") == ("POINTS_TOO_LARGE", "delta", {"text": "-10000001"})
    assert refusal(parse_signed_points, "-0", "delta") == ("NOT_ZERO", "delta", {"text": "-0"})
    assert refusal(parse_signed_points, "x") == ("NOT_WHOLE_POINTS", "points", {"text": "x"})  # ..._mutmut_1, 2
    # ten digits are read when the limit allows them, eleven never (x_parse_signed_points__mutmut_28, 29)
    assert parse_signed_points("1000000000", limit=10**10) == 1_000_000_000
    assert refusal(parse_signed_points, "00000000001", "delta")[0] == "POINTS_TOO_LARGE"


def test_format_yuan_signs_only_negative_amounts():
    # money.x_format_yuan__mutmut_3, 5, 6 ("-" for zero or every amount): the round trip above strips the sign
    assert (format_yuan(0), format_yuan(1), format_yuan(12850), format_yuan(-1)) == ("0.00", "0.01", "128.50", "-0.01")
