"""Money is integer fen (1 yuan = 100 fen). Amount strings are parsed strictly: no floats anywhere."""

from __future__ import annotations

import re

from pos_member.domain.errors import InvalidInput

# The largest single amount the till accepts (1,000,000 yuan). Anything above is a typo or an attack.
MAX_AMOUNT_FEN = 100_000_000

_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]*))?")  # [0-9], not \d: \d matches other scripts' digits too


def parse_yuan(text: str, field: str = "amount", allow_zero: bool = False) -> int:
    """Parse a yuan string such as "128.50" into fen, refusing anything ambiguous."""
    if not isinstance(text, str):
        raise InvalidInput("must be a yuan amount such as 128.50", field)
    raw = text.strip()
    if raw.startswith("-"):
        raise InvalidInput(f"must not be negative (got {raw!r})", field)
    if raw.startswith("+"):
        raw = raw[1:]
    match = _AMOUNT.fullmatch(raw)
    if not match or (match.group(2) is not None and match.group(2) == ""):
        raise InvalidInput(f"{text!r} is not an amount; write yuan like 128.50", field)
    whole, frac = match.group(1), match.group(2) or ""
    if len(frac) > 2:
        raise InvalidInput(f"{text!r} has more than 2 decimal places; the smallest unit is 0.01", field)
    if len(whole) > 9:
        raise InvalidInput(f"{text!r} is too large (at most {format_yuan(MAX_AMOUNT_FEN)})", field)
    fen = int(whole) * 100 + int(frac.ljust(2, "0"))
    if fen > MAX_AMOUNT_FEN:
        raise InvalidInput(f"{text!r} is too large (at most {format_yuan(MAX_AMOUNT_FEN)})", field)
    if fen == 0 and not allow_zero:
        raise InvalidInput("must be greater than 0", field)
    return fen


def format_yuan(fen: int) -> str:
    """Render fen as a yuan string with two decimals, e.g. 12850 -> "128.50"."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def parse_points(text: str | int, field: str = "points", allow_zero: bool = True) -> int:
    """Parse a whole number of points; points are never fractional or negative on input."""
    raw = str(text).strip()
    if raw.startswith("-"):
        raise InvalidInput(f"must not be negative (got {raw!r})", field)
    if not raw.isdigit() or not raw.isascii():
        raise InvalidInput(f"{text!r} is not a whole number of points", field)
    if len(raw) > 10:
        raise InvalidInput(f"{text!r} is too large", field)
    value = int(raw)
    if value == 0 and not allow_zero:
        raise InvalidInput("must be greater than 0", field)
    return value



# The largest manual points correction either way; the adjustment service refuses beyond it as well.
MAX_POINTS_ADJUST = 10_000_000
_MINUS_SIGNS = ("-", "\u2212")  # the form's label shows U+2212; a keyboard types "-"


def parse_signed_points(text: str | int, field: str = "points", limit: int = MAX_POINTS_ADJUST) -> int:
    """Parse a points correction such as "+50", "50" or "-20": a whole number, not 0, at most `limit` either way."""
    raw = str(text).strip()
    sign = 1
    if raw[:1] in _MINUS_SIGNS:
        sign, raw = -1, raw[1:]
    elif raw.startswith("+"):
        raw = raw[1:]
    if not raw.isdigit() or not raw.isascii():
        raise InvalidInput(f"{text!r} is not a whole number of points", field)
    if len(raw) > 10 or int(raw) > limit:
        raise InvalidInput(f"{text!r} is too large (at most {limit} either way)", field)
    value = sign * int(raw)
    if value == 0:
        raise InvalidInput("must not be 0", field)  # the adjustment service's own words
    return value
