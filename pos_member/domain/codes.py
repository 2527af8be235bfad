"""Member codes as they arrive from a camera, a USB scanner or the keyboard.

The parser is a security boundary: any text may arrive. It classifies the text, and for QR text checks the
HMAC signature with the chain key before anything is looked up. Status checks (lost, frozen, replaced,
expired) need the card row and happen in the service; this module only says what the text claims.

Printed card QR:   PM1.<card_no>.<version>.<sig>          sig = HMAC-SHA256(key, "PM1|card|version")[:10]
Phone (dynamic):   PM2.<card_no>.<version>.<step>.<sig>   step = unix_time // 30; a screenshot dies in ~1 min
Signatures are RFC 4648 base32 without padding: upper-case letters and digits keep the QR in the dense
alphanumeric mode.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from pos_member.domain.cardno import is_card_no, is_member_no, is_phone, luhn_valid, normalise_phone
from pos_member.domain.errors import CardRefused, InvalidInput
from pos_member.domain.reasons import Reason

DYNAMIC_STEP_S = 30
DYNAMIC_SKEW_STEPS = 1  # accept the previous and next 30 s window: phone and till clocks drift
_MAX_CODE_LENGTH = 64
_SIG_BYTES = 10


@dataclass(frozen=True)
class ParsedCode:
    kind: str  # "qr" | "card_no" | "phone" | "member_no"
    value: str  # card number for qr/card_no, phone digits, or member number
    version: int | None = None


def _sign(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode("ascii"), hashlib.sha256).digest()[:_SIG_BYTES]
    return base64.b32encode(digest).decode("ascii").rstrip("=")


def card_qr_text(key: bytes, card_no: str, version: int) -> str:
    return f"PM1.{card_no}.{version}.{_sign(key, f'PM1|{card_no}|{version}')}"


def dynamic_qr_text(key: bytes, card_no: str, version: int, unix_time: int) -> str:
    step = unix_time // DYNAMIC_STEP_S
    return f"PM2.{card_no}.{version}.{step}.{_sign(key, f'PM2|{card_no}|{version}|{step}')}"


Keys = bytes | tuple[bytes, ...]


def _signed_by_any(keys: Keys, message: str, signature: str) -> bool:
    """The chain key first; a store that joined a chain later also keeps its old key for cards printed
    before (compare_digest on each: no timing hint about which part of a forgery was right)."""
    candidates = (keys,) if isinstance(keys, bytes) else keys
    return any(hmac.compare_digest(_sign(key, message), signature) for key in candidates)


def _forged() -> CardRefused:
    return CardRefused(Reason.FORGED)


def _parse_qr(key: Keys, text: str, unix_time: int) -> ParsedCode:
    parts = text.split(".")
    scheme = parts[0]
    if scheme == "PM1" and len(parts) == 4:
        _, card_no, version_text, sig = parts
        signed = f"PM1|{card_no}|{version_text}"
    elif scheme == "PM2" and len(parts) == 5:
        _, card_no, version_text, step_text, sig = parts
        signed = f"PM2|{card_no}|{version_text}|{step_text}"
    else:
        raise CardRefused(Reason.MALFORMED)
    if not (is_card_no(card_no) and version_text.isdigit() and len(version_text) <= 6):
        raise CardRefused(Reason.MALFORMED)
    if not _signed_by_any(key, signed, sig):
        raise _forged()
    if scheme == "PM2":
        if not step_text.isdigit():
            raise _forged()
        if abs(int(step_text) - unix_time // DYNAMIC_STEP_S) > DYNAMIC_SKEW_STEPS:
            raise CardRefused(Reason.EXPIRED_CODE)
    return ParsedCode("qr", card_no, int(version_text))


def parse_member_code(text: str, key: Keys, unix_time: int) -> ParsedCode:
    """Classify `text` as a signed QR, a card number, a phone number or a member number."""
    if not isinstance(text, str):
        raise InvalidInput(Reason.NO_CODE, "code")
    raw = text.strip()
    if not raw:
        raise InvalidInput(Reason.NO_CODE, "code")
    if len(raw) > _MAX_CODE_LENGTH or not raw.isprintable() or not raw.isascii():
        raise CardRefused(Reason.MALFORMED)
    if raw.startswith(("PM1.", "PM2.")):
        return _parse_qr(key, raw, unix_time)
    compact = raw.replace(" ", "").replace("-", "")
    if is_card_no(compact):
        if not luhn_valid(compact):
            raise InvalidInput(Reason.BAD_CHECK_DIGIT, "code", card=compact)
        return ParsedCode("card_no", compact)
    if is_member_no(raw.upper()):
        return ParsedCode("member_no", raw.upper())
    if is_phone(compact) or compact.startswith(("+86", "0086")):
        return ParsedCode("phone", normalise_phone(compact, "code"))
    raise InvalidInput(Reason.UNKNOWN_CODE_FORMAT, "code", text=raw[:20])
