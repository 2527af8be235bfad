"""Errors the domain raises. Every one carries a sentence a cashier can read and, where it applies, the
field or rule that caused it, so the CLI and the GUI can show one line instead of a traceback."""

from __future__ import annotations


class PosError(Exception):
    """A refusal: the request was understood and declined. Nothing was written."""

    code = "refused"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidInput(PosError):
    """Malformed, negative, over-precise or absurd input."""

    code = "invalid_input"


class NotFound(PosError):
    """An unknown member, card, sale or staff member."""

    code = "not_found"


class CardRefused(PosError):
    """A card (or its QR code) that must not be accepted at the till."""

    code = "card_refused"

    def __init__(self, message: str, reason: str, field: str | None = "code") -> None:
        super().__init__(message, field)
        self.reason = reason  # forged | old_version | lost | frozen | expired | replaced | malformed


class RuleRefused(PosError):
    """A business rule says no: over balance, over cap, already refunded, duplicate phone."""

    code = "rule_refused"


class NeedsManager(PosError):
    """The action needs a manager's PIN, and none (or a wrong one) was given."""

    code = "needs_manager"


class StorageError(PosError):
    """The database file cannot be used (newer than this app, not initialised, corrupt)."""

    code = "storage"


class WrongPin(NotFound):
    """No active staff member has the PIN typed at sign-in; `tries_left` before sign-in waits."""

    def __init__(self, tries_left: int) -> None:
        super().__init__("no staff member has this PIN", "pin")
        self.tries_left = tries_left


class SignInLocked(RuleRefused):
    """Too many wrong PINs in a row: sign-in waits `seconds` more (the PIN is not even checked)."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many wrong PINs in a row; sign-in is possible again in {seconds} s", "pin")
        self.seconds = seconds
