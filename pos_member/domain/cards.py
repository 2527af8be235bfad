"""Whether a card may be used at the till. Pure: the service passes the card's row values and today."""

from __future__ import annotations

from datetime import date, timedelta

from pos_member.domain.errors import CardRefused


def card_problem(card_no: str, status: str, expires_on: str | None, today: date) -> CardRefused | None:
    if status == "lost":
        return CardRefused(f"card {card_no} was reported lost and is refused", "lost")
    if status == "replaced":
        return CardRefused(f"card {card_no} was replaced by a newer card and is refused", "replaced")
    if status == "frozen":
        return CardRefused(f"card {card_no} is frozen; a manager can unfreeze it", "frozen")
    if expires_on and today > date.fromisoformat(expires_on):
        return CardRefused(f"card {card_no} expired on {expires_on}; renew it first", "expired")
    return None


def old_version_problem(card_no: str, scanned: int, current: int) -> CardRefused | None:
    if scanned != current:
        return CardRefused(
            f"this QR is from an older print of card {card_no} (version {scanned}, now {current}) and is refused",
            "old_version",
        )
    return None


def expiry_after(start: date, valid_days: int) -> str | None:
    """The last valid day of a card issued or renewed on `start`; None when the type never expires."""
    if valid_days <= 0:
        return None
    return (start + timedelta(days=valid_days - 1)).isoformat()
