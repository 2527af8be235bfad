"""Money is integer fen (1 yuan = 100 fen). Amount strings are parsed strictly: no floats anywhere."""

from __future__ import annotations

import re

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason

# The largest single amount the till accepts (1,000,000 yuan). Anything above is a typo or an attack.
MAX_AMOUNT_FEN = 100_000_000

_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]*))?")  # [0-9], not \d: \d matches other scripts' digits too


def parse_yuan(text: str, field: str = "amount", allow_zero: bool = False) -> int:
    """Parse a yuan string such as "128.50" into fen, refusing anything ambiguous."""
    if not isinstance(text, str):
        raise InvalidInput(Reason.NOT_AN_AMOUNT, field, text=str(text)[:20])
    raw = text.strip()
    if raw.startswith("-"):
        raise InvalidInput(Reason.NEGATIVE, field, text=raw)
    if raw.startswith("+"):
        raw = raw[1:]
    match = _AMOUNT.fullmatch(raw)
    if not match or (match.group(2) is not None and match.group(2) == ""):
        raise InvalidInput(Reason.NOT_AN_AMOUNT, field, text=text)
    whole, frac = match.group(1), match.group(2) or ""
    if len(frac) > 2:
        raise InvalidInput(Reason.TOO_MANY_DECIMALS, field, text=text)
    if len(whole) > 9:
        raise InvalidInput(Reason.TOO_LARGE, field, text=text, max_fen=MAX_AMOUNT_FEN)
    fen = int(whole) * 100 + int(frac.ljust(2, "0"))
    if fen > MAX_AMOUNT_FEN:
        raise InvalidInput(Reason.TOO_LARGE, field, text=text, max_fen=MAX_AMOUNT_FEN)
    if fen == 0 and not allow_zero:
        raise InvalidInput(Reason.ZERO, field, text=text)
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
        raise InvalidInput(Reason.NEGATIVE, field, text=raw)
    if not raw.isdigit() or not raw.isascii():
        raise InvalidInput(Reason.NOT_WHOLE_POINTS, field, text=str(text))
    if len(raw) > 10:
        raise InvalidInput(Reason.POINTS_TOO_LARGE, field, text=raw)
    value = int(raw)
    if value == 0 and not allow_zero:
        raise InvalidInput(Reason.ZERO, field, text=raw)
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
        raise InvalidInput(Reason.NOT_WHOLE_POINTS, field, text=str(text))
    if len(raw) > 10 or int(raw) > limit:
        raise InvalidInput(Reason.POINTS_TOO_LARGE, field, text=str(text))
    value = sign * int(raw)
    if value == 0:
        raise InvalidInput(Reason.NOT_ZERO, field, text=str(text))  # the adjustment service's own reason
    return value
