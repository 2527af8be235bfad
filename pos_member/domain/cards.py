"""Whether a card may be used at the till. Pure: the service passes the card's row values and today."""

from __future__ import annotations

from datetime import date, timedelta

from pos_member.domain.errors import CardRefused
from pos_member.domain.reasons import Reason


def card_problem(card_no: str, status: str, expires_on: str | None, today: date) -> CardRefused | None:
    if status == "lost":
        return CardRefused(Reason.LOST, card=card_no)
    if status == "replaced":
        return CardRefused(Reason.REPLACED, card=card_no)
    if status == "frozen":
        return CardRefused(Reason.FROZEN, card=card_no)
    if expires_on and today > date.fromisoformat(expires_on):
        return CardRefused(Reason.EXPIRED, card=card_no, date=expires_on)
    return None


def old_version_problem(card_no: str, scanned: int, current: int) -> CardRefused | None:
    if scanned != current:
        return CardRefused(Reason.OLD_VERSION, card=card_no, scanned=scanned, current=current)
    return None


def expiry_after(start: date, valid_days: int) -> str | None:
    """The last valid day of a card issued or renewed on `start`; None when the type never expires."""
    if valid_days <= 0:
        return None
    return (start + timedelta(days=valid_days - 1)).isoformat()
