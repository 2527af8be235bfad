"""Coupons: unguessable codes that also work as a QR, and whether a coupon applies to a bill (and why not).

Code: 10 random base32 characters (50 bits: guessing one is hopeless at a till). QR text: PMC.<code>.<sig>
with a 6-character HMAC so a QR can be checked before any lookup; the bare code can also be typed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date

from pos_member.domain.errors import CardRefused, InvalidInput
from pos_member.domain.money import format_yuan

_CODE = re.compile(r"[A-Z2-7]{10}")


@dataclass(frozen=True)
class CouponOffer:
    """A coupon as issued: the template's terms are copied at issue, so new rules never change it."""

    code: str
    kind: str  # amount_off | percent_off | gift
    name: str
    amount_off_fen: int
    min_spend_fen: int
    percent_off: int
    max_off_fen: int
    valid_from: str
    valid_to: str  # last valid day
    status: str  # issued | used | void
    belongs_to_member: bool


@dataclass(frozen=True)
class CouponVerdict:
    applies: bool
    off_fen: int
    note: str


def new_coupon_code() -> str:
    return "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(10))


def _sig(key: bytes, code: str) -> str:
    digest = hmac.new(key, f"PMC|{code}".encode(), hashlib.sha256).digest()[:4]
    return base64.b32encode(digest).decode().rstrip("=")[:6]


def coupon_qr_text(key: bytes, code: str) -> str:
    return f"PMC.{code}.{_sig(key, code)}"


def is_coupon_text(text: str) -> bool:
    raw = (text or "").strip().upper()
    return raw.startswith("PMC.") or bool(_CODE.fullmatch(raw.replace("-", "")))


def parse_coupon_code(text: str, key: bytes | tuple[bytes, ...]) -> str:
    raw = (text or "").strip()
    if raw.upper().startswith("PMC."):
        parts = raw.split(".")
        if len(parts) != 3 or not _CODE.fullmatch(parts[1]):
            raise CardRefused("this QR is not a coupon", "malformed", "coupon")
        keys = (key,) if isinstance(key, bytes) else key
        if not any(hmac.compare_digest(_sig(k, parts[1]), parts[2]) for k in keys):
            raise CardRefused("coupon QR signature is not valid: forged or from another chain", "forged", "coupon")
        return parts[1]
    code = raw.upper().replace("-", "").replace(" ", "")
    if not _CODE.fullmatch(code):
        raise InvalidInput(f"{raw[:20]!r} is not a coupon code (10 letters and digits)", "coupon")
    return code


def evaluate(offer: CouponOffer, bill_fen: int, today: date) -> CouponVerdict:
    """Whether the coupon takes money off this bill (after the tier discount), how much, and why."""
    if not offer.belongs_to_member:
        return CouponVerdict(False, 0, "belongs to another member")
    if offer.status == "used":
        return CouponVerdict(False, 0, "already used")
    if offer.status != "issued":
        return CouponVerdict(False, 0, "no longer valid")
    iso = today.isoformat()
    if iso < offer.valid_from:
        return CouponVerdict(False, 0, f"valid from {offer.valid_from}")
    if iso > offer.valid_to:
        return CouponVerdict(False, 0, f"expired on {offer.valid_to}")
    if bill_fen < offer.min_spend_fen:
        return CouponVerdict(False, 0, f"needs a bill of {format_yuan(offer.min_spend_fen)} "
                                       f"(this one is {format_yuan(bill_fen)})")
    if offer.kind == "gift":
        return CouponVerdict(True, 0, f"gift: {offer.name}")
    if offer.kind == "amount_off":
        off = min(offer.amount_off_fen, bill_fen)
        return CouponVerdict(True, off, f"{format_yuan(off)} off ({offer.name})")
    off = bill_fen * offer.percent_off // 100
    if offer.max_off_fen:
        off = min(off, offer.max_off_fen)
    return CouponVerdict(True, off, f"{offer.percent_off}% off, {format_yuan(off)} ({offer.name})")
