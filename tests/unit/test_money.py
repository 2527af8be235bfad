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
