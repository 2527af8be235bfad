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
from dataclasses import dataclass, field
from datetime import date

from pos_member.domain.errors import CardRefused, InvalidInput
from pos_member.domain.reasons import Reason, english

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
    template: str = ""  # the rules' template code, for the coupon's name in the till's language


@dataclass(frozen=True)
class CouponVerdict:
    """Whether the coupon takes money off, how much, and why (a reason and its figures, never a sentence)."""

    applies: bool
    off_fen: int
    reason: Reason
    params: dict[str, int | str] = field(default_factory=dict)

    @property
    def note(self) -> str:
        """The English note: "applied: 10.00 off (...)" or "not applied: already used"."""
        return ("applied: " if self.applies else "not applied: ") + english(self.reason, self.params)


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
            raise CardRefused(Reason.COUPON_MALFORMED, "coupon")
        keys = (key,) if isinstance(key, bytes) else key
        if not any(hmac.compare_digest(_sig(k, parts[1]), parts[2]) for k in keys):
            raise CardRefused(Reason.COUPON_FORGED, "coupon")
        return parts[1]
    code = raw.upper().replace("-", "").replace(" ", "")
    if not _CODE.fullmatch(code):
        raise InvalidInput(Reason.NOT_A_COUPON_CODE, "coupon", text=raw[:20])
    return code


def evaluate(offer: CouponOffer, bill_fen: int, today: date) -> CouponVerdict:
    """Whether the coupon takes money off this bill (after the tier discount), how much, and why."""
    named = {"name": offer.name, "template": offer.template}  # the till shows the template's name in its language
    if not offer.belongs_to_member:
        return CouponVerdict(False, 0, Reason.COUPON_OTHER_MEMBER)
    if offer.status == "used":
        return CouponVerdict(False, 0, Reason.COUPON_USED)
    if offer.status != "issued":
        return CouponVerdict(False, 0, Reason.COUPON_VOID)
    iso = today.isoformat()
    if iso < offer.valid_from:
        return CouponVerdict(False, 0, Reason.COUPON_NOT_YET, {"date": offer.valid_from})
    if iso > offer.valid_to:
        return CouponVerdict(False, 0, Reason.COUPON_EXPIRED, {"date": offer.valid_to})
    if bill_fen < offer.min_spend_fen:
        return CouponVerdict(False, 0, Reason.COUPON_MIN_SPEND, {"min_fen": offer.min_spend_fen, "bill_fen": bill_fen})
    if offer.kind == "gift":
        return CouponVerdict(True, 0, Reason.COUPON_GIFT, named)
    if offer.kind == "amount_off":
        off = min(offer.amount_off_fen, bill_fen)
        return CouponVerdict(True, off, Reason.COUPON_AMOUNT_OFF, {"off_fen": off} | named)
    off = bill_fen * offer.percent_off // 100
    if offer.max_off_fen:
        off = min(off, offer.max_off_fen)
    return CouponVerdict(True, off, Reason.COUPON_PERCENT_OFF, {"percent": offer.percent_off, "off_fen": off} | named)
