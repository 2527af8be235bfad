"""Card and member numbers, unique across the chain without asking HQ.

A card number is: store code (3 digits) + device number (2 digits) + sequence (7 digits) + Luhn check digit.
Store and device make the prefix unique in the chain; the device's own sequence makes the rest unique.
A member number is "M" + store code + device number + sequence (6 digits) so it can never be read as a
card number or a phone number.
"""

from __future__ import annotations

import re

from pos_member.domain.errors import InvalidInput
from pos_member.domain.reasons import Reason

_CARD_NO = re.compile(r"[0-9]{13}")
_MEMBER_NO = re.compile(r"M[0-9]{11}")
_PHONE = re.compile(r"1[3-9][0-9]{9}")


def luhn_check_digit(digits: str) -> str:
    """The Luhn digit that makes `digits + check` valid."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # these positions are doubled once the check digit is appended
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return bool(number) and number.isascii() and number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def make_card_no(store_code: str, device_no: int, seq: int) -> str:
    if not (0 <= device_no <= 99 and 0 < seq < 10_000_000):
        raise InvalidInput(Reason.CARD_SEQ_EXHAUSTED, "card_no")
    body = f"{store_code}{device_no:02d}{seq:07d}"
    return body + luhn_check_digit(body)


def make_member_no(store_code: str, device_no: int, seq: int) -> str:
    if not (0 <= device_no <= 99 and 0 < seq < 1_000_000):
        raise InvalidInput(Reason.MEMBER_SEQ_EXHAUSTED, "member_no")
    return f"M{store_code}{device_no:02d}{seq:06d}"


def card_seq_of(card_no: str, store_code: str, device_no: int) -> int | None:
    """The sequence of a card number minted by till `device_no` of `store_code`, or None for any other."""
    prefix = f"{store_code}{device_no:02d}"
    if is_card_no(card_no) and card_no.startswith(prefix) and luhn_valid(card_no):
        return int(card_no[len(prefix):-1])
    return None


def member_seq_of(member_no: str, store_code: str, device_no: int) -> int | None:
    """The sequence of a member number minted by till `device_no` of `store_code`, or None for any other."""
    prefix = f"M{store_code}{device_no:02d}"
    if is_member_no(member_no) and member_no.startswith(prefix):
        return int(member_no[len(prefix):])
    return None


def number_ranges(store_code: str, device_no: int) -> tuple[tuple[str, str], tuple[str, str]]:
    """The (lowest, highest) member number and card number till `device_no` of `store_code` can mint: as
    fixed-width strings they sort like their sequences, so the highest held is one index range lookup."""
    prefix = f"{store_code}{device_no:02d}"
    return (f"M{prefix}000000", f"M{prefix}999999"), (f"{prefix}00000000", f"{prefix}99999999")


def is_card_no(text: str) -> bool:
    return bool(_CARD_NO.fullmatch(text))


def is_member_no(text: str) -> bool:
    return bool(_MEMBER_NO.fullmatch(text))


def normalise_phone(text: str, field: str = "phone") -> str:
    """Accept a mainland mobile number, with or without +86 and separators, and return its 11 digits."""
    raw = re.sub(r"[\s\-()]", "", text or "")
    if raw.startswith("+86"):
        raw = raw[3:]
    elif raw.startswith("0086"):
        raw = raw[4:]
    if not _PHONE.fullmatch(raw):
        raise InvalidInput(Reason.NOT_A_PHONE, field, text=text)
    return raw


def is_phone(text: str) -> bool:
    return bool(_PHONE.fullmatch(text))


def mask_phone(phone: str | None) -> str:
    """Show the first 3 and last 4 digits only: 138****1234."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def validate_store_code(text: str) -> str:
    if not re.fullmatch(r"[0-9]{3}", text or ""):
        raise InvalidInput(Reason.BAD_STORE_CODE, "store_code", text=text)
    return text
